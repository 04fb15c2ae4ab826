"""recording (advisory): warns only for a recorder that runs; installed or built-in ones never
warn; the file-sharing check never mistakes ShareX (a recorder) for P2P software."""

from __future__ import annotations

import json

import pytest

from precheck.catalogue import load_catalogue
from precheck.host import LiveHost
from precheck.inventory import Inventory, Program, inventory
from precheck.model import Status, Verdict
from precheck.probes import Context, file_sharing, recording
from tests.bundles import replay
from tests.conftest import run_precheck
from tests.software import published_windows_programs, windows_bundle

CATALOGUE = load_catalogue()
SPEC = CATALOGUE.checks["recording"]
CTX = Context(thresholds=SPEC.thresholds, tables=CATALOGUE.table)
TABLE = CATALOGUE.table("recording")


def decide_on(inv: Inventory, system: str) -> Verdict:
    return recording.decide(recording.facts_from(inv, TABLE, system), CTX)


@pytest.mark.parametrize(
    ("system", "process", "name"),
    [
        ("windows", "obs64.exe", "OBS Studio"),
        ("windows", "BDCAM.EXE", "Bandicam"),  # Windows names compare case-insensitively
        ("windows", "CamtasiaStudio.exe", "Camtasia"),
        ("windows", "ShareX.exe", "ShareX"),
        ("windows", "GameBar.exe", "Xbox Game Bar"),
        ("linux", "kazam", "Kazam"),
        ("linux", "obs", "OBS Studio"),
        ("linux", "simplescreenrecorder", "SimpleScreenRecorder"),
    ],
)
def test_a_running_recorder_warns_with_the_reminder(system: str, process: str, name: str) -> None:
    verdict = decide_on(Inventory((), ("bash", process), ()), system)
    assert (verdict.status, verdict.code) == (Status.WARN, "running")
    assert verdict.params["programs"].en == name
    summary = SPEC.message(verdict.code, verdict.params)
    assert "forbidden" in summary.en and "禁止" in summary.ja
    fix = SPEC.remediation_for(verdict.code, system, verdict.params)
    assert fix is not None and name in fix.en


def test_a_macos_recorder_is_caught_by_its_bundle_executable() -> None:
    obs = Program("OBS.app", "com.obsproject.obs-studio", "app-bundle", "30.0", "OBS")
    verdict = decide_on(Inventory((obs,), ("Finder", "OBS"), ()), "darwin")
    assert (verdict.status, verdict.code) == (Status.WARN, "running")


def test_installed_but_idle_is_a_pass_with_a_reminder() -> None:
    inv = Inventory((Program("obs-studio", "obs-studio", "dpkg", "29.0"),), ("bash",), ())
    verdict = decide_on(inv, "linux")
    assert (verdict.status, verdict.code) == (Status.PASS, "installed-not-running")
    assert verdict.params["programs"].en == "OBS Studio"


def test_a_built_in_recorder_that_is_not_running_is_not_mentioned() -> None:
    quicktime = Program("QuickTime Player.app", "com.apple.QuickTimePlayerX", "app-bundle")
    verdict = decide_on(Inventory((quicktime,), ("Finder",), ()), "darwin")
    assert (verdict.status, verdict.code) == (Status.PASS, "none")


def test_unreadable_processes_are_unknown() -> None:
    verdict = decide_on(Inventory((), (), ("processes: permission",)), "windows")
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "unreadable")


def test_a_package_source_failing_does_not_hide_a_running_recorder() -> None:
    verdict = decide_on(Inventory((), ("kazam",), ("flatpak: timeout",)), "linux")
    assert verdict.code == "running"


def test_sharex_is_a_recorder_not_file_sharing() -> None:
    """The same replayed Windows machine (published Uninstall listing) with ShareX running."""
    host = replay(windows_bundle(published_windows_programs(), ["explorer.exe", "ShareX.exe"]))
    rec = recording.decide(recording.collect(host, CTX), CTX)
    assert (rec.status, rec.code) == (Status.WARN, "running")
    fs_spec = CATALOGUE.checks["file-sharing"]
    fs_ctx = Context(thresholds=fs_spec.thresholds, tables=CATALOGUE.table)
    fs = file_sharing.decide(file_sharing.collect(host, fs_ctx), fs_ctx)
    assert (fs.status, fs.code) == (Status.PASS, "none")


def test_live_run_on_this_machine() -> None:
    """No recorder runs on the test machine: the real run passes and its facts are small."""
    inv = inventory(LiveHost())
    expected = "none" if not recording.facts_from(inv, TABLE, "linux")["installed"] else None
    run = run_precheck("run", "--only", "recording", "--json")
    (result,) = json.loads(run.stdout)["results"]
    assert result["status"] == "PASS"
    if expected:
        assert result["code"] == expected
    assert result["facts"]["running"] == []
