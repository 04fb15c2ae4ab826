"""The camera facts all three collectors return (plain JSON, they go into the report as is).

camera        the camera's name (bounded, no owner's name) or None where the OS gives none
cameras       how many cameras were found (Windows, which has no list: 1 when one opened)
index         the device index opened (what the app passes to `preview_jpeg`)
source        "device" or "file" (a video file given instead of the camera)
opened        whether a camera opened at all
failure       why not, or why no frames came: "open-timeout", "busy", "permission",
              "not-opened", "no-frames", "read-timeout"; None when frames came
timeout       the open deadline in seconds, with "open-timeout"
backend       the OpenCV backend that delivered (MSMF, DSHOW, AVFOUNDATION, V4L2, FFMPEG)
open_seconds  how long opening took
width, height the picture's size
frames        frames read in the liveness window; `analysed` of them after the warm-up
fps           frames per second measured on the capture's clock over the window
black_ratio, frozen_ratio   the share of analysed frames that were black / frozen
mean_luma     the analysed frames' mean brightness, 0–255
decided_after seconds from the camera opening to the last analysed frame
"""

from __future__ import annotations

from typing import Any

from precheck.model import Facts


def summarise(capture: dict[str, Any], thresholds: dict[str, Any] | Any) -> Facts:
    """Reduce a capture's per-frame numbers to the facts `decide` and the report need.

    Pure: the same capture answer and thresholds give the same facts, live or replayed.
    """
    facts: Facts = {
        "opened": bool(capture.get("opened")),
        "failure": capture.get("failure"),
        "backend": capture.get("backend"),
        "open_seconds": capture.get("open_seconds"),
    }
    if capture.get("failure") == "open-timeout":
        facts["timeout"] = capture.get("timeout")
    times: list[float] = list(capture.get("times") or [])
    if not times:
        return facts
    luma = list(capture.get("luma") or [])
    ssim = list(capture.get("ssim") or [])
    warmup = float(thresholds["warmup_seconds"])
    analysed = [i for i, t in enumerate(times) if t >= warmup]
    span = times[-1] - times[0]
    fps = (len(times) - 1) / span if len(times) > 1 and span > 0 else 0.0
    compared = [ssim[i] for i in analysed if i < len(ssim) and ssim[i] is not None]
    black = [i for i in analysed if i < len(luma) and luma[i] < thresholds["black_luma_threshold"]]
    frozen = [s for s in compared if s > thresholds["frozen_ssim_threshold"]]
    facts.update(
        {
            "width": capture.get("width"),
            "height": capture.get("height"),
            "frames": len(times),
            "analysed": len(analysed),
            "fps": round(fps, 1),
            "black_ratio": round(len(black) / len(analysed), 3) if analysed else None,
            "frozen_ratio": round(len(frozen) / len(compared), 3) if compared else None,
            "mean_luma": (
                round(sum(luma[i] for i in analysed) / len(analysed), 1) if analysed else None
            ),
            "decided_after": round(times[analysed[-1]], 3) if analysed else None,
        }
    )
    return facts
