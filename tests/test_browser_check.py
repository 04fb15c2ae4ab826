"""browser: each browser's version read where it records it, without starting it, judged by its
rule in tables/browsers.toml. On this Debian machine CI installs chromium and firefox-esr, and
the check must find both with the versions dpkg itself reports."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import pytest

from precheck.catalogue import load_catalogue
from precheck.host import LiveHost
from precheck.host.evidence import FORMAT, VERSION
from precheck.model import Status
from precheck.parse.dpkg_query import application_ini_version, parse_dpkg_query
from precheck.probes import Context
from precheck.probes.browser import decide
from precheck.runner import run_checks
from tests.bundles import ok, replay
from tests.conftest import need, sample


def ctx() -> Context:
    catalogue = load_catalogue()
    return Context(thresholds=catalogue.checks["browser"].thresholds, tables=catalogue.table)


def dpkg_version(package: str) -> str | None:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True
    )
    return out.stdout.strip() or None if out.returncode == 0 else None


def test_finds_debians_chromium_and_firefox_esr_with_their_real_versions() -> None:
    need(shutil.which("dpkg-query") is not None, "not a Debian machine")
    chromium, esr = dpkg_version("chromium"), dpkg_version("firefox-esr")
    need(bool(chromium and esr), "chromium and firefox-esr are not installed (tests/run.sh)")
    assert chromium and esr
    result = run_checks(LiveHost(), load_catalogue(), only=["browser"]).results[0]
    found = {b["id"]: b for b in result.facts["found"]}
    # dpkg's "156.0.8078.114-1~deb12u1" and "153.8.0esr-1~deb12u1" without epoch and revision.
    assert found["chromium"]["version"] == chromium.split("-")[0].split(":")[-1]
    assert found["firefox-esr"]["version"] == esr.split("esr")[0].split(":")[-1]
    assert {found["chromium"]["source"], found["firefox-esr"]["source"]} == {"dpkg"}
    assert result.status is not Status.SKIPPED and result.code != "none-found"
    assert "Chromium" in result.summary.en or "Firefox" in result.summary.en


def test_firefox_esr_application_ini_on_this_machine_agrees_with_dpkg() -> None:
    path = "/usr/lib/firefox-esr/application.ini"
    need(os.path.exists(path), "firefox-esr is not installed (tests/run.sh)")
    esr = dpkg_version("firefox-esr") or ""
    with open(path, encoding="utf-8") as handle:
        assert application_ini_version(handle.read()) == esr.split("esr")[0]


def test_dpkg_query_lines() -> None:
    rows = parse_dpkg_query(sample("linux/dpkg-query-browsers-debian12.txt"))
    # Names dpkg knows but that are not installed print an empty version and are dropped.
    assert rows == [("chromium", "156.0.8078.114"), ("firefox-esr", "153.8.0")]
    assert (
        application_ini_version(sample("linux/application-ini-firefox-esr-debian12.txt"))
        == "153.8.0"
    )


def facts(*found: dict[str, Any], now: str = "2026-12-02T00:00:00+00:00") -> dict[str, Any]:
    return {"system": "linux", "now": now, "found": list(found), "errors": []}


@pytest.mark.parametrize(
    ("browser", "status", "code"),
    [
        # Chrome: 2-week majors from 153 on 2026-09-08, so about 159 on 2026-12-02.
        ({"id": "chrome", "version": "159.0.7700.10"}, Status.PASS, "ok"),
        ({"id": "chrome", "version": "158.0.7600.1"}, Status.PASS, "ok"),
        ({"id": "chrome", "version": "156.0.7500.1"}, Status.WARN, "behind"),
        ({"id": "chrome", "version": "150.0.7000.1"}, Status.FAIL, "outdated"),
        # Firefox: 157 on 2026-11-10; 155 is two behind (WARN), 150 fails.
        ({"id": "firefox", "version": "157.0.1"}, Status.PASS, "ok"),
        ({"id": "firefox", "version": "155.0"}, Status.WARN, "behind"),
        ({"id": "firefox", "version": "150.0"}, Status.FAIL, "outdated"),
        # ESR: 153 supported (latest 153.8.0), 140 ended.
        ({"id": "firefox-esr", "version": "153.8.0"}, Status.PASS, "ok"),
        ({"id": "firefox-esr", "version": "153.2.0"}, Status.WARN, "behind"),
        ({"id": "firefox-esr", "version": "140.15.0"}, Status.FAIL, "esr-unsupported"),
        # Chromium may only WARN: how far a distribution lags Chrome is not researched.
        ({"id": "chromium", "version": "140.0.1"}, Status.WARN, "behind"),
        # Edge: judged by the installed build's age only.
        (
            {"id": "edge", "version": "141.0.3537.57", "installed": "2026-08-01T00:00:00+00:00"},
            Status.WARN,
            "build-old",
        ),
        (
            {"id": "edge", "version": "158.0.1.1", "installed": "2026-11-20T00:00:00+00:00"},
            Status.PASS,
            "ok",
        ),
        # Safari follows macOS (os-support judges it).
        ({"id": "safari", "version": "26.3"}, Status.PASS, "ok"),
    ],
)
def test_each_rule(browser: dict[str, Any], status: Status, code: str) -> None:
    verdict = decide(facts(browser), ctx())
    assert (verdict.status, verdict.code) == (status, code), verdict.params


def test_the_worst_browser_decides_and_only_the_late_ones_are_listed() -> None:
    verdict = decide(
        facts({"id": "chrome", "version": "159.0.1.1"}, {"id": "firefox", "version": "150.0"}),
        ctx(),
    )
    assert (verdict.status, verdict.code) == (Status.FAIL, "outdated")
    assert [p.params["browser"] for p in verdict.params["browsers"]] == ["Mozilla Firefox"]


def test_no_browser_on_a_desktop_says_so() -> None:
    verdict = decide(facts(), ctx())
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "none-found")
    text = load_catalogue().checks["browser"].message("none-found", {})
    assert "Tele Office" in text.ja and "Tele Office" in text.en


def test_a_stale_table_never_fails_on_extrapolation() -> None:
    verdict = decide(
        facts({"id": "chrome", "version": "150.0.1.1"}, now="2027-06-01T00:00:00+00:00"), ctx()
    )
    assert verdict.status is not Status.FAIL
    assert verdict.code == "table-stale"


def windows_bundle(entries: dict[str, Any]) -> dict[str, Any]:
    base = {
        "sys:platform": ok(
            {"system": "windows", "release": "10", "version": "", "machine": "AMD64"}
        ),
        "sys:now": ok("2026-12-02T00:00:00+00:00"),
    }
    return {"format": FORMAT, "version": VERSION, "entries": {**base, **entries}}


def test_windows_reads_the_registry_where_each_browser_records_its_version() -> None:
    # Key paths and value names from research/lifecycle.md §4.2 (browsers.toml windows_registry);
    # the Edge version is one GabrielMoreau/winsoft-main/msedge/README.md lists, the Uninstall
    # subkey name follows the "Mozilla Firefox <ver> ESR (<arch> <locale>)" form recorded there.
    from precheck.probes.browser.windows import CHROMIUM_KEYS, UNINSTALL

    entries: dict[str, Any] = {
        path: ok(None) for keys in CHROMIUM_KEYS.values() for path, _ in keys
    }
    entries = {f"reg:{k}": v for k, v in entries.items()}
    edge = CHROMIUM_KEYS["edge"][1][0]
    entries[f"reg:{edge}"] = ok({"values": {"pv": "141.0.3537.57"}, "subkeys": []})
    for path in UNINSTALL:
        entries[f"reg:{path}"] = ok(None)
    entries[f"reg:{UNINSTALL[0]}"] = ok(
        {
            "values": {},
            "subkeys": ["Mozilla Firefox 153.8.0 ESR (x64 ja)", "Mozilla Maintenance Service"],
        }
    )
    result = run_checks(
        replay(windows_bundle(entries)), load_catalogue(), only=["browser"]
    ).results[0]
    found = {b["id"]: b["version"] for b in result.facts["found"]}
    assert found == {"edge": "141.0.3537.57", "firefox-esr": "153.8.0"}
    # No install time in the registry: Edge 141 is judged against Chrome's expected major (159).
    assert (result.status, result.code) == (Status.WARN, "behind")
