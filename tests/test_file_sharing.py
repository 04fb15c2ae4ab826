"""file-sharing: real Debian P2P clients caught installed and running; a clean view passes;
every near miss stays clean; Windows and macOS decided from published listings."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from hashlib import md5
from pathlib import Path
from typing import Any

import psutil
import pytest

from precheck.catalogue import load_catalogue
from precheck.host import LiveHost
from precheck.inventory import Inventory, Program, inventory
from precheck.model import Phrase, Status, Verdict
from precheck.probes import Context, file_sharing
from tests.bundles import replay
from tests.conftest import need, run_precheck, sample
from tests.software import (
    darwin_bundle,
    ls_l_names,
    nsis_uninstall_values,
    published_windows_programs,
    windows_bundle,
)
from tests.test_inventory import DEBIAN_CLIENTS, need_clients

CATALOGUE = load_catalogue()
SPEC = CATALOGUE.checks["file-sharing"]
CTX = Context(thresholds=SPEC.thresholds, tables=CATALOGUE.table)
TABLE = CATALOGUE.table("file-sharing")


def decide_on(inv: Inventory, system: str) -> tuple[Verdict, dict[str, Any]]:
    facts = file_sharing.facts_from(inv, TABLE, system)
    return file_sharing.decide(facts, CTX), facts


def unshare_works(flag: str) -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", flag, "true"], capture_output=True).returncode == 0


# -- the real Debian clients ----------------------------------------------------------------


def test_installed_clients_fail_with_their_packages_named() -> None:
    need_clients()
    run = run_precheck("run", "--only", "file-sharing", "--json")
    assert run.returncode == 1, run.stderr
    (result,) = json.loads(run.stdout)["results"]
    assert (result["status"], result["code"]) == ("FAIL", "found")
    found = {f["id"]: f for f in result["facts"]["found"]}
    assert {"emule", "qbittorrent", "transmission", "deluge"} <= found.keys()
    packages = {p for f in found.values() for p in f["packages"]}
    assert set(DEBIAN_CLIENTS) <= packages
    for name in ("eMule / aMule (installed)", "qBittorrent (installed)", "Deluge (installed)"):
        assert name in result["summary"]["en"]
    fix = result["remediation"]["en"]
    assert all(p in fix for p in DEBIAN_CLIENTS) and "sudo apt remove" in fix
    # The report holds the matched programs only: no other package, no path.
    text = json.dumps(result)
    assert '"bash"' not in text and "/usr/" not in text


def write_amule_config(home: Path) -> None:
    """amuled refuses to run unless external connections are on (its own log says so); they
    listen on loopback inside an empty network namespace, with a throwaway password hash."""
    digest = md5(b"precheck-test").hexdigest()
    (home / "amule.conf").write_text(
        "[ExternalConnect]\nAcceptExternalConnections=1\nECAddress=127.0.0.1\n"
        f"ECPassword={digest}\n"
    )


DAEMONS = {
    "transmission": (["transmission-daemon", "-f", "-g", "{home}"], "transmission-daemon"),
    "qbittorrent": (["qbittorrent-nox", "--profile={home}"], "qbittorrent-nox"),
    "deluge": (["deluged", "-d", "-c", "{home}"], "deluged"),
    "emule": (["amuled", "-c", "{home}"], "amuled"),
}


@contextmanager
def running(argv: list[str], name: str, home: Path) -> Iterator[psutil.Process]:
    """Start a client in an empty network namespace (no traffic can leave), wait until the
    process list shows it under `name`, and stop it at the end, whatever happens."""
    log = (home / "client.log").open("wb")
    proc = subprocess.Popen(
        ["unshare", "-n", *argv],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"{name} exited with {proc.returncode}: {read_log(home)}")
            try:
                process = psutil.Process(proc.pid)
                if process.name() == name:  # unshare has exec'd the client itself
                    break
            except psutil.Error:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{name} did not appear in the process list: {read_log(home)}")
            time.sleep(0.05)
        yield process
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def read_log(home: Path) -> str:
    return (home / "client.log").read_text(errors="replace")[-500:]


@pytest.mark.parametrize("client", sorted(DAEMONS))
def test_a_running_client_is_caught_running(client: str, tmp_path: Path) -> None:
    need_clients()
    need(unshare_works("-n"), "unshare -n (root, to confine the client's network)")
    argv, name = DAEMONS[client]
    home = tmp_path / client
    home.mkdir()
    if client == "emule":
        write_amule_config(home)
    with running([a.replace("{home}", str(home)) for a in argv], name, home):
        verdict, facts = decide_on(inventory(LiveHost()), "linux")
    match = next(f for f in facts["found"] if f["id"] == client)
    assert match["running"] == [name]
    assert verdict.status is Status.FAIL
    item = next(p for p in verdict.params["programs"] if p.params["name"] == match["name"])
    assert item == Phrase("item-running", {"name": match["name"]})


def clean_status(status: str, watched: set[str], how: str) -> str:
    """The dpkg status file as dpkg leaves it after `apt remove` (config files kept) or
    `apt purge` (stanza gone) of every package a file-sharing row names."""
    stanzas = status.split("\n\n")
    out = []
    for stanza in stanzas:
        match = re.match(r"Package: (\S+)", stanza)
        if match and match[1] in watched:
            if how == "purge":
                continue
            stanza = re.sub(r"(?m)^Status: .*$", "Status: deinstall ok config-files", stanza)
        out.append(stanza)
    return "\n\n".join(out)


@pytest.mark.parametrize("how", ["remove", "purge"])
def test_with_the_clients_removed_the_check_passes(how: str, tmp_path: Path) -> None:
    """The real precheck and the real dpkg-query, in a mount namespace whose
    /var/lib/dpkg/status is the machine's own with the P2P packages removed: the code path is
    exactly a user's, and nothing is uninstalled from the test machine."""
    need_clients()
    need(unshare_works("-m"), "unshare -m (root, for a private view of /var/lib/dpkg/status)")
    watched = {
        p
        for row in TABLE["programs"] + TABLE["near_misses"]
        for p in row.get("debian_packages", [])
    }
    status = tmp_path / "status"
    status.write_text(clean_status(Path("/var/lib/dpkg/status").read_text(), watched, how))
    wrapper = [
        "unshare",
        "-m",
        "sh",
        "-c",
        f'mount --bind {status} /var/lib/dpkg/status && exec "$@"',
        "sh",
    ]
    run = run_precheck("run", "--only", "file-sharing", "--json", wrapper=wrapper)
    # a partial run (--only) exits 1 by design (issue 15): the verdict is in the JSON
    assert run.returncode == 1, run.stdout + run.stderr
    (result,) = json.loads(run.stdout)["results"]
    assert (result["status"], result["code"]) == ("PASS", "none"), result
    assert result["facts"]["found"] == []
    # The machine itself is untouched: outside the namespace they are still installed.
    assert all(
        subprocess.run(["dpkg-query", "-W", p], capture_output=True).returncode == 0
        for p in DEBIAN_CLIENTS
    )


# -- near misses ----------------------------------------------------------------------------

NEAR_MISS_NAMES = [
    "ShareX", "SharePoint", "Microsoft SharePoint", "Microsoft Share", "Microsoft OneDrive",
    "OneDrive", "Dropbox", "Google Drive", "Nearby Share", "Quick Share", "File Sharing",
    "Screen Sharing", "ShareIt", "SHAREit", "Share Folder", "winny", "Winny.txt", "share",
    "Syncthing", "Resilio Sync",
]  # fmt: skip
"""Names that contain or resemble a P2P client's but are not one (research §5.3), including
a document named "winny" and the bare word "share" as a display name (Share's identifier is
the executable share.exe, never a display name)."""


def programs_named(name: str) -> tuple[list[Program], list[str]]:
    """`name` as every source would list it: display name, package, bundle, AppImage."""
    slug = name.lower().replace(" ", "-")
    programs = [
        Program(name, name, "uninstall-hklm", None, f"{name}.txt"),
        Program(name, slug, "uninstall-hkcu", None, None),
        Program(f"{name}.app", f"com.example.{slug}", "app-bundle"),
        Program(slug, slug, "dpkg"),
        Program(slug, f"{name}.txt", "appimage"),
    ]
    return programs, [name, slug]


def row_inventory(row: dict[str, Any]) -> Inventory:
    """A machine holding everything a near-miss row names, installed and running."""
    programs: list[Program] = []
    processes: list[str] = []
    for exe in row.get("windows_exe", []) + row.get("windows_exe_unverified", []):
        programs.append(Program(exe.removesuffix(".exe"), exe, "uninstall-hklm", None, exe))
        processes.append(exe)
    for app in row.get("macos_apps", []):
        programs.append(Program(app, app, "app-bundle"))
    for ident in row.get("macos_bundle_ids", []):
        programs.append(Program(row["name"], ident, "app-bundle"))
    for package in row.get("debian_packages", []):
        programs.append(Program(package, package, "dpkg"))
        processes.append(package)
    return Inventory(tuple(programs), tuple(processes), ())


@pytest.mark.parametrize("row", TABLE["near_misses"], ids=lambda r: r["id"])
@pytest.mark.parametrize("system", ["windows", "darwin", "linux"])
def test_every_near_miss_is_not_file_sharing(row: dict[str, Any], system: str) -> None:
    verdict, facts = decide_on(row_inventory(row), system)
    assert facts["found"] == []
    if row["decision"] == "confirm":  # private P2P sync: the user confirms, never a FAIL
        assert (verdict.status, verdict.code) == (Status.WARN, "private-sync")
        assert [f["id"] for f in facts["private_sync"]] == [row["id"]]
    else:  # cloud storage, OS features, ShareX (a recorder), names containing "share"
        assert (verdict.status, verdict.code) == (Status.PASS, "none")


@pytest.mark.parametrize("name", NEAR_MISS_NAMES)
@pytest.mark.parametrize("system", ["windows", "darwin", "linux"])
def test_names_that_merely_resemble_p2p_clients_pass(name: str, system: str) -> None:
    programs, processes = programs_named(name)
    verdict, facts = decide_on(Inventory(tuple(programs), tuple(processes), ()), system)
    assert facts["found"] == [], facts
    assert verdict.status in (Status.PASS, Status.WARN)
    assert verdict.code in ("none", "private-sync")


# -- Windows and macOS from published listings ----------------------------------------------


def windows_verdict(with_qbittorrent: bool, processes: list[str]) -> tuple[Verdict, Any]:
    programs = published_windows_programs()
    if with_qbittorrent:
        subkey, values = nsis_uninstall_values(
            sample("windows/qbittorrent-installer-uninstall-key.txt"),
            r"C:\Program Files\qBittorrent",
        )
        programs[subkey] = values
    host = replay(windows_bundle(programs, processes))
    facts = file_sharing.collect(host, CTX)
    return file_sharing.decide(facts, CTX), facts


def test_windows_listing_without_p2p_passes() -> None:
    verdict, _ = windows_verdict(False, ["explorer.exe", "ShareX.exe", "OneDrive.exe"])
    assert (verdict.status, verdict.code) == (Status.PASS, "none")


def test_windows_qbittorrent_installed_fails_with_the_windows_fix() -> None:
    verdict, facts = windows_verdict(True, ["explorer.exe"])
    assert (verdict.status, verdict.code) == (Status.FAIL, "found")
    (match,) = facts["found"]
    assert match["installed"] == [
        {"name": "qBittorrent ${PROG_VERSION}", "source": "uninstall-hklm", "ident": "qBittorrent"}
    ]
    fix = SPEC.remediation_for(verdict.code, "windows", verdict.params)
    assert fix is not None and "qBittorrent" in fix.ja and "アンインストール" in fix.ja


def test_windows_unverified_executable_alone_asks_to_confirm() -> None:
    verdict, _ = windows_verdict(False, ["explorer.exe", "uTorrent.exe"])
    assert (verdict.status, verdict.code) == (Status.WARN, "unconfirmed")


def test_windows_share_exe_running_fails() -> None:
    verdict, facts = windows_verdict(False, ["explorer.exe", "Share.exe"])
    assert (verdict.status, verdict.code) == (Status.FAIL, "found")
    assert [(f["id"], f["running"]) for f in facts["found"]] == [("share", ["Share.exe"])]


def macos_verdict(apps: list[str], processes: list[str]) -> tuple[Verdict, Any]:
    names = ls_l_names(sample("macos/ls-l-applications-macos10.13-partial.txt"))
    plist = sample("macos/transmission-info-plist.txt")
    host = replay(darwin_bundle([*names, *apps], {"Transmission.app": plist}, processes))
    facts = file_sharing.collect(host, CTX)
    return file_sharing.decide(facts, CTX), facts


def test_macos_listing_without_p2p_passes() -> None:
    verdict, _ = macos_verdict([], ["Finder"])
    assert (verdict.status, verdict.code) == (Status.PASS, "none")


def test_macos_transmission_fails_by_bundle_id_and_running_executable() -> None:
    verdict, facts = macos_verdict(["Transmission.app"], ["Finder", "Transmission"])
    assert (verdict.status, verdict.code) == (Status.FAIL, "found")
    (match,) = facts["found"]
    assert (match["id"], match["running"]) == ("transmission", ["Transmission"])
    fix = SPEC.remediation_for(verdict.code, "darwin", verdict.params)
    assert fix is not None and "Transmission" in fix.en and "Trash" in fix.en


# -- deciding -------------------------------------------------------------------------------


def test_an_unreadable_source_with_nothing_found_is_unknown_not_pass() -> None:
    inv = Inventory((), (), ("flatpak: timeout",))
    verdict, _ = decide_on(inv, "linux")
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "incomplete")
    assert verdict.params["reason"] == "flatpak: timeout"


def test_p2p_capable_downloader_warns() -> None:
    inv = Inventory((Program("aria2", "aria2", "dpkg", "1.36"),), (), ())
    verdict, _ = decide_on(inv, "linux")
    assert (verdict.status, verdict.code) == (Status.WARN, "p2p-capable")
    assert verdict.params["remove"] == "sudo apt remove aria2"


def test_each_find_is_removed_with_the_tool_that_installed_it() -> None:
    # Flathub's qBittorrent beside Debian's Transmission: apt cannot remove a flatpak
    inv = Inventory(
        (
            Program("qBittorrent", "org.qbittorrent.qBittorrent", "flatpak", "5.0.2"),
            Program("Transmission", "transmission-gtk", "dpkg", "4.0.2"),
        ),
        (),
        (),
    )
    verdict, facts = decide_on(inv, "linux")
    assert (verdict.status, verdict.code) == (Status.FAIL, "found")
    remove = verdict.params["remove"]
    assert (
        remove == "sudo apt remove transmission-gtk; flatpak uninstall org.qbittorrent.qBittorrent"
    )
    fix = load_catalogue().checks["file-sharing"].remediation_for("found", "linux", verdict.params)
    assert fix is not None and remove in fix.en and remove in fix.ja
    assert {"qbittorrent", "transmission"} == {f["id"] for f in facts["found"]}


def test_running_without_a_package_still_fails_on_linux() -> None:
    inv = Inventory((), ("rtorrent",), ())
    verdict, facts = decide_on(inv, "linux")
    assert (verdict.status, verdict.code) == (Status.FAIL, "found")
    assert facts["found"][0]["running"] == ["rtorrent"]


def test_facts_are_json_and_hold_no_paths() -> None:
    inv = Inventory(
        (Program("qBittorrent", "qBittorrent", "uninstall-hkcu", "4.6", "qbittorrent.exe"),), (), ()
    )
    _, facts = decide_on(inv, "windows")
    assert json.loads(json.dumps(facts)) == facts
    assert "\\" not in json.dumps(facts)


def test_saved_evidence_holds_the_matches_only_and_replays_the_same(tmp_path: Path) -> None:
    need_clients()
    bundle = tmp_path / "evidence.json"
    run = run_precheck(
        "run", "--only", "file-sharing", "--only", "recording", "--json", "--save-evidence", bundle
    )
    assert run.returncode == 1, run.stderr
    entries = json.loads(bundle.read_text())["entries"]
    assert "inv:software" in entries
    raw = [k for k in entries if k.startswith(("cmd:", "dir:", "reg:", "sys:process"))]
    assert raw == []  # no package listing, no folder listing, no process list
    kept = entries["inv:software"]["ok"]
    assert {p["ident"] for p in kept["installed"]} >= set(DEBIAN_CLIENTS)
    assert len(kept["installed"]) < 20
    replayed = run_precheck(
        "replay", bundle, "--only", "file-sharing", "--only", "recording", "--json"
    )
    assert replayed.returncode == 1, replayed.stderr
    live, again = json.loads(run.stdout)["results"], json.loads(replayed.stdout)["results"]
    assert [(r["id"], r["code"], r["facts"]) for r in again] == [
        (r["id"], r["code"], r["facts"]) for r in live
    ]
