"""Frame statistics for the camera check, after test.webrtc.org's video frame checker.

test.webrtc.org judges a camera by two numbers per frame: the mean luma (black when below 20 on
0–255, luma = 0.21 R + 0.72 G + 0.07 B) and the SSIM against the previous frame (frozen above
0.985), computed over the whole frame as one window (research/media-network.md §5.4). The same
numbers are computed here, on a frame shrunk to at most 320 pixels wide: sensor noise and cost
both shrink, and a live picture still differs from the previous one. Only these numbers leave
the capture process; the frames themselves are dropped at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

ANALYSIS_WIDTH = 320
MAX_FRAMES = 240
"""A capture keeps at most this many frames' numbers (8 s at 30 fps), so evidence stays small."""

# SSIM constants for 8-bit images: (0.01 L)^2 and (0.03 L)^2 with L = 255 (Wang et al. 2004, as
# test.webrtc.org's ssim.js uses them).
_C1 = (0.01 * 255) ** 2
_C2 = (0.03 * 255) ** 2
_LUMA = np.array([0.07, 0.72, 0.21], dtype=np.float32)  # B, G, R: OpenCV frames are BGR

Luma = npt.NDArray[np.float32]


def luma_plane(frame: npt.NDArray[Any]) -> Luma:
    """The frame's luma, shrunk by whole-pixel steps to at most ANALYSIS_WIDTH wide."""
    step = max(1, -(-frame.shape[1] // ANALYSIS_WIDTH))
    small = frame[::step, ::step]
    if small.ndim == 2:
        return small.astype(np.float32)
    return np.asarray(small[:, :, :3].astype(np.float32) @ _LUMA, dtype=np.float32)


def global_ssim(a: Luma, b: Luma) -> float:
    """SSIM of two luma planes over the whole frame as one window (test.webrtc.org ssim.js)."""
    if a.shape != b.shape:
        return 0.0
    mu_a, mu_b = float(a.mean()), float(b.mean())
    var_a, var_b = float(a.var()), float(b.var())
    cov = float(((a - mu_a) * (b - mu_b)).mean())
    return ((2 * mu_a * mu_b + _C1) * (2 * cov + _C2)) / (
        (mu_a**2 + mu_b**2 + _C1) * (var_a + var_b + _C2)
    )


@dataclass
class FrameStats:
    """What a capture saw, frame by frame: times on the capture's clock, luma, SSIM to previous.

    `times[i]` is seconds since the device opened (a camera: the wall clock; a video file: the
    file's own timestamps, so a test decides the same however fast the machine decodes).
    """

    width: int = 0
    height: int = 0
    times: list[float] = field(default_factory=list)
    luma: list[float] = field(default_factory=list)
    ssim: list[float | None] = field(default_factory=list)
    _previous: Luma | None = None

    def add(self, frame: npt.NDArray[Any], seconds: float) -> None:
        if len(self.times) >= MAX_FRAMES:
            return
        plane = luma_plane(frame)
        if not self.times:
            self.height, self.width = int(frame.shape[0]), int(frame.shape[1])
        self.times.append(round(seconds, 4))
        self.luma.append(round(float(plane.mean()), 2))
        self.ssim.append(
            None if self._previous is None else round(global_ssim(self._previous, plane), 4)
        )
        self._previous = plane

    def as_dict(self) -> dict[str, Any]:
        return {
            "width": self.width,
            "height": self.height,
            "frames": len(self.times),
            "times": self.times,
            "luma": self.luma,
            "ssim": self.ssim,
        }
