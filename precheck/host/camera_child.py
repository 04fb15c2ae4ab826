"""The camera check's child process: open a camera or video file, read, print the numbers.

Started by `precheck.host.camera` as `python -m precheck.host.camera_child REQUEST` (or by the
one-file executable as itself with `--camera-child`), so a driver that hangs in a native call
hangs only this process, which the parent kills at its deadline. It prints one JSON line per
phase: `["start", {}]`, then `["opened", {...}]` or `["failed", {...}]`, then `["done", {...}]`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import sys
import time
from typing import Any

_OUT = sys.stdout


def send(kind: str, body: dict[str, Any]) -> None:
    _OUT.write(json.dumps([kind, body]) + "\n")
    _OUT.flush()


def main(argv: list[str]) -> int:
    request = json.loads(argv[0])
    capture(request["source"], request["backends"], request["seconds"], request["preview"])
    return 0


def capture(source: int | str, backends: list[str], seconds: float, preview: bool) -> None:
    """The child process: open, read for `seconds` after opening, send the numbers.

    OpenCV's log goes to a private file, read back only to recognise a busy device or refused
    access (`precheck.parse.opencv_log`): the user's terminal stays clean and no path leaks.
    """
    import tempfile

    # MSMF opens in seconds instead of tens of seconds without hardware transforms; OpenCV reads
    # the variable once, when it is imported (§5.3, opencv/opencv#17687).
    os.environ["OPENCV_VIDEOIO_MSMF_ENABLE_HW_TRANSFORMS"] = "0"
    os.environ.setdefault("OPENCV_LOG_LEVEL", "WARNING")
    log = tempfile.TemporaryFile()  # noqa: SIM115 (open until the process ends)
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
        os.dup2(log.fileno(), 2)
    send("start", {})
    try:
        import cv2
    except ImportError:
        send(
            "error",
            {"reason": "missing", "detail": "OpenCV (opencv-python-headless) is not installed"},
        )
        return

    from precheck.media.frames import FrameStats
    from precheck.parse.opencv_log import open_failure_cause

    def cause() -> str | None:
        log.seek(0)
        return open_failure_cause(log.read().decode("utf-8", "replace"))

    is_file = isinstance(source, str)
    started = time.monotonic()
    capture: Any = None
    first: Any = None
    backend = ""
    opened_at = started
    announced = False
    for name in backends:
        candidate = cv2.VideoCapture(source, getattr(cv2, "CAP_" + name))
        if not candidate.isOpened():
            candidate.release()
            continue
        opened_at = time.monotonic()
        if not announced:
            send("opened", {"open_seconds": round(opened_at - started, 3)})
            announced = True
        # An opened device that gives no first frame may work with the next backend (Windows:
        # MSMF refuses some cameras DirectShow reads).
        ok, got = candidate.read()
        if ok and got is not None:
            capture, first, backend = candidate, got, name
            break
        candidate.release()
    if not announced:
        send("failed", {"failure": cause() or "not-opened"})
        return
    stats = FrameStats()
    frame = first
    last: Any = first
    while capture is not None and frame is not None:
        now = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000 if is_file else time.monotonic() - opened_at
        stats.add(frame, now)
        last = frame
        if now >= seconds:
            break
        ok, frame = capture.read()
        if not ok:
            break
    if capture is not None:
        capture.release()
    result: dict[str, Any] = {
        **stats.as_dict(),
        "backend": backend or None,
        "read_seconds": round(time.monotonic() - opened_at, 3),
        "failure": None if stats.times else (cause() or "no-frames"),
    }
    if preview and last is not None:
        ok, jpeg = cv2.imencode(".jpg", last, [cv2.IMWRITE_JPEG_QUALITY, 80])
        result["preview"] = base64.b64encode(jpeg.tobytes()).decode() if ok else None
    send("done", result)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
