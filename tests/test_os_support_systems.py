"""os-support on Windows, macOS and the wider Linux families, replayed from real published
outputs (tests/data/samples, each file citing its source), plus decide() on facts alone.

Registry answers are built from real `reg query` / `Get-ItemProperty` captures; where a test
varies one value (the UBR the `/t REG_SZ` capture filtered out, the clock), the test says so:
that value is the parameter under test, not a captured fact.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from precheck.catalogue import load_catalogue
from precheck.host.evidence import FORMAT, VERSION
from precheck.model import Status
from precheck.probes import Context
from precheck.probes.os_support import decide
from precheck.runner import run_checks
from tests.bundles import error, ok, replay
from tests.conftest import sample

CURRENT_VERSION = r"reg:HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"


def bundle(system: str, entries: dict[str, Any], now: str) -> dict[str, Any]:
    release = {"windows": "10", "darwin": "25.0.0", "linux": "6.1.0"}[system]
    base = {
        "sys:platform": ok(
            {"system": system, "release": release, "version": "", "machine": "x86_64"}
        ),
        "sys:now": ok(now),
    }
    return {"format": FORMAT, "version": VERSION, "entries": {**base, **entries}}


def run(system: str, now: str, **entries: Any) -> Any:
    result = run_checks(
        replay(bundle(system, entries, now)), load_catalogue(), only=["os-support"]
    ).results[0]
    return result


def reg_query_values(text: str) -> dict[str, Any]:
    """`reg query` lines `    Name    REG_SZ    value` to registry values (REG_DWORD as int)."""
    values: dict[str, Any] = {}
    for line in text.splitlines():
        match = re.match(r"^\s{4}(\S+)\s{4}(REG_\w+)(?:\s{4}(.*))?$", line)
        if match:
            name, kind, data = match.group(1), match.group(2), match.group(3) or ""
            values[name] = int(data, 16) if kind == "REG_DWORD" else data
    return values


def item_property_values(text: str) -> dict[str, Any]:
    """`Get-ItemProperty` list lines `Name : value` to registry values (digits as int for UBR)."""
    values: dict[str, Any] = {}
    for line in text.splitlines():
        name, sep, data = line.partition(":")
        if sep and re.fullmatch(r"[A-Za-z0-9]+", name.strip()):
            value = data.strip()
            values[name.strip()] = int(value) if name.strip() == "UBR" else value
    return values


def registry(values: dict[str, Any]) -> dict[str, Any]:
    return {CURRENT_VERSION: ok({"values": values, "subkeys": []})}


WIN10_22H2 = reg_query_values(sample("windows/reg-query-currentversion-reg-sz-win10-22h2.txt"))


def test_reg_query_sample_is_windows_10_22h2_enterprise() -> None:
    assert WIN10_22H2["CurrentBuild"] == "19045"
    assert WIN10_22H2["EditionID"] == "Enterprise"
    assert "UBR" not in WIN10_22H2  # the capture used /t REG_SZ, which drops the REG_DWORD


def test_windows_10_22h2_without_esu_updates_fails() -> None:
    # UBR 6456 is the 2025-10-14 update (tables: windows.esu.19045.evidence_after_ubr): nothing
    # after the end of support has arrived.
    result = run("windows", "2026-06-20T00:00:00+00:00", **registry({**WIN10_22H2, "UBR": 6456}))
    assert (result.status, result.code) == (Status.FAIL, "esu-required")
    assert "Windows 10 22H2" in result.summary.en


def test_windows_10_22h2_without_any_ubr_cannot_prove_esu() -> None:
    result = run("windows", "2026-06-20T00:00:00+00:00", **registry(WIN10_22H2))
    assert (result.status, result.code) == (Status.FAIL, "esu-required")


def test_windows_10_22h2_with_esu_updates_passes_as_esu() -> None:
    # UBR 7417 = KB5094127, 2026-06-09 (an ESU update): enrolled and current on 2026-06-20.
    result = run("windows", "2026-06-20T00:00:00+00:00", **registry({**WIN10_22H2, "UBR": 7417}))
    assert (result.status, result.code) == (Status.PASS, "esu")
    assert "2028-10-10" in result.summary.en  # Enterprise: commercial ESU end


def test_windows_10_22h2_esu_behind_counts_patch_tuesdays() -> None:
    # 7291 = 2026-05-12; on 2026-12-02 June..November (6) Patch Tuesdays are missing.
    result = run("windows", "2026-12-02T00:00:00+00:00", **registry({**WIN10_22H2, "UBR": 7291}))
    assert (result.status, result.code) == (Status.FAIL, "patches-missing")
    assert result.facts["os"]["ubr"] == 7291


def test_windows_10_1803_from_get_itemproperty_is_older_than_every_row() -> None:
    values = item_property_values(
        sample("windows/get-itemproperty-currentversion-win10-1803-with-pspath.txt")
    )
    assert (values["CurrentBuild"], values["UBR"]) == ("17134", 285)
    result = run("windows", "2026-12-02T00:00:00+00:00", **registry(values))
    assert (result.status, result.code) == (Status.FAIL, "eol-older")
    # Only the values the check needs are kept: never RegisteredOwner or the product id.
    assert "fedor" not in str(result.facts) and "ProductId" not in str(result.facts)


SYSTEMINFO_CASES = [
    # (sample, expected status, code): registry unreadable, so systeminfo identifies the release.
    ("systeminfo-en-win11-22h2-home-sl.txt", Status.FAIL, "eol"),
    ("systeminfo-findstr-os-ja-win11-23h2.txt", Status.FAIL, "eol"),  # 23H2 Pro ended 2025-11-11
    ("systeminfo-ja-win11-21h2-excerpt.txt", Status.FAIL, "eol"),
    ("systeminfo-en-win7.txt", Status.FAIL, "eol-older"),
    ("systeminfo-ja-win7-pro.txt", Status.FAIL, "eol-older"),
    # LTSC 2024 is supported to 2029; systeminfo has no UBR, so the patch level is unknown.
    ("systeminfo-en-win11-24h2-enterprise-ltsc.txt", Status.UNKNOWN, "supported-updates-unknown"),
    # Windows 10 22H2 after 2025-10-14: without a UBR no ESU update can be seen.
    ("systeminfo-en-win10-22h2-enterprise.txt", Status.FAIL, "esu-required"),
    ("systeminfo-en-win10-enterprise.txt", Status.FAIL, "eol-older"),  # 20H2, build 19042
    # A Server SKU ("OS Configuration: Standalone Server") is named, not judged.
    ("systeminfo-en-server2012r2.txt", Status.UNKNOWN, "server-os"),
]


@pytest.mark.parametrize(("name", "status", "code"), SYSTEMINFO_CASES)
def test_systeminfo_is_the_fallback_when_the_registry_is_unreadable(
    name: str, status: Status, code: str
) -> None:
    entries = {
        CURRENT_VERSION: error("permission", "cannot read"),
        "cmd:systeminfo": ok({"rc": 0, "stdout": sample(f"windows/{name}"), "stderr": ""}),
    }
    result = run("windows", "2026-12-02T00:00:00+00:00", **entries)
    assert (result.status, result.code) == (status, code)
    assert result.facts["os"]["source"] == "systeminfo"


def test_systeminfo_in_cp932_decodes_to_the_same_facts() -> None:
    from precheck.host.text import decode
    from precheck.parse.systeminfo import parse_systeminfo

    text = sample("windows/systeminfo-findstr-os-ja-win11-23h2.txt")
    assert parse_systeminfo(decode(text.encode("cp932"))) == parse_systeminfo(text)
    assert parse_systeminfo(text) == {"name": "Microsoft Windows 11 Pro", "build": 22631}


# -- decide on facts alone: the Windows 11 feature updates per edition ------------------------


def ctx() -> Context:
    catalogue = load_catalogue()
    return Context(thresholds=catalogue.checks["os-support"].thresholds, tables=catalogue.table)


def windows(now: str, build: int, edition: str, ubr: int | None, **extra: str) -> Any:
    os_facts: dict[str, Any] = {"source": "registry", "build": build, "edition_id": edition}
    if ubr is not None:
        os_facts["ubr"] = ubr
    os_facts.update(extra)
    return decide({"system": "windows", "now": now, "os": os_facts}, ctx())


@pytest.mark.parametrize(
    ("now", "build", "edition", "ubr", "status", "code"),
    [
        # 23H2: Home/Pro ended 2025-11-11, Enterprise/Education 2026-11-10.
        ("2026-06-20T00:00:00+00:00", 22631, "Professional", 7219, Status.FAIL, "eol"),
        ("2026-06-20T00:00:00+00:00", 22631, "Enterprise", 7219, Status.PASS, "supported"),
        ("2026-12-02T00:00:00+00:00", 22631, "Education", 7219, Status.FAIL, "eol"),
        # 24H2: Home/Pro ended 2026-10-13; Enterprise runs to 2027-10-12.
        ("2026-12-02T00:00:00+00:00", 26100, "Core", 8655, Status.FAIL, "eol"),
        ("2026-06-20T00:00:00+00:00", 26100, "Core", 8655, Status.PASS, "supported"),
        # 25H2 Home on the June update, judged in December: five Patch Tuesdays missed.
        ("2026-12-02T00:00:00+00:00", 26200, "Core", 8655, Status.FAIL, "patches-missing"),
        # One month behind, past the 14-day grace: WARN.
        ("2026-06-25T00:00:00+00:00", 26200, "Professional", 8457, Status.WARN, "patches-behind"),
        # Hotpatch month: UBR 8390 is LOWER than May's normal 8457 but is May's update.
        ("2026-06-05T00:00:00+00:00", 26200, "Enterprise", 8390, Status.PASS, "supported"),
        # February's update (7840) on 2026-03-20: March's is 10 days old, inside the grace.
        ("2026-03-20T00:00:00+00:00", 26200, "Core", 7840, Status.PASS, "supported"),
        ("2026-03-30T00:00:00+00:00", 26200, "Core", 7840, Status.WARN, "patches-behind"),
        # February's hotpatch (7781, lower than February's normal 7840) is February's too.
        ("2026-03-01T00:00:00+00:00", 26200, "Enterprise", 7781, Status.PASS, "supported"),
        # A preview UBR counts as the security release before it (June 9): current on June 30.
        ("2026-06-30T00:00:00+00:00", 26200, "Core", 8737, Status.PASS, "supported"),
        # Newer than every UBR the table lists, months after it ends: the table is stale.
        ("2026-12-02T00:00:00+00:00", 26200, "Core", 9457, Status.WARN, "table-stale"),
        # 26H2 shares 25H2's monthly UBRs.
        ("2026-12-02T00:00:00+00:00", 26300, "Core", 8655, Status.FAIL, "patches-missing"),
        # LTSC 2024 (EditionID ending in S) is judged by its own row, to 2029-10-09.
        ("2026-06-20T00:00:00+00:00", 26100, "EnterpriseS", 8655, Status.PASS, "supported"),
        # An Insider build newer than every row is not guessed.
        ("2026-06-20T00:00:00+00:00", 27900, "Core", 1, Status.UNKNOWN, "unknown-release"),
    ],
)
def test_windows_feature_updates_per_edition(
    now: str, build: int, edition: str, ubr: int, status: Status, code: str
) -> None:
    verdict = windows(now, build, edition, ubr)
    assert (verdict.status, verdict.code) == (status, code), verdict.params


def test_windows_11_is_named_from_its_build_not_its_product_name() -> None:
    verdict = windows(
        "2026-06-20T00:00:00+00:00", 26200, "Professional", 8655, product_name="Windows 10 Pro"
    )
    assert verdict.params["os"] == "Windows 11 25H2 (Windows 11 Pro)"


def test_windows_server_is_named_not_judged() -> None:
    verdict = windows(
        "2026-06-20T00:00:00+00:00", 20348, "ServerStandard", 5256, installation_type="Server"
    )
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "server-os")
    assert verdict.params["os"] == "Windows Server 2022"


def test_windows_build_without_an_update_list_says_so() -> None:
    verdict = windows("2026-06-20T00:00:00+00:00", 26200, "Core", None)
    assert verdict.code == "supported-updates-unknown"
    assert verdict.params["reason"].code == "reason-no-ubr"


# -- macOS ------------------------------------------------------------------------------------

PREFS = "cmd:defaults read /Library/Preferences/com.apple.SoftwareUpdate"


def mac(sw_vers: str, prefs: str | None, now: str = "2026-12-02T00:00:00+00:00") -> Any:
    entries: dict[str, Any] = {
        "cmd:sw_vers": ok({"rc": 0, "stdout": sample(f"macos/{sw_vers}"), "stderr": ""}),
    }
    if prefs is not None:
        entries[PREFS] = ok({"rc": 0, "stdout": sample(f"macos/{prefs}"), "stderr": ""})
    else:
        entries[PREFS] = ok({"rc": 1, "stdout": "", "stderr": "does not exist"})
        entries["cmd:softwareupdate -l"] = error("timeout", "softwareupdate gave no answer in 8 s")
    return run("darwin", now, **entries)


def test_unsupported_macos_fails() -> None:
    # macOS 14 left the newest three when macOS 27 shipped (2026-09-14).
    result = mac("sw_vers-macos14.5.txt", "defaults-read-softwareupdate-none-macos10.15.txt")
    assert (result.status, result.code) == (Status.FAIL, "eol")


def test_macos_older_than_every_row_fails() -> None:
    result = mac("sw_vers-macos10.13.txt", None)
    assert (result.status, result.code) == (Status.FAIL, "eol-older")


def test_current_macos_with_pending_updates_fails_naming_them() -> None:
    result = mac("sw_vers-macos15.7.3.txt", "defaults-read-softwareupdate-3-pending-macos10.15.txt")
    assert (result.status, result.code) == (Status.FAIL, "pending-security")
    assert "macOS Catalina Security Update 2021-001" in result.summary.en


def test_current_macos_behind_its_latest_point_release_warns() -> None:
    result = mac("sw_vers-macos26.0.1.txt", "defaults-read-softwareupdate-none-macos10.15.txt")
    assert (result.status, result.code) == (Status.WARN, "version-behind")
    assert "26.6.2" in result.summary.en


def test_softwareupdate_timeout_is_unknown_not_pass() -> None:
    facts = {
        "system": "darwin",
        "now": "2026-12-02T00:00:00+00:00",
        "os": {"product_version": "26.6.2"},
        "updates": {"source": "softwareupdate", "error": "timeout", "detail": "no answer in 8 s"},
    }
    verdict = decide(facts, ctx())
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "supported-updates-unknown")


def test_macos_current_and_checked_recently_passes() -> None:
    facts = {
        "system": "darwin",
        "now": "2026-09-01T00:00:00+00:00",
        "os": {"product_version": "26.6.2"},
        "updates": {
            "source": "softwareupdate-prefs",
            "recommended": 0,
            "last_check": "2026-08-30T10:00:00+00:00",
        },
    }
    verdict = decide(facts, ctx())
    assert (verdict.status, verdict.code) == (Status.PASS, "supported")


# -- Linux: derivatives, older releases, new families, rolling, update-notifier, zypper ------


def linux(os_release: str, entries: dict[str, Any], now: str = "2026-12-02T03:00:00+00:00") -> Any:
    return run(
        "linux", now, **{"file:/etc/os-release": ok(sample(f"linux/{os_release}")), **entries}
    )


def test_pop_os_is_judged_as_the_ubuntu_it_is_built_on() -> None:
    # Pop!_OS 20.04 writes UBUNTU_CODENAME=focal: Ubuntu 20.04's standard support ended 2025-05-31.
    result = linux(
        "os-release-popos20.04.txt",
        {
            "cmd:apt list --upgradable": ok({"rc": 0, "stdout": "Listing...\n", "stderr": ""}),
            **{
                f"stat:{p}": ok(None)
                for p in (
                    "/var/lib/apt/periodic/update-success-stamp",
                    "/var/lib/apt/lists/partial",
                    "/var/lib/apt/lists",
                )
            },
        },
    )
    assert (result.status, result.code) == (Status.FAIL, "eol")
    assert "Pop!_OS 20.04 (Ubuntu 20.04 LTS)" in result.summary.en


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("os-release-fedora35.txt", "eol-older"),  # older than Fedora 41, the oldest row
        ("os-release-opensuse-leap15.txt", "eol"),  # Leap 15.2 ended 2022-01-04
    ],
)
def test_old_releases_of_known_families_fail(name: str, code: str) -> None:
    entries: dict[str, Any] = {
        "cmd:dnf --cacheonly --quiet updateinfo list --security": error("failed", "no cache")
    }
    if "opensuse" in name:
        entries["cmd:zypper --non-interactive --no-refresh list-patches --category security"] = (
            error("permission", "root required")
        )
    result = linux(name, entries)
    assert (result.status, result.code) == (Status.FAIL, code)


def test_leap_security_patches_from_zypper_fail() -> None:
    listing = sample("linux/zypper-lp-category-security-leap42.3.txt")
    facts = {
        "system": "linux",
        "now": "2026-03-01T00:00:00+00:00",
        "os": {"id": "opensuse-leap", "version_id": "15.6", "pretty_name": "openSUSE Leap 15.6"},
    }
    from precheck.parse.zypper import parse_list_patches

    facts["updates"] = {"source": "zypper", **parse_list_patches(listing)}
    verdict = decide(facts, ctx())
    assert (verdict.status, verdict.code) == (Status.FAIL, "pending-security")
    assert verdict.params["count"] == 3


@pytest.mark.parametrize(
    ("days", "status", "code"),
    [
        (3, Status.PASS, "rolling-current"),
        (45, Status.WARN, "rolling-stale"),
        (200, Status.FAIL, "rolling-abandoned"),
    ],
)
def test_rolling_release_is_judged_by_update_freshness(
    days: int, status: Status, code: str
) -> None:
    from datetime import datetime, timedelta

    now = datetime.fromisoformat("2026-12-02T03:00:00+00:00")
    changed = (now - timedelta(days=days)).isoformat()
    result = linux(
        "os-release-arch.txt",
        now=now.isoformat(),
        entries={"stat:/var/lib/pacman/local": ok(changed), "stat:/var/log/pacman.log": ok(None)},
    )
    assert (result.status, result.code) == (status, code)


def test_ubuntu_motd_counts_are_read_when_apt_times_out() -> None:
    result = linux(
        "os-release-ubuntu2404.txt",
        {
            "cmd:apt list --upgradable": error("timeout", "apt gave no answer in 15 s"),
            "file:/var/lib/update-notifier/updates-available": ok(
                sample("linux/motd-apt-check-esm-infra-restart-required.txt")
            ),
            "stat:/var/lib/update-notifier/updates-available": ok("2026-12-01T00:00:00+00:00"),
        },
    )
    assert (result.status, result.code) == (Status.FAIL, "pending-security")
    assert result.facts["updates"]["source"] == "update-notifier"
    assert result.facts["updates"]["security_pending"] == 3


def test_ubuntu_motd_that_says_its_list_is_old_warns() -> None:
    result = linux(
        "os-release-ubuntu2404.txt",
        {
            "cmd:apt list --upgradable": error("timeout", "apt gave no answer in 15 s"),
            "file:/var/lib/update-notifier/updates-available": ok(
                sample("linux/motd-apt-check-zero-updates-stale-list.txt")
            ),
            "stat:/var/lib/update-notifier/updates-available": ok("2026-12-01T00:00:00+00:00"),
        },
    )
    assert (result.status, result.code) == (Status.WARN, "lists-stale")


def linux_facts(os_facts: dict[str, str], now: str = "2026-12-02T00:00:00+00:00") -> Any:
    updates = {
        "source": "apt",
        "upgradable": 0,
        "security_pending": 0,
        "lists_updated": "2026-12-01T00:00:00+00:00",
    }
    return decide({"system": "linux", "now": now, "os": os_facts, "updates": updates}, ctx())


@pytest.mark.parametrize(
    ("os_facts", "status", "code"),
    [
        # Raspbian 12 is Debian 12.
        (
            {"id": "raspbian", "version_id": "12", "pretty_name": "Raspbian GNU/Linux 12"},
            Status.PASS,
            "supported",
        ),
        # elementary OS 7.1 on jammy is Ubuntu 22.04; its own VERSION_ID never picks a row.
        (
            {
                "id": "elementary",
                "version_id": "7.1",
                "ubuntu_codename": "jammy",
                "pretty_name": "elementary OS 7.1 Horus",
            },
            Status.PASS,
            "supported",
        ),
        (
            {"id": "zorin", "version_id": "17", "ubuntu_codename": "unknownname"},
            Status.UNKNOWN,
            "unknown-release",
        ),
        # Rocky 9.4 is not the newest minor (9.8 in the table): no fixes.
        (
            {"id": "rocky", "version_id": "9.4", "pretty_name": "Rocky Linux 9.4"},
            Status.FAIL,
            "minor-old",
        ),
        (
            {"id": "almalinux", "version_id": "9.8", "pretty_name": "AlmaLinux 9.8"},
            Status.PASS,
            "supported",
        ),
        ({"id": "centos", "version_id": "7", "name": "CentOS Linux"}, Status.FAIL, "eol"),
        ({"id": "centos", "version_id": "9", "name": "CentOS Stream"}, Status.PASS, "supported"),
        ({"id": "alpine", "version_id": "3.22.1"}, Status.PASS, "supported"),
        ({"id": "alpine", "version_id": "3.14.2"}, Status.FAIL, "eol-older"),
        ({"id": "opensuse-leap", "version_id": "15.4"}, Status.FAIL, "eol"),
        ({"id": "debian", "version_id": "9"}, Status.FAIL, "eol-older"),
        ({"id": "ubuntu", "version_id": "16.04"}, Status.FAIL, "eol-older"),
        ({"id": "linuxmint", "version_id": "19.3"}, Status.FAIL, "eol-older"),
        (
            {"id": "linuxmint", "version_id": "7", "name": "LMDE", "pretty_name": "LMDE 7 (gigi)"},
            Status.PASS,
            "supported",
        ),
    ],
)
def test_linux_families(os_facts: dict[str, str], status: Status, code: str) -> None:
    verdict = linux_facts(os_facts)
    assert (verdict.status, verdict.code) == (status, code), verdict.params
