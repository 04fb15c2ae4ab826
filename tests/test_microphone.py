"""The microphone check: generated buffers through the analysis, the Host, decide and replay.

The buffers imitate what a microphone hands over: speech (voiced harmonics whose pitch drifts,
breath noise, syllables at about 4 per second with pauses), digital silence (a muted or refused
microphone), a voice too loud for the input gain (clipped at full scale) and one far too quiet.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from precheck.catalogue import load_catalogue
from precheck.host import LiveHost, RecordingHost, ReplayHost
from precheck.media.audio import FLOOR_DBFS, analyse, longest_run
from precheck.model import Status
from precheck.runner import run_checks
from tests.bundles import linux_bundle, ok
from tests.conftest import need, run_precheck

RATE = 48_000


def speech_like(seconds: float = 5.0, level_dbfs: float = -26.0, seed: int = 12) -> Any:
    """Voiced speech stand-in at `level_dbfs` RMS, as int16 like PortAudio delivers it."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * RATE)) / RATE
    pitch = 140 + 25 * np.sin(2 * np.pi * 0.7 * t) + 8 * rng.standard_normal(1).item()
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    voiced = sum(np.sin(k * phase) / k for k in range(1, 12))
    breath = rng.standard_normal(t.size) * 0.3
    syllables = np.clip(np.sin(2 * np.pi * 4.2 * t), 0, None) ** 2
    phrases = (np.sin(2 * np.pi * 0.35 * t) > -0.6).astype(float)  # a pause now and then
    signal = (voiced + breath) * syllables * phrases
    rms = np.sqrt(np.mean(signal**2))
    signal *= 10 ** (level_dbfs / 20) / rms
    return np.clip(np.round(signal * 32768), -32768, 32767).astype(np.int16)


def decide_buffer(samples: Any) -> Any:
    facts = {"requested": True, "input_devices": 1, **analyse(samples, RATE)}
    host = ReplayHost(linux_bundle({"mic:record": ok(facts)}))
    return run_checks(host, load_catalogue(), only=["microphone"], options={"mic": True}).results[0]


def test_speech_at_a_normal_level_passes() -> None:
    result = decide_buffer(speech_like())
    assert (result.status, result.code) == (Status.PASS, "ok")
    assert result.facts["rms_dbfs"] == pytest.approx(-26, abs=0.2)
    assert result.summary.ja.startswith("マイクが声を拾っています")
    assert result.summary.en.startswith("The microphone picks up your voice")


def test_digital_silence_fails_as_silent() -> None:
    result = decide_buffer(np.zeros(5 * RATE, np.int16))
    assert (result.status, result.code) == (Status.FAIL, "silent")
    assert result.facts["peak_dbfs"] == FLOOR_DBFS


def test_one_bit_of_noise_is_still_silence() -> None:
    """mictest.js: silent while no sample exceeds 1/32767 (a dithered muted input)."""
    rng = np.random.default_rng(1)
    dither = rng.integers(-1, 2, 5 * RATE).astype(np.int16)
    assert decide_buffer(dither).code == "silent"
    assert decide_buffer(dither * 2).code != "silent"


def test_a_voice_far_too_quiet_fails() -> None:
    result = decide_buffer(speech_like(level_dbfs=-66))
    assert (result.status, result.code) == (Status.FAIL, "too-quiet")
    assert "-60" in result.summary.ja and result.summary.ja.startswith("マイクの音が小さすぎます")


def test_a_voice_just_above_the_floor_passes() -> None:
    assert decide_buffer(speech_like(level_dbfs=-55)).code == "ok"


def test_a_clipped_voice_warns() -> None:
    loud = speech_like(level_dbfs=-26).astype(np.int32) * 12
    clipped = np.clip(loud, -32768, 32767).astype(np.int16)
    result = decide_buffer(clipped)
    assert (result.status, result.code) == (Status.WARN, "clipping")
    assert result.facts["max_clip_run"] > 6


def test_a_few_full_scale_samples_are_not_clipping() -> None:
    samples = speech_like()
    samples[1000:1006] = 32767  # six in a row: mictest.js allows up to six
    assert decide_buffer(samples).code == "ok"


def test_the_loudest_channel_is_judged() -> None:
    stereo = np.stack([np.zeros(5 * RATE, np.int16), speech_like()], axis=1)
    assert decide_buffer(stereo).code == "ok"


def test_float_buffers_are_read_as_full_scale_one() -> None:
    floats = speech_like().astype(np.float32) / 32768
    assert analyse(floats, RATE)["rms_dbfs"] == pytest.approx(-26, abs=0.2)


def test_without_mic_the_check_is_skipped_and_says_how_to_ask() -> None:
    result = run_checks(LiveHost(), load_catalogue(), only=["microphone"]).results[0]
    assert (result.status, result.code) == (Status.SKIPPED, "not-requested")
    assert "--mic" in result.summary.ja and "--mic" in result.summary.en


def test_recording_on_this_machine_records_numbers_and_replays_the_same() -> None:
    """This machine has PortAudio but no sound card: the answer says so and replays the same."""
    recorder = RecordingHost()
    live = run_checks(recorder, load_catalogue(), only=["microphone"], options={"mic": True})
    bundle = recorder.bundle()
    answer = bundle["entries"]["mic:record"]
    replayed = run_checks(ReplayHost(bundle), load_catalogue(), only=["microphone"])
    assert [(r.status, r.code) for r in replayed.results] == [
        (r.status, r.code) for r in live.results
    ]
    if "ok" in answer:
        assert all(isinstance(v, int | float) for k, v in answer["ok"].items() if k != "requested")
    if "ok" in answer and answer["ok"].get("input_devices") == 0:
        assert (live.results[0].status, live.results[0].code) == (Status.UNKNOWN, "no-microphone")


def test_a_missing_sound_library_is_unknown_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import raises ImportError
    result = run_checks(
        LiveHost(), load_catalogue(), only=["microphone"], options={"mic": True}
    ).results[0]
    assert (result.status, result.code) == (Status.UNKNOWN, "unknown-missing")
    assert "sounddevice" in result.summary.en


def test_run_with_mic_asks_the_user_to_speak_and_decides() -> None:
    need(
        bool(__import__("importlib.util").util.find_spec("sounddevice")),
        "sounddevice must be installed",
    )
    result = run_precheck("run", "--mic", "--only", "microphone", "--json", "--lang", "ja")
    assert result.returncode in (0, 1), result.stderr
    assert "話し続けてください" in result.stderr
    assert '"microphone"' in result.stdout and '"not-requested"' not in result.stdout


# --- Pure parts ------------------------------------------------------------------------------


def naive_longest_run(mask: npt.NDArray[np.bool_]) -> int:
    best = run = 0
    for value in mask.tolist():
        run = run + 1 if value else 0
        best = max(best, run)
    return best


@given(hnp.arrays(np.bool_, st.integers(0, 400)))
def test_longest_run_matches_counting(mask: npt.NDArray[np.bool_]) -> None:
    assert longest_run(mask) == naive_longest_run(mask)


@given(hnp.arrays(np.int16, st.tuples(st.integers(0, 2000), st.integers(1, 3))))
@settings(max_examples=100, deadline=None)
def test_analysis_never_raises_and_stays_in_range(samples: Any) -> None:
    numbers = analyse(samples, RATE)
    assert FLOOR_DBFS <= numbers["rms_dbfs"] <= numbers["peak_dbfs"] + 1e-9 <= 0.1
    assert 0 <= numbers["max_clip_run"] <= numbers["clipped_samples"] <= samples.shape[0]


def test_analysis_of_a_minute_is_quick() -> None:
    minute = np.tile(speech_like(seconds=1.0), 60)
    started = time.monotonic()
    analyse(minute, RATE)
    assert time.monotonic() - started < 2.0
