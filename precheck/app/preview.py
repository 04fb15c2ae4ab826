"""The camera preview slot: one frame at a time, shown on the page, never stored.

The camera check (precheck.probes.camera) offers `preview_jpeg() -> bytes | None`: one JPEG
frame from the first camera, made in memory by the camera check's child process. When it gives
none (no camera, busy, denied) the page's preview frame stays hidden; nothing else changes.
The frame is sent with `Cache-Control: no-store` and never written to disk, a report or a log
(privacy: no images).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

PROVIDER_MODULE = "precheck.probes.camera"
PROVIDER_NAME = "preview_jpeg"
MAX_BYTES = 2 * 1024 * 1024
"""A frame larger than this is dropped rather than sent (a bound on what the page receives)."""


def find_preview() -> Callable[[], bytes | None] | None:
    """The camera check's preview function, or None when this build has none."""
    try:
        module = importlib.import_module(PROVIDER_MODULE)
    except ImportError:
        return None
    provider = getattr(module, PROVIDER_NAME, None)
    return provider if callable(provider) else None


def frame(provider: Callable[[], bytes | None]) -> bytes | None:
    """One JPEG frame, or None when the camera gives none (busy, denied, absent, too large)."""
    try:
        data = provider()
    except Exception:  # a camera error hides the frame; the camera check reports the cause
        return None
    if not isinstance(data, bytes) or not data.startswith(b"\xff\xd8") or len(data) > MAX_BYTES:
        return None
    return data
