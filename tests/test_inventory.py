"""The software inventory: real Debian packages live, Windows and macOS from published
listings, one gathering per run, and a bundle that keeps only what the tables name."""

from __future__ import annotations

import shutil
import subprocess
import threading
from typing import Any

import pytest

from precheck.host import LiveHost, RecordingHost, ReplayHost
from precheck.host.base import EvidenceError
from precheck.host.evidence import validate_bundle
from precheck.inventory import Inventory, Program, appimage_token, inventory
from tests.bundles import linux_bundle, ok, replay
from tests.conftest import need, sample
from tests.software import (
    darwin_bundle,
    ls_l_names,
    nsis_uninstall_values,
    published_windows_programs,
    windows_bundle,
)

DEBIAN_CLIENTS = ("transmission-daemon", "qbittorrent-nox", "deluged", "amule-daemon")


def installed_debian(package: str) -> bool:
    if not shutil.which("dpkg-query"):
        return False
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Status}", package], capture_output=True, text=True
    )
    return out.returncode == 0 and out.stdout.endswith(" installed")


def need_clients() -> None:
    missing = [p for p in DEBIAN_CLIENTS if not installed_debian(p)]
    need(not missing, f"Debian packages {missing} (tests/run.sh installs them)")


def test_live_inventory_finds_the_debian_clients() -> None:
    need_clients()
    inv = inventory(LiveHost())
    dpkg = {p.ident for p in inv.installed if p.source == "dpkg"}
    assert set(DEBIAN_CLIENTS) <= dpkg
    assert all(p.version for p in inv.installed if p.source == "dpkg")


def test_bundle_keeps_only_the_filtered_inventory() -> None:
    need_clients()
    host = RecordingHost()
    live = inventory(host)
    entries = host.bundle()["entries"]
    # The raw listings (every package, the Downloads folder, every process) are not kept.
    assert list(entries) == ["inv:software"]
    kept = {p["ident"] for p in entries["inv:software"]["ok"]["installed"]}
    assert "bash" not in kept and "dpkg" not in kept  # installed everywhere, named by no table
    assert set(DEBIAN_CLIENTS) <= kept
    # ... and a replay of that bundle sees exactly what the live run saw.
    bundle = host.bundle()
    validate_bundle(bundle, "recorded")
    assert inventory(ReplayHost(bundle)) == live


def test_inventory_is_gathered_once_even_when_asked_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    need(shutil.which("dpkg-query") is not None, "dpkg-query")
    from precheck.host import live

    calls: list[list[str]] = []
    real = live.run_command

    def counting(argv: list[str], timeout: float) -> dict[str, Any]:
        calls.append(argv)
        return real(argv, timeout)

    monkeypatch.setattr(live, "run_command", counting)
    host = LiveHost()
    results: list[Inventory] = []
    start = threading.Barrier(3)

    def ask() -> None:
        start.wait()
        results.append(inventory(host))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3 and results[0] == results[1] == results[2]
    assert sum(1 for argv in calls if argv[0] == "dpkg-query") == 1
    inventory(host)
    assert sum(1 for argv in calls if argv[0] == "dpkg-query") == 1


def test_replay_without_the_derived_key_computes_it_from_raw_answers() -> None:
    snap = sample("linux/snap-list-lxd.txt")
    bundle = linux_bundle(
        {
            "cmd:dpkg-query -W -f '${Package}\t${Version}\t${Status}\n'": {
                "error": "missing", "detail": "dpkg-query is not installed"},
            "cmd:rpm -qa --qf '%{NAME}\t%{VERSION}-%{RELEASE}\n'": {
                "error": "missing", "detail": "rpm is not installed"},
            "cmd:flatpak list --app --columns=application,version": {
                "error": "timeout", "detail": "flatpak gave no answer in 10 s"},
            "cmd:snap list": ok({"rc": 0, "stdout": snap, "stderr": ""}),
            "dir:~/Applications": ok(None),
            "dir:~/Downloads": ok(["winny", "winny.txt", "Winny.zip"]),
            "dir:~/.local/bin": ok(None),
            "dir:/opt": {"error": "permission", "detail": "cannot list /opt"},
            "sys:processes": ok(["bash", "lxd", "snapd"]),
        }
    )  # fmt: skip
    inv = inventory(replay(bundle))
    # snap names no table lists are filtered out; a document named "winny" is no AppImage.
    assert inv.installed == ()
    assert inv.processes == ()
    assert inv.unreadable == ("appimage /opt: permission", "flatpak: timeout")


def test_a_question_the_bundle_cannot_answer_still_stops_the_replay() -> None:
    with pytest.raises(EvidenceError, match="the evidence has no answer for"):
        inventory(replay(linux_bundle({})))


def test_windows_inventory_from_published_uninstall_keys() -> None:
    programs = published_windows_programs()
    subkey, values = nsis_uninstall_values(
        sample("windows/qbittorrent-installer-uninstall-key.txt"), r"C:\Program Files\qBittorrent"
    )
    programs[subkey] = values
    host = replay(windows_bundle(programs, ["explorer.exe", "qbittorrent.exe", "svchost.exe"]))
    inv = inventory(host)
    assert inv.installed == (
        Program(
            name="qBittorrent ${PROG_VERSION}",
            ident="qBittorrent",
            source="uninstall-hklm",
            version="${PROG_VERSION}",
            exe="qbittorrent.exe",
        ),
    )
    assert inv.processes == ("qbittorrent.exe",)
    # 7-Zip, AutoHotkey, Beyond Compare: read, but named by no table, so not kept.
    assert len(programs) == 4


def test_windows_per_user_and_32_bit_keys_are_read_too() -> None:
    subkey, values = nsis_uninstall_values(
        sample("windows/qbittorrent-installer-uninstall-key.txt"), r"C:\Users\me\qBittorrent"
    )
    for root, source in ((1, "uninstall-hklm32"), (2, "uninstall-hkcu")):
        inv = inventory(replay(windows_bundle({subkey: values}, [], root=root)))
        assert [(p.source, p.exe) for p in inv.installed] == [(source, "qbittorrent.exe")]


def test_macos_inventory_from_a_published_applications_listing() -> None:
    names = ls_l_names(sample("macos/ls-l-applications-macos10.13-partial.txt"))
    assert "Adobe Bridge CC 2018" in names and "Chess.app" in names
    plist = sample("macos/transmission-info-plist.txt")
    bundle = darwin_bundle(
        [*names, "Transmission.app"], {"Transmission.app": plist}, ["Finder", "Transmission"]
    )
    inv = inventory(replay(bundle))
    assert inv.installed == (
        Program(
            name="Transmission.app",
            ident="org.m0k.transmission",
            source="app-bundle",
            version="VERSION_STRING_INFOPLIST",
            exe="Transmission",
        ),
    )
    assert inv.processes == ("Transmission",)


@pytest.mark.parametrize(
    ("file_name", "token"),
    [
        ("qBittorrent-4.6.0_x86_64.AppImage", "qBittorrent"),
        ("transmission-qt-4.0.5-x86_64.AppImage", "transmission-qt"),
        ("Motrix-1.8.19.AppImage", "Motrix"),
        ("obs.AppImage", "obs"),
    ],
)
def test_appimage_token(file_name: str, token: str) -> None:
    assert appimage_token(file_name) == token


@pytest.mark.parametrize(
    "value",
    [
        [],
        {"installed": [], "processes": []},
        {"installed": [{"name": "x", "ident": "x", "source": "pip"}], "processes": [],
         "unreadable": []},
        {"installed": [{"name": "x", "ident": "x", "source": "dpkg", "version": 1, "exe": None}],
         "processes": [], "unreadable": []},
        {"installed": [], "processes": [3], "unreadable": []},
    ],
)  # fmt: skip
def test_a_malformed_inventory_in_a_bundle_is_refused(value: Any) -> None:
    bundle = linux_bundle({"inv:software": ok(value)})
    with pytest.raises(EvidenceError, match="inv:software"):
        validate_bundle(bundle, "b.json")
