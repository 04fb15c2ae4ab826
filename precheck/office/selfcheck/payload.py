"""What the check page may send, checked field by field before anything is decided or signed.

The page runs on the user's phone, so everything it sends is untrusted input: each figure must
be a finite number inside its range, each word one of a fixed set, and nothing else may be
present. A refused payload names the first field at fault (bounded), never echoes it whole.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MEDIA_ERRORS = ("permission-denied", "no-device", "in-use", "failed")
CAMERA = {
    "frames": (0, 10_000),
    "fps": (0, 240),
    "width": (0, 10_000),
    "height": (0, 10_000),
    "black_ratio": (0, 1),
    "frozen_ratio": (0, 1),
    "mean_luma": (0, 255),
}
MICROPHONE = {
    "rms_dbfs": (-200, 0),
    "peak_dbfs": (-200, 0),
    "clipped_runs": (0, 100_000),
    "seconds": (0, 30),
}
NETWORK = {
    "rtt_ms": (0, 60_000),
    "jitter_ms": (0, 60_000),
    "loss_percent": (0, 100),
    "download_mbps": (0, 100_000),
    "upload_mbps": (0, 100_000),
    "samples": (0, 100),
    "bytes": (0, 100_000_000),
}
DECLARATIONS = {
    "antivirus": ("yes", "no", "unknown"),
    "file_sharing": ("none", "some", "unknown"),
    "wifi": ("home", "mobile", "public", "unknown"),
}
HINTS = (
    "sec-ch-ua-platform",
    "sec-ch-ua-platform-version",
    "sec-ch-ua-mobile",
    "sec-ch-ua-model",
    "sec-ch-ua-full-version-list",
)
MAX_HINT = 200


class PayloadError(ValueError):
    """The page sent something out of shape; the message names the field."""


@dataclass(frozen=True)
class Page:
    session: str
    hints: dict[str, str]
    touch_mac: bool
    camera: dict[str, Any] | None
    microphone: dict[str, Any] | None
    network: dict[str, Any] | None
    declared: dict[str, str]
    job_seeker_number: str | None


def _figures(
    value: Any, ranges: Mapping[str, tuple[float, float]], name: str, errors: tuple[str, ...]
) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise PayloadError(f"{name} must be an object")
    if "error" in value:
        if set(value) != {"error"} or value["error"] not in errors:
            raise PayloadError(f"{name}.error must be one of {', '.join(errors)}")
        return {"error": value["error"]}
    if set(value) != set(ranges):
        raise PayloadError(f"{name} must have exactly {', '.join(sorted(ranges))}")
    out: dict[str, Any] = {}
    for field, (low, high) in ranges.items():
        number = value[field]
        ok = isinstance(number, int | float) and not isinstance(number, bool)
        if not ok or not math.isfinite(number) or not low <= number <= high:
            raise PayloadError(f"{name}.{field} must be a number from {low} to {high}")
        out[field] = round(float(number), 3)
    return out


def parse_page(obj: Any) -> Page:
    if not isinstance(obj, dict):
        raise PayloadError("the body must be a JSON object")
    allowed = {"session", "hints", "touch_mac", "camera", "microphone", "network", "declared"}
    extra = set(obj) - allowed - {"job_seeker_number"}
    if extra:
        raise PayloadError(f"unknown field {sorted(extra)[0][:40]!r}")
    session = obj.get("session")
    if not isinstance(session, str) or not 8 <= len(session) <= 64:
        raise PayloadError("session must be the page's session id")
    hints_in = obj.get("hints") or {}
    if not isinstance(hints_in, dict):
        raise PayloadError("hints must be an object")
    hints = {
        name: str(hints_in[name])[:MAX_HINT]
        for name in HINTS
        if isinstance(hints_in.get(name), str)
    }
    declared_in = obj.get("declared")
    if not isinstance(declared_in, dict):
        raise PayloadError("declared must be an object")
    declared: dict[str, str] = {}
    for field, choices in DECLARATIONS.items():
        if declared_in.get(field) not in choices:
            raise PayloadError(f"declared.{field} must be one of {', '.join(choices)}")
        declared[field] = declared_in[field]
    number = obj.get("job_seeker_number")
    if number is not None and (not isinstance(number, str) or len(number) > 40):
        raise PayloadError("job_seeker_number must be text")
    return Page(
        session=session,
        hints=hints,
        touch_mac=obj.get("touch_mac") is True,
        camera=_figures(obj.get("camera"), CAMERA, "camera", MEDIA_ERRORS),
        microphone=_figures(obj.get("microphone"), MICROPHONE, "microphone", MEDIA_ERRORS),
        network=_figures(obj.get("network"), NETWORK, "network", ("unreachable",)),
        declared=declared,
        job_seeker_number=number or None,
    )
