"""Writing files the user must be able to trust: whole or not at all, and private when asked."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class WriteError(Exception):
    """A file could not be written (full disk, no permission); nothing half-written remains."""


def write_atomic(
    path: Path, data: bytes, *, private: bool = False, make_folders: bool = True
) -> None:
    """Write `data` to `path` via a temporary file in the same folder and an atomic rename.

    `private` makes the file readable by its owner alone (0600) from the moment it exists:
    mkstemp creates it so, and only a file that is not private is opened up to 0644.
    `make_folders=False` is for a path the user typed: a typo in a folder name must be an
    error naming that folder, not a new folder somewhere unexpected.
    """
    path = Path(path)
    try:
        if make_folders:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise WriteError(f"{path.parent}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not private:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WriteError(f"{path}: {exc.strerror or exc}") from exc
