"""Record on this machine, replay anywhere: same verdicts; a broken bundle stops with exit 2."""

from __future__ import annotations

import getpass
import json
import re
import socket
from pathlib import Path
from typing import Any

import psutil
import pytest

from precheck.host import LiveHost, RecordingHost
from precheck.host.redact import Redactor
from tests.conftest import run_precheck

precheck = run_precheck


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    bundle = tmp_path_factory.mktemp("evidence") / "b.json"
    run = precheck("run", "--save-evidence", bundle, "--json")
    assert run.returncode in (0, 1), run.stderr
    return bundle, json.loads(run.stdout)


def statuses(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(r["id"], r["status"], r["code"]) for r in doc["results"]]


def test_replay_gives_the_same_verdicts(recorded: tuple[Path, dict[str, Any]]) -> None:
    bundle, live = recorded
    replayed = precheck("replay", bundle, "--json")
    assert replayed.returncode in (0, 1), replayed.stderr
    doc = json.loads(replayed.stdout)
    assert statuses(doc) == statuses(live)
    assert doc["overall"] == live["overall"]
    assert [r["facts"] for r in doc["results"]] == [r["facts"] for r in live["results"]]


def test_bundle_is_private_and_versioned(recorded: tuple[Path, dict[str, Any]]) -> None:
    bundle, _ = recorded
    assert bundle.stat().st_mode & 0o777 == 0o600
    data = json.loads(bundle.read_text())
    assert (data["format"], data["version"]) == ("precheck-evidence", 1)
    assert "sys:platform" in data["entries"]


def identifiers() -> list[str]:
    found = [getpass.getuser(), str(Path.home()), socket.gethostname()]
    for addrs in psutil.net_if_addrs().values():
        found += [a.address.split("%")[0] for a in addrs]
    return [
        s for s in found if len(s) >= 3 and s.lower() not in ("root", "localhost") and s != "::1"
    ]


def test_bundle_holds_no_identifiers(recorded: tuple[Path, dict[str, Any]]) -> None:
    bundle, _ = recorded
    text = bundle.read_text()
    for ident in identifiers():
        assert ident not in text, f"the bundle contains {ident!r}"


def test_redactor_removes_this_machines_identifiers() -> None:
    redactor = Redactor.for_this_machine()
    for ident in identifiers():
        assert ident not in redactor.text(f"seen: {ident} here"), ident
    assert redactor.text("BSSID : 00:11:22:aa:bb:cc") == "BSSID : <mac>"
    assert (
        redactor.text("gw 192.168.1.1, build 10.0.19045.3570") == "gw <ip>, build 10.0.19045.3570"
    )


def test_recording_host_redacts_keys_and_answers() -> None:
    host = RecordingHost(Redactor(["alice", "/home/alice"]))
    host.ask("file:/home/alice/x", lambda: "owner alice")
    entries = host.bundle()["entries"]
    assert entries == {"file:~/x": {"ok": "owner <redacted>"}}


def corrupt(tmp_path: Path, recorded: Path, change: Any) -> Path:
    data = json.loads(recorded.read_text())
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["entries"].pop("sys:platform"), "no answer for 'sys:platform'"),
        (lambda d: d["entries"].update({"sys:now": {"ok": "yesterday"}}), "'sys:now'"),
        (lambda d: d["entries"].update({"sys:device": {"neither": 1}}), "'sys:device'"),
        (lambda d: d.update({"version": 99}), "version 99"),
        (lambda d: d.update({"format": "other"}), "not a precheck evidence bundle"),
        (lambda d: d.update({"entries": []}), "'entries'"),
    ],
)
def test_corrupt_bundle_is_a_clear_error(
    tmp_path: Path, recorded: tuple[Path, dict[str, Any]], change: Any, message: str
) -> None:
    result = precheck("replay", corrupt(tmp_path, recorded[0], change))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe\x00", b"[]"])
def test_unreadable_bundle_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(content)
    result = precheck("replay", path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "evidence" in result.stderr


def test_missing_bundle_file(tmp_path: Path) -> None:
    result = precheck("replay", tmp_path / "none.json")
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_unwritable_evidence_path_keeps_the_verdict_and_says_why(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such"
    target.parent.write_text("a file where a folder should be")
    result = precheck("run", "--only", "load", "--save-evidence", target)
    assert result.returncode == 3
    assert "Could not save" in result.stderr
    assert "Traceback" not in result.stderr


def test_live_host_answers_are_cached_per_key() -> None:
    host = LiveHost()
    calls: list[int] = []

    def produce() -> str:
        calls.append(1)
        return "x"

    host.ask("sys:test", produce)
    host.ask("sys:test", produce)
    assert calls == [1]


DEVICE = {
    "cpu_count": 2,
    "cpu_percent": 12.5,
    "memory_total": 8 << 30,
    "memory_available": 3 << 30,
    "disk_free": 40 << 30,
    "battery": {"percent": 80.0, "plugged": False},
}


def device_bundle(device: Any) -> dict[str, Any]:
    from tests.bundles import linux_bundle, ok

    return linux_bundle({"sys:device": ok(device)})


def test_this_machines_device_answer_and_empty_values_have_the_shape() -> None:
    from precheck.host import live
    from precheck.host.evidence import validate_bundle

    validate_bundle(device_bundle(live.device_stats()), "live")
    validate_bundle(device_bundle({**DEVICE, "battery": None, "disk_free": None}), "desktop")
    validate_bundle(device_bundle({**DEVICE, "cpu_count": None, "cpu_percent": 100}), "edge")


@pytest.mark.parametrize(
    "change",
    [
        {"cpu_count": "2"},
        {"cpu_count": True},
        {"cpu_count": 0},
        {"cpu_count": 2.5},
        {"cpu_percent": 100.5},
        {"cpu_percent": -1},
        {"cpu_percent": "12"},
        {"cpu_percent": float("nan")},
        {"cpu_percent": None},
        {"memory_total": -1},
        {"memory_available": "3G"},
        {"disk_free": -1},
        {"battery": {"percent": "80", "plugged": True}},
        {"battery": {"percent": 180, "plugged": True}},
        {"battery": {"percent": 80}},
        {"battery": "full"},
    ],
)
def test_malformed_device_answer_is_refused_naming_the_entry(change: dict[str, Any]) -> None:
    from precheck.host import EvidenceError
    from precheck.host.evidence import validate_bundle

    with pytest.raises(EvidenceError) as caught:
        validate_bundle(device_bundle({**DEVICE, **change}), "bundle.json")
    assert caught.value.code == "shape"
    assert caught.value.params == {"path": "bundle.json", "key": "sys:device"}


def test_replay_of_a_string_cpu_count_exits_2_naming_file_and_entry(
    tmp_path: Path, recorded: tuple[Path, dict[str, Any]]
) -> None:
    def change(d: dict[str, Any]) -> None:
        d["entries"]["sys:device"]["ok"]["cpu_count"] = "2"

    result = precheck("replay", corrupt(tmp_path, recorded[0], change))
    assert result.returncode == 2
    assert "bad.json" in result.stderr and "'sys:device'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_entry_names_the_file(
    tmp_path: Path, recorded: tuple[Path, dict[str, Any]]
) -> None:
    result = precheck(
        "replay", corrupt(tmp_path, recorded[0], lambda d: d["entries"].pop("sys:now"))
    )
    assert result.returncode == 2
    assert f"{tmp_path / 'bad.json'}: the evidence has no answer for 'sys:now'" in result.stderr


ENGLISH_PHRASE = re.compile(r"[A-Za-z]+[ ,]+[A-Za-z]+")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["entries"].pop("sys:platform"),
        lambda d: d["entries"].update({"sys:now": {"ok": "yesterday"}}),
        lambda d: d["entries"].update({"sys:device": {"neither": 1}}),
        lambda d: d.update({"version": 99}),
        lambda d: d.update({"format": "other"}),
        lambda d: d.update({"entries": []}),
        lambda d: d["entries"].update({"x": 1}),
        "{not json",
        "\xff",
        None,
    ],
)
def test_replay_errors_in_japanese_carry_no_english(
    tmp_path: Path, recorded: tuple[Path, dict[str, Any]], change: Any
) -> None:
    if callable(change):
        path = corrupt(tmp_path, recorded[0], change)
    else:
        path = tmp_path / "bad.json"
        if change is not None:
            path.write_bytes(change.encode("latin-1"))
    result = precheck("replay", path, lang="ja")
    assert result.returncode == 2
    message = result.stderr.replace(str(path), "")
    assert "証跡" in message or "項目" in message
    assert not ENGLISH_PHRASE.search(message), message
