"""The examples in reports/examples/ are what the current code makes (bench/make_examples.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from precheck.host import load_bundle
from precheck.report.format import parse_time, schema_errors
from precheck.report.html import render_html
from precheck.report.verify import verify_report
from precheck.resources import shipped_dir
from tests.reports import signed

EXAMPLES = shipped_dir("reports") / "examples"
STALE = "reports/examples are stale: run .venv/bin/python bench/make_examples.py"


def example() -> tuple[bytes, dict[str, Any]]:
    data = (EXAMPLES / "example-report.json").read_bytes()
    return data, json.loads(data)


def shape(value: Any, path: str = "") -> Iterator[str]:
    """Every key path of the report's own structure (a check's facts are its own business)."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield f"{path}/{key}"
            if key != "facts":
                yield from shape(child, f"{path}/{key}")
    elif isinstance(value, list):
        for child in value:
            yield from shape(child, f"{path}[]")


def test_example_report_verifies_at_its_own_time() -> None:
    data, report = example()
    made = parse_time(report["generated_at"])
    assert made is not None
    verification = verify_report(data, now=made, job_seeker_number="12345-67890123")
    assert verification.state == "valid", [r.en for r in verification.reasons]
    assert schema_errors(report) == []


def test_example_has_the_shape_the_code_makes_now() -> None:
    _, report = example()
    assert sorted(set(shape(report))) == sorted(set(shape(signed()))), STALE


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_example_html_is_render_html_of_the_example(lang: str) -> None:
    _, report = example()
    page = (EXAMPLES / f"example-report.{lang}.html").read_text(encoding="utf-8")
    assert page == render_html(report, lang), STALE


def test_example_evidence_is_a_valid_bundle() -> None:
    bundle = load_bundle(Path(EXAMPLES / "example-evidence.json"))
    assert "sys:platform" in bundle["entries"]
