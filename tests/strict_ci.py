"""With CI set, every skip is a failure: `importorskip`, `skipif`, `pytest.skip`, an empty
parametrization, a skipping fixture, a module skipped at collection.

CI (`.ci/run`) installs every system part the tests use, so a skip there can only mean a test
silently did not run: the suite would pass while proving nothing. On a developer's laptop
skips stay skips. tests/conftest.py installs these hooks; test_strict_ci.py runs an inner
pytest session to prove each kind of skip fails.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _reason(longrepr: Any) -> str:
    """The skip's own reason: pytest keeps it as (path, line, "Skipped: why")."""
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        path, line, why = longrepr
        return f"{why} ({path}:{line})"
    return str(longrepr)


def _fail(report: pytest.TestReport | pytest.CollectReport) -> None:
    report.outcome = "failed"
    report.longrepr = (
        f"CI=true: a skip is a failure here, the test did not run: {_reason(report.longrepr)}"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        _fail(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    if in_ci() and report.skipped:
        _fail(report)
    return report
