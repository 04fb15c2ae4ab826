"""Shared test fixtures.

`need(condition, reason)` skips a test on a developer's laptop that lacks a system part (root,
a Debian package), but fails it in CI (CI=true), where `.ci/run` has installed everything.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SAMPLES = next(
    (
        p / "shared" / "samples"
        for p in Path(__file__).resolve().parents
        if (p / "shared" / "samples").is_dir()
    ),
    Path(__file__).resolve().parents[2] / "shared" / "samples",
)
"""Real published command outputs (shared/samples beside the clone, see its INDEX.md)."""

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must have this: {reason}")
    pytest.skip(reason)


def sample(relative: str) -> str:
    """The text of a published sample, without its `# source:` header line."""
    path = SAMPLES / relative
    need(path.exists(), f"samples folder {SAMPLES} is not beside the repository")
    text = path.read_bytes().decode("utf-8")
    first, _, rest = text.partition("\n")
    assert first.startswith("# source:"), f"{relative} has no source header"
    return rest


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test writes keys, reports and office data into its own temporary folders."""
    monkeypatch.setenv("PRECHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PRECHECK_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("PRECHECK_OFFICE_DIR", str(tmp_path / "office"))
