"""Every parser os-support uses: any text (random, truncated, a megabyte) parses without raising,
in time linear in its size, and keeps only bounded values; a 1 MiB os-release line still yields
a report the verifier accepts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from precheck.host.text import LIMIT, bounded
from precheck.parse.apt import parse_upgradable
from precheck.parse.dnf import parse_updateinfo
from precheck.parse.dpkg_query import application_ini_version, parse_dpkg_query
from precheck.parse.os_release import parse_os_release
from precheck.parse.softwareupdate import parse_softwareupdate_list, parse_softwareupdate_prefs
from precheck.parse.sw_vers import parse_sw_vers, version_tuple
from precheck.parse.systeminfo import parse_systeminfo
from precheck.parse.update_notifier import parse_updates_available
from precheck.parse.zypper import parse_list_patches
from tests.conftest import sample

PARSERS: dict[str, tuple[Callable[[str], Any], str]] = {
    "os_release": (parse_os_release, "linux/os-release-linuxmint19.1.txt"),
    "systeminfo": (parse_systeminfo, "windows/systeminfo-ja-win11-21h2-excerpt.txt"),
    "sw_vers": (parse_sw_vers, "macos/sw_vers-macos15.7.3.txt"),
    "prefs": (
        parse_softwareupdate_prefs,
        "macos/defaults-read-softwareupdate-3-pending-macos10.15.txt",
    ),
    "softwareupdate": (parse_softwareupdate_list, "macos/softwareupdate-l-pending-legacy-10.9.txt"),
    "update_notifier": (
        parse_updates_available,
        "linux/motd-apt-check-esm-infra-restart-required.txt",
    ),
    "zypper": (parse_list_patches, "linux/zypper-lp-category-security-leap42.3.txt"),
    "apt": (parse_upgradable, "linux/apt-list-upgradable-ubuntu2410.txt"),
    "dnf": (parse_updateinfo, "linux/yum-updateinfo-list-security-rhel7.txt"),
    "dpkg_query": (parse_dpkg_query, "linux/dpkg-query-browsers-debian12.txt"),
    "application_ini": (
        application_ini_version,
        "linux/application-ini-firefox-esr-debian12.txt",
    ),
}


def strings(value: Any) -> list[str]:
    """Every string inside a parser's result (dicts, lists, dataclasses' fields)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(k) + strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in strings(v)]
    if hasattr(value, "__dataclass_fields__"):
        return [s for name in value.__dataclass_fields__ for s in strings(getattr(value, name))]
    return []


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), cut=st.integers(min_value=0, max_value=5000))
def test_random_and_truncated_input_never_raises(name: str, text: str, cut: int) -> None:
    parse, real = PARSERS[name]
    parse(text)
    truncated = sample(real)[:cut]
    parse(truncated)
    parse(truncated + text)


HOSTILE: dict[str, Callable[[int], str]] = {
    "one quoted line": lambda n: 'PRETTY_NAME="' + "x" * n + '"',
    "unclosed quote": lambda n: 'NAME="' + '\\"' * (n // 2),
    "many short lines": lambda n: "A=b\n" * (n // 4),
    "one word per blank": lambda n: "ID=" + "a " * (n // 2),
    "label line": lambda n: "OS Name:" + " " * n + "Windows",
    "table row": lambda n: "x | y | security | important | --- | needed | " + "z" * n,
    "prefs line": lambda n: '"Display Name" = "' + "q" * n + '";',
}


@pytest.mark.parametrize("shape", sorted(HOSTILE))
@pytest.mark.parametrize("name", sorted(PARSERS))
def test_a_megabyte_parses_quickly_and_keeps_only_bounded_values(name: str, shape: str) -> None:
    # Generous bound so a loaded CI machine passes; bench/parse_bench.py prints the real figures
    # (well under 0.1 s each). shlex took 17–20 s on the first shape.
    parse, _ = PARSERS[name]
    text = HOSTILE[shape](1 << 20)
    started = time.perf_counter()
    result = parse(text)
    assert time.perf_counter() - started < 5.0
    assert all(len(s) <= LIMIT for s in strings(result)), name


def test_bounded_marks_the_cut() -> None:
    assert bounded("abc") == "abc"
    cut = bounded("x" * 1000)
    assert len(cut) == LIMIT and cut.endswith("…")
    assert bounded("x" * LIMIT) == "x" * LIMIT


def test_version_tuple() -> None:
    assert version_tuple("15.7.3") == (15, 7, 3)
    assert version_tuple("10.13") == (10, 13)
    assert version_tuple("rolling") == ()
    assert version_tuple("9" * 5000) == (999999999,)


def test_a_megabyte_os_release_line_makes_a_report_the_verifier_accepts() -> None:
    from precheck.catalogue import load_catalogue
    from precheck.profile import load_profile
    from precheck.report.format import MAX_REPORT_BYTES
    from precheck.report.make import make_report
    from precheck.report.store import report_bytes
    from precheck.report.verify import verify_report
    from precheck.runner import run_checks
    from tests.bundles import linux_bundle, ok, replay
    from tests.reports import new_key

    hostile = 'NAME="' + "A" * (1 << 20) + '"\nPRETTY_NAME="' + "B" * (1 << 20) + '"\n'
    hostile += "ID=" + "c" * (1 << 20) + "\nVERSION_ID=" + "9" * (1 << 20) + "\n"
    host = replay(
        linux_bundle(
            {
                "file:/etc/os-release": ok(hostile),
                "file:/var/lib/update-notifier/updates-available": ok(None),
            }
        )
    )
    catalogue = load_catalogue()
    run = run_checks(host, catalogue, only=["os-support"])
    result = run.results[0]
    assert result.code == "unknown-release"
    assert len(result.summary.en) < 2000 and len(result.summary.ja) < 2000
    report = make_report(run, catalogue, load_profile(), host=host, key=new_key())
    data = report_bytes(report)
    assert len(data) < 100_000 < MAX_REPORT_BYTES
    verification = verify_report(data)
    assert verification.valid, verification.as_dict()


def test_refresh_script_reports_a_missing_release(tmp_path: Any) -> None:
    """bench/refresh_tables.py reads endoflife.date release rows, names what the table lacks."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "refresh_tables", Path(__file__).parent.parent / "bench" / "refresh_tables.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "products").mkdir()
    # The shape of endoflife.date's products/ubuntu.md front matter (rows as in commit a70eca3),
    # with one release the table has and one it lacks.
    (tmp_path / "products" / "ubuntu.md").write_text(
        "---\ntitle: Ubuntu\nreleases:\n"
        '  - releaseCycle: "26.10"\n    releaseDate: 2026-10-09\n    eol: 2027-07-01\n\n'
        '  - releaseCycle: "24.04"\n    releaseDate: 2024-04-25\n    eol: 2029-05-31\n---\n'
    )
    import tomllib

    table = tomllib.loads(module.TABLE.read_text(encoding="utf-8"))
    lines = module.compare(table, tmp_path, "HEAD")
    assert lines == [
        'add    [linux.ubuntu."26.10"] released=2026-10-09 supported_until=2027-07-01  (ubuntu.md)'
    ]
