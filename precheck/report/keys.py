"""The device's signing key and device-id salt: made on first use, private to the user.

Both live in the user's data folder (`precheck.paths.user_data_dir()`), in files of their own, mode
0600 in a 0700 folder on macOS and Linux (on Windows the per-user AppData folder is private by
its ACL). They are separate files so that a damaged key, once replaced, does not change the
device id: a counselor then sees "new key, same device" rather than a stranger.

A key file that cannot be used is never a crash: it is moved aside to `*.damaged` (kept for
the helpdesk) and a new key is made; the report says `key_status: replaced`. No key ever ships
with precheck: the first run on each device makes its own.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from precheck.fsutil import WriteError, write_atomic
from precheck.paths import user_data_dir

KEY_FILE = "device-key.pem"
SALT_FILE = "device-id-salt"
SALT_BYTES = 32


@dataclass(frozen=True)
class DeviceKey:
    """The private key (a cryptography Ed25519PrivateKey) and how it came to be."""

    private: Any
    status: str  # "new" | "replaced" | "existing"
    problem: str | None = None  # why an earlier key file was replaced

    @property
    def public_raw(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        raw: bytes = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return raw

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_raw)


def fingerprint(public_raw: bytes) -> str:
    """SHA-256 (lowercase hex) of the raw 32-byte public key."""
    return hashlib.sha256(public_raw).hexdigest()


def _private_folder(folder: Path) -> None:
    """The data folder, made 0700 (or made so again: other features may have created it)."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise WriteError(f"{folder}: {exc.strerror or exc}") from exc
    _tighten(folder, 0o700)


def _tighten(path: Path, mode: int = 0o600) -> None:
    """A key file or folder others can read is made private again (it may have been copied in)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o077:
            os.chmod(path, mode)


def _set_aside(path: Path) -> None:
    """Keep a damaged file for the helpdesk instead of deleting it; never fail over it."""
    with contextlib.suppress(OSError):
        os.replace(path, path.with_name(path.name + ".damaged"))


def _read_key(path: Path) -> tuple[Any | None, str | None]:
    """(key, None), (None, None) when there is no file, or (None, why it cannot be used)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except Exception as exc:  # ValueError, TypeError (encrypted), UnsupportedAlgorithm
        return None, f"is damaged ({type(exc).__name__})"
    if not isinstance(key, Ed25519PrivateKey):
        return None, "holds a key of another kind"
    return key, None


def load_device_key(folder: Path | None = None) -> DeviceKey:
    """The device key, made on first use; a damaged or unreadable one is replaced.

    Raises WriteError only when a new key cannot be saved (full disk, no permission).
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = folder or user_data_dir()
    path = folder / KEY_FILE
    key, problem = _read_key(path)
    if key is not None:
        _tighten(folder, 0o700)
        _tighten(path)
        return DeviceKey(private=key, status="existing")
    _private_folder(folder)
    if problem is not None:
        _set_aside(path)
    new = Ed25519PrivateKey.generate()
    pem = new.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_atomic(path, pem, private=True)
    return DeviceKey(private=new, status="replaced" if problem else "new", problem=problem)


def device_salt(folder: Path | None = None) -> bytes:
    """The random salt of the device id, made on first use (a damaged one is replaced)."""
    folder = folder or user_data_dir()
    path = folder / SALT_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
        salt = bytes.fromhex(text)
        if len(salt) == SALT_BYTES:
            _tighten(path)
            return salt
        _set_aside(path)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, UnicodeDecodeError):
        _set_aside(path)
    _private_folder(folder)
    salt = secrets.token_bytes(SALT_BYTES)
    write_atomic(path, salt.hex().encode("ascii") + b"\n", private=True)
    return salt
