from __future__ import annotations

import time

import pytest

from precheck import probes
from precheck.catalogue import load_catalogue
from precheck.host import EvidenceError, HostError, LiveHost
from precheck.model import Status
from precheck.runner import run_checks
from tests.bundles import linux_bundle, replay


@pytest.fixture
def doubles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(probes.PROBES, "firewall", "tests.doubles.hanging_probe")
    monkeypatch.setitem(probes.PROBES, "antivirus", "tests.doubles.raising_probe")


@pytest.mark.usefixtures("doubles")
def test_a_hung_probe_is_cut_off_and_the_run_finishes() -> None:
    catalogue = load_catalogue()
    started = time.monotonic()
    run = run_checks(
        LiveHost(), catalogue, only=["firewall", "antivirus", "os-support"], timeout_scale=0.1
    )
    elapsed = time.monotonic() - started
    by_id = {r.id: r for r in run.results}
    assert by_id["firewall"].status is Status.UNKNOWN
    assert by_id["firewall"].code == "unknown-timeout"
    # The hung probe's command sleeps 60 s: finishing well before that proves it was cut off,
    # without betting on how fast a busy machine gets from the deadline to the end.
    assert elapsed < 30
    assert by_id["antivirus"].status is Status.UNKNOWN
    assert by_id["antivirus"].code == "unknown-error"
    assert "ValueError" in by_id["antivirus"].summary.en
    assert by_id["os-support"].status is not Status.SKIPPED
    assert [r.id for r in run.results] == ["os-support", "firewall", "antivirus"]


def test_a_command_past_its_timeout_is_killed() -> None:
    host = LiveHost()
    started = time.monotonic()
    with pytest.raises(HostError) as caught:
        host.run(["sh", "-c", "sleep 30 & sleep 30"], timeout=0.5)
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 5


def test_missing_command_is_a_reason_not_a_crash() -> None:
    with pytest.raises(HostError) as caught:
        LiveHost().run(["precheck-no-such-command"], timeout=5)
    assert caught.value.reason == "missing"


def test_unimplemented_checks_are_skipped_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(probes.PROBES, "camera")
    run = run_checks(replay(linux_bundle()), load_catalogue(), only=["camera"])
    assert run.results[0].status is Status.SKIPPED
    assert run.results[0].summary.en


def test_a_replay_missing_an_answer_stops_the_run() -> None:
    with pytest.raises(EvidenceError, match="file:/etc/os-release"):
        run_checks(replay(linux_bundle()), load_catalogue(), only=["os-support"])
