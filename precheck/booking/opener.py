"""Opening a file or a `mailto:` link with the user's default program, per OS.

Windows: `os.startfile` (fails when no program is associated); macOS: `open`; Linux and other
Unix: `xdg-open`, after `xdg-mime` confirms some program handles the type, because xdg-open
"succeeds" by falling back to a browser or text editor that cannot send mail.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess

TIMEOUT = 15.0


def _run(command: list[str]) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def xdg_handler(mime: str) -> str | None:
    """The desktop entry xdg-mime names for `mime`, or None (no handler, no xdg-utils)."""
    if shutil.which("xdg-mime") is None:
        return None
    done = _run(["xdg-mime", "query", "default", mime])
    if done is None or done.returncode != 0:
        return None
    return done.stdout.strip() or None


def open_with_default(target: str, mime: str) -> bool:
    """Hand `target` (a path or a URL) to the default program for `mime`; True when one took it.

    `mime` is e.g. `message/rfc822` for .eml, `text/calendar` for .ics and
    `x-scheme-handler/mailto` for mailto: links.
    """
    system = platform.system()
    if system == "Windows":
        startfile = getattr(os, "startfile", None)
        if startfile is None:
            return False
        try:
            startfile(target)
        except OSError:
            return False
        return True
    if system == "Darwin":
        done = _run(["open", target])
        return done is not None and done.returncode == 0
    if xdg_handler(mime) is None or shutil.which("xdg-open") is None:
        return False
    done = _run(["xdg-open", target])
    return done is not None and done.returncode == 0
