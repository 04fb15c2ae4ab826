"""Level, silence and clipping of a microphone recording, after test.webrtc.org's mictest.js.

mictest.js calls a buffer silent when no sample exceeds 1/32767, too quiet when its RMS is
below −60 dBFS, and clipping when more than 6 consecutive samples sit at full scale
(research/media-network.md §6). This module turns a buffer into exactly those numbers; the
thresholds are applied by the microphone check's `decide`, so a replay with another catalogue
decides again from the same numbers. Nothing of the sound itself is kept.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

FLOOR_DBFS = -120.0
"""Digital silence has no level in dB; it is reported as this floor so evidence stays JSON."""

FULL_SCALE = 32767 / 32768
"""A 16-bit sample at ±32767 (or −32768) is full scale once divided by 32768."""


def to_float(samples: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """Samples as floats in [−1, 1]: int16 is divided by 32768, floats are taken as they are."""
    if np.issubdtype(samples.dtype, np.integer):
        return samples.astype(np.float64) / 32768.0
    return np.clip(samples.astype(np.float64), -1.0, 1.0)


def dbfs(value: float) -> float:
    return FLOOR_DBFS if value <= 0 else max(FLOOR_DBFS, round(20 * math.log10(value), 1))


def longest_run(mask: npt.NDArray[np.bool_]) -> int:
    """The longest run of True in a 1-D mask, in linear time."""
    if not mask.any():
        return 0
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return int((edges[1::2] - edges[0::2]).max())


def analyse(samples: npt.NDArray[Any], samplerate: int) -> dict[str, Any]:
    """Numbers describing a recording (frames × channels, or mono): the loudest channel counts.

    A muted or broken channel next to a working one must not hide it, so, as mictest.js does
    with its "active channel", the channel with the highest RMS is the one judged.
    """
    data = to_float(np.asarray(samples))
    if data.ndim == 1:
        data = data[:, None]
    if data.size == 0:
        return {
            "samplerate": samplerate,
            "seconds": 0.0,
            "rms_dbfs": FLOOR_DBFS,
            "peak_dbfs": FLOOR_DBFS,
            "max_clip_run": 0,
            "clipped_samples": 0,
        }
    rms_per_channel = np.sqrt(np.mean(np.square(data), axis=0))
    channel = data[:, int(np.argmax(rms_per_channel))]
    clipped = np.abs(channel) >= FULL_SCALE
    return {
        "samplerate": samplerate,
        "seconds": round(len(channel) / samplerate, 3) if samplerate > 0 else 0.0,
        "rms_dbfs": dbfs(float(rms_per_channel.max())),
        "peak_dbfs": dbfs(float(np.abs(channel).max())),
        "max_clip_run": longest_run(clipped),
        "clipped_samples": int(clipped.sum()),
    }
