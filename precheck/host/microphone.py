"""Live producer for the microphone question: record a few seconds and keep only the numbers.

sounddevice (PortAudio) is imported here, when the user asked for the microphone check, never at
start-up. The recording is reduced to level, peak and clipping numbers by
`precheck.media.audio.analyse` and then dropped: no sound is kept, sent or written.
"""

from __future__ import annotations

from typing import Any

from precheck.host.base import HostError

MAX_DETAIL = 200


def record(seconds: float, *, requested: bool) -> dict[str, Any]:
    if not requested:
        return {"requested": False}
    try:
        import sounddevice as sd
    except ImportError as exc:
        raise HostError("missing", "the sounddevice package is not installed") from exc
    except OSError as exc:  # sounddevice raises this when the PortAudio library is missing
        raise HostError("missing", "the PortAudio library is not installed") from exc
    from precheck.media.audio import analyse

    try:
        devices = list(sd.query_devices())
        inputs = [i for i, d in enumerate(devices) if d["max_input_channels"] > 0]
        if not inputs:
            return {"requested": True, "input_devices": 0}
        default = sd.default.device[0]
        index = default if isinstance(default, int) and default in inputs else inputs[0]
        device = devices[index]
        samplerate = int(device["default_samplerate"]) or 48000
        channels = min(2, int(device["max_input_channels"]))
        data = sd.rec(
            round(seconds * samplerate),
            samplerate=samplerate,
            channels=channels,
            dtype="int16",
            device=index,
            blocking=True,
        )
    except sd.PortAudioError as exc:
        raise HostError("failed", _bounded(f"PortAudio: {exc}")) from exc
    return {"requested": True, "input_devices": len(inputs), **analyse(data, samplerate)}


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"
