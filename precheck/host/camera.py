"""Live producers for the camera questions: which cameras exist, and what one of them delivers.

A camera driver can hang inside a native call (MSMF opening for tens of seconds, V4L2 waiting
10 s per frame, research/media-network.md §5.3) and a Python thread cannot stop that, so the
camera is opened and read in a spawned child process that the parent kills at a hard deadline.
The child sends back numbers only (frame statistics, `precheck.media.frames`), never an image,
except to `preview_jpeg`, whose picture is for the desktop app's screen and goes into no fact,
evidence bundle or report.

The same code reads a video file: the source is a device index or a file path, and a file's
frames are timed by its own timestamps instead of the wall clock, so tests and benchmarks feed
written videos through the very path a real camera takes.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import json
import os
import queue
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from precheck.host.base import HostError

BACKENDS = {
    # MSMF is Windows' default; DirectShow opens some cameras MSMF cannot (§5.1, §5.3).
    "windows": ("MSMF", "DSHOW"),
    "darwin": ("AVFOUNDATION",),
    "linux": ("V4L2",),
}
FILE_BACKENDS = ("FFMPEG", "ANY")
STARTUP_SECONDS = 5.0
"""How long the child's interpreter may take to start; importing OpenCV counts as opening."""
MAX_NAME = 60


@dataclass(frozen=True)
class CaptureSettings:
    system: str
    open_timeout: float
    read_timeout: float
    seconds: float
    """How long to read after the device opened: the liveness window."""


def camera_name(raw: str) -> str:
    """A camera's name fit for a report: bounded, without an owner's name.

    A phone used as a camera is named after the phone ("Hanako's iPhone Camera", 「花子の
    iPhone」), so whatever precedes a possessive is dropped.
    """
    name = " ".join(raw.split())
    name = re.sub(r"^.*?(?:['’]s|の)\s*", "", name) if re.search(r"['’]s\b|の", name) else name
    return name[:MAX_NAME] + "…" if len(name) > MAX_NAME else name


def linux_devices(root: str = "/") -> list[dict[str, Any]]:
    """Video4Linux nodes from sysfs: index, name, capture node or not, may this user open it.

    A UVC camera shows up as two nodes: the picture (sysfs `index` 0) and metadata (`index` 1),
    which OpenCV cannot read frames from. Access is tested on /dev/videoN itself because a user
    outside the `video` group sees the node but may not open it (the permission-denied case).
    """
    base = Path(root, "sys/class/video4linux")
    try:
        entries = sorted(base.iterdir(), key=lambda p: (len(p.name), p.name))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except PermissionError as exc:
        raise HostError("permission", "cannot list /sys/class/video4linux") from exc
    devices = []
    for entry in entries:
        match = re.fullmatch(r"video(\d+)", entry.name)
        if not match:
            continue
        node = Path(root, "dev", entry.name)
        devices.append(
            {
                "index": int(match.group(1)),
                "name": camera_name(_read(entry / "name") or entry.name),
                "capture": (_read(entry / "index") or "0") == "0",
                "present": node.exists(),
                "access": os.access(node, os.R_OK | os.W_OK),
            }
        )
    return devices


def _read(path: Path) -> str | None:
    try:
        return path.read_text(errors="replace")[:200].strip()
    except OSError:
        return None


def capture(source: int | str, settings: CaptureSettings) -> dict[str, Any]:
    """Open `source` in a child process, read for `settings.seconds`, and return its numbers."""
    return _run_child(source, settings, preview=False)


def preview_jpeg(source: int | str, system: str, *, open_timeout: float = 15.0) -> bytes:
    """One JPEG frame for the desktop app to show the user what the camera sees.

    Never called by a check and never recorded: the picture goes to the caller only. Raises
    HostError when the camera does not open or deliver within the deadline.
    """
    settings = CaptureSettings(system, open_timeout, read_timeout=5.0, seconds=0.5)
    result = _run_child(source, settings, preview=True)
    jpeg = result.get("preview")
    if not isinstance(jpeg, bytes):
        raise HostError("failed", f"the camera gave no picture ({result.get('failure')})")
    return jpeg


def _backends(source: int | str, system: str) -> tuple[str, ...]:
    return BACKENDS.get(system, ("ANY",)) if isinstance(source, int) else FILE_BACKENDS


def child_command(request: dict[str, Any]) -> list[str]:
    """How to start the child: `python -m`, or the one-file executable running itself."""
    payload = json.dumps(request)
    if getattr(sys, "frozen", False):
        return [sys.executable, "--camera-child", payload]
    return [sys.executable, "-m", "precheck.host.camera_child", payload]


def _run_child(source: int | str, settings: CaptureSettings, *, preview: bool) -> dict[str, Any]:
    request = {
        "source": source,
        "backends": list(_backends(source, settings.system)),
        "seconds": settings.seconds,
        "preview": preview,
    }
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    try:
        process = subprocess.Popen(
            child_command(request),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            creationflags=flags,
        )
    except OSError as exc:
        raise HostError("failed", f"the camera process could not start: {exc.strerror}") from exc
    with _LOCK:
        _CHILDREN.add(process)
    lines: queue.Queue[bytes] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=_pump, args=(stdout, lines), daemon=True).start()
    try:
        return _follow(lines, settings)
    finally:
        if process.poll() is None:
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        stdout.close()
        with _LOCK:
            _CHILDREN.discard(process)


_CHILDREN: set[subprocess.Popen[bytes]] = set()
_LOCK = threading.Lock()


@atexit.register
def _kill_children() -> None:
    """A run that ends while a camera child still waits (the runner gave up on the check) must
    not leave it holding the camera."""
    with _LOCK:
        for process in _CHILDREN:
            with contextlib.suppress(OSError):
                process.kill()


def _pump(stream: IO[bytes], lines: queue.Queue[bytes]) -> None:
    """Hand the child's lines to the waiting parent; an empty line means the child is gone."""
    for line in iter(stream.readline, b""):
        lines.put(line)
    lines.put(b"")


def _follow(lines: queue.Queue[bytes], settings: CaptureSettings) -> dict[str, Any]:
    """Wait for the child's messages, each phase with its own deadline."""
    message = _receive(lines, STARTUP_SECONDS)
    if message is None:
        raise HostError("timeout", f"the camera process did not start in {STARTUP_SECONDS:g} s")
    message = _receive(lines, settings.open_timeout)
    if message is None:
        return {"opened": False, "failure": "open-timeout", "timeout": settings.open_timeout}
    kind, body = message
    if kind == "error":
        raise HostError(str(body.get("reason", "failed")), str(body.get("detail", ""))[:200])
    if kind == "failed":
        return {"opened": False, **body}
    opened: dict[str, Any] = body
    message = _receive(lines, settings.seconds + settings.read_timeout)
    if message is None:
        return {**opened, "opened": True, "failure": "read-timeout", "frames": 0}
    return {**opened, **message[1], "opened": True}


def _receive(lines: queue.Queue[bytes], seconds: float) -> tuple[str, dict[str, Any]] | None:
    try:
        line = lines.get(timeout=seconds)
    except queue.Empty:
        return None
    try:
        kind, body = json.loads(line)
    except (ValueError, TypeError) as exc:
        raise HostError("failed", "the camera process ended without an answer") from exc
    if "preview" in body and body["preview"] is not None:
        body["preview"] = base64.b64decode(body["preview"])
    return str(kind), dict(body)
