"""os-support on Linux, from real published os-release files replayed through the Host."""

from __future__ import annotations

from typing import Any

import pytest

from precheck.catalogue import load_catalogue
from precheck.model import Status
from precheck.runner import run_checks
from tests.bundles import error, linux_bundle, ok, replay
from tests.conftest import sample


def check(
    os_release: str, now: str = "2026-11-24T03:00:00+00:00", **entries: dict[str, Any]
) -> tuple[Status, str, dict[str, Any]]:
    bundle = linux_bundle({"file:/etc/os-release": ok(sample(os_release)), **entries}, now=now)
    result = run_checks(replay(bundle), load_catalogue(), only=["os-support"]).results[0]
    return result.status, result.code, result.facts


NOTHING_UPGRADABLE = "Listing...\n"
"""What apt prints on stdout with nothing to upgrade: only its header (as in docs/evidence.md)."""


def apt(
    listing: str = NOTHING_UPGRADABLE, lists_updated: str | None = "2026-11-23T00:00:00+00:00"
) -> dict[str, Any]:
    return {
        "cmd:apt list --upgradable": ok({"rc": 0, "stdout": listing, "stderr": ""}),
        "stat:/var/lib/apt/periodic/update-success-stamp": ok(None),
        "stat:/var/lib/apt/lists/partial": ok(lists_updated),
        "stat:/var/lib/apt/lists": ok(lists_updated),
    }


def debian(**entries: dict[str, Any]) -> dict[str, Any]:
    # /etc/debian_version as this project's Debian 12 CI machine has it (read there, not invented).
    return {"file:/etc/debian_version": ok("12.11\n"), **entries}


DNF = "cmd:dnf --cacheonly --quiet updateinfo list --security"
UPGRADABLE = sample("linux/apt-list-upgradable-ubuntu2410.txt")


def test_supported_debian_without_pending_updates_passes() -> None:
    status, code, facts = check("linux/os-release-debian12.txt", **debian(**apt()))
    assert (status, code) == (Status.PASS, "supported")
    assert facts["os"]["debian_version"] == "12.11"


def test_updates_that_are_not_security_do_not_fail() -> None:
    status, code, facts = check("linux/os-release-ubuntu2404.txt", **apt(UPGRADABLE))
    assert (status, code) == (Status.PASS, "supported")
    assert facts["updates"]["upgradable"] == 4
    assert facts["updates"]["security_pending"] == 0


def test_ended_release_fails_whatever_the_updates() -> None:
    assert check("linux/os-release-debian10.txt", **debian(**apt()))[:2] == (Status.FAIL, "eol")
    assert check("linux/os-release-ubuntu1804.txt", **apt())[:2] == (Status.FAIL, "eol")
    assert check("linux/os-release-ubuntu2510.txt", **apt())[:2] == (Status.FAIL, "eol")


def test_end_of_support_close_warns() -> None:
    # Ubuntu 22.04 standard support ends 2027-04-01: 60 days before is inside the 90-day window.
    status, code, _ = check(
        "linux/os-release-ubuntu2204.txt",
        now="2027-01-31T03:00:00+00:00",
        **apt(lists_updated="2027-01-30T00:00:00+00:00"),
    )
    assert (status, code) == (Status.WARN, "eol-soon")


def test_stale_package_lists_warn() -> None:
    status, code, _ = check(
        "linux/os-release-ubuntu2404.txt", **apt(lists_updated="2026-10-01T00:00:00+00:00")
    )
    assert (status, code) == (Status.WARN, "lists-stale")


def test_apt_missing_is_unknown_never_pass() -> None:
    status, code, _ = check(
        "linux/os-release-debian12.txt",
        **debian(
            **{
                "cmd:apt list --upgradable": error("missing", "apt is not installed"),
                "file:/var/lib/update-notifier/updates-available": ok(None),
            }
        ),
    )
    assert (status, code) == (Status.UNKNOWN, "supported-updates-unknown")


@pytest.mark.parametrize(
    "name",
    ["os-release-debian-testing.txt", "os-release-miraclelinux9.txt"],
)
def test_release_not_in_table_is_unknown_naming_what_was_looked_up(name: str) -> None:
    entries = debian(**apt()) if "debian" in name else {DNF: error("missing", "no dnf")}
    bundle = linux_bundle({"file:/etc/os-release": ok(sample(f"linux/{name}")), **entries})
    result = run_checks(replay(bundle), load_catalogue(), only=["os-support"]).results[0]
    assert (result.status, result.code) == (Status.UNKNOWN, "unknown-release")
    os_id = result.facts["os"]["id"]
    assert f"ID={os_id}" in result.summary.en and f"ID={os_id}" in result.summary.ja


def test_rhel_minor_matches_its_major_and_dnf_missing_is_unknown() -> None:
    bundle = linux_bundle(
        {
            "file:/etc/os-release": ok(sample("linux/os-release-rhel9.txt")),
            DNF: error("missing", "dnf is not installed"),
        }
    )
    result = run_checks(replay(bundle), load_catalogue(), only=["os-support"]).results[0]
    assert (result.status, result.code) == (Status.UNKNOWN, "supported-updates-unknown")
    assert "Red Hat Enterprise Linux 9" in result.summary.en
    assert "dnf is not installed" in result.summary.en


def test_rhel_security_advisories_from_dnf_fail() -> None:
    listing = sample("linux/yum-updateinfo-list-security-rhel7.txt")
    bundle = linux_bundle(
        {
            "file:/etc/os-release": ok(sample("linux/os-release-rhel9.txt")),
            DNF: ok({"rc": 0, "stdout": listing, "stderr": ""}),
        }
    )
    result = run_checks(replay(bundle), load_catalogue(), only=["os-support"]).results[0]
    assert (result.status, result.code) == (Status.FAIL, "pending-security")
    assert result.facts["updates"]["security_pending"] == 13  # distinct packages


def test_no_package_manager_says_so_in_both_languages() -> None:
    # MIRACLE LINUX is not in the table; Alpine is, and precheck reads no apk: the reason is a
    # catalogue phrase, not English-only text.
    bundle = linux_bundle({"file:/etc/os-release": ok("ID=alpine\nVERSION_ID=3.22.1\n")})
    result = run_checks(replay(bundle), load_catalogue(), only=["os-support"]).results[0]
    assert (result.status, result.code) == (Status.UNKNOWN, "supported-updates-unknown")
    assert "この precheck が読める更新管理ツールがありません" in result.summary.ja


def test_old_table_warns() -> None:
    status, code, _ = check(
        "linux/os-release-debian13.txt",
        now="2027-09-01T00:00:00+00:00",
        **debian(**apt(lists_updated=None)),
    )
    assert (status, code) == (Status.WARN, "table-stale")


def test_missing_os_release_is_unknown() -> None:
    bundle = linux_bundle({"file:/etc/os-release": ok(None), "file:/usr/lib/os-release": ok(None)})
    result = run_checks(replay(bundle), load_catalogue(), only=["os-support"]).results[0]
    assert (result.status, result.code) == (Status.UNKNOWN, "unidentified")


def test_release_before_every_listed_one_fails_from_the_family_rows() -> None:
    # Mint 17 calls itself Ubuntu 14.04 (ID=ubuntu): older than the oldest Ubuntu row (18.04).
    status, code, _ = check("linux/os-release-linuxmint17.txt", **apt())
    assert (status, code) == (Status.FAIL, "eol-older")
