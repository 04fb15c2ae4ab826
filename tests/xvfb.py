"""A private X display (Debian's `xvfb`) for tests that show a real browser window.

Xvfb picks a free display number itself and writes it to the pipe given by -displayfd, so the
test waits on that pipe (an event), never on a guess of how long the server needs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator

XVFB = "Xvfb"


def unavailable_reason() -> str | None:
    return None if shutil.which(XVFB) else "Xvfb is missing (apt-get install xvfb)"


@contextlib.contextmanager
def virtual_display(size: str = "1280x1024x24") -> Iterator[str]:
    """Start Xvfb on a free display; yields ':N'; stopped afterwards."""
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [XVFB, "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as pipe:
            number = pipe.readline().strip().decode("ascii")  # blocks until the display is up
        if not number.isdigit():
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
