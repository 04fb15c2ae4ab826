"""What a person sees at a terminal: text fits the terminal's real width, TERM=dumb gets no
control sequences, and a partial check never says "ready" (issue 15, item 5)."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from precheck.catalogue import load_catalogue
from precheck.render.terminal import display_width
from precheck.runner import RunResult, run_checks
from tests.bundles import linux_bundle, ok, replay
from tests.conftest import run_precheck, sample

DEVICE = {
    "cpu_count": 4,
    "cpu_percent": 10.0,
    "memory_total": 8 << 30,
    "memory_available": 4 << 30,
    "disk_free": 50 << 30,
    "battery": None,
}
ONLY = ("--only", "os-support", "--only", "load")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def bundle() -> dict[str, Any]:
    """Debian 10 (support ended: a FAIL with a long fix) and a quiet machine (load PASS)."""
    return linux_bundle(
        {
            "file:/etc/os-release": ok(sample("linux/os-release-debian10.txt")),
            "file:/etc/debian_version": ok("10.13\n"),
            # apt with nothing to upgrade (its header only, as docs/evidence.md shows)
            "cmd:apt list --upgradable": ok({"rc": 0, "stdout": "Listing...\n", "stderr": ""}),
            "stat:/var/lib/apt/periodic/update-success-stamp": ok(None),
            "stat:/var/lib/apt/lists/partial": ok("2026-11-23T00:00:00+00:00"),
            "stat:/var/lib/apt/lists": ok("2026-11-23T00:00:00+00:00"),
            "sys:device": ok(DEVICE),
            "sys:cpu-model": ok("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz"),
        }
    )


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    path = tmp_path / "evidence.json"
    path.write_text(json.dumps(bundle()), encoding="utf-8")
    return path


def test_only_a_passing_check_is_partial_not_ready() -> None:
    run = run_checks(replay(bundle()), load_catalogue(), only=["load"])
    assert [r.status.value for r in run.results] == ["PASS"]
    assert run.overall == "partial"
    assert "os-support" in run.left_out and "load" not in run.left_out


def test_ready_needs_every_required_check() -> None:
    run = run_checks(replay(bundle()), load_catalogue(), only=["load"])
    full = RunResult(results=run.results, system="linux")  # as if nothing had been left out
    assert (full.overall, full.partial) == ("ready", False)
    failed = run_checks(replay(bundle()), load_catalogue(), only=["os-support"])
    assert failed.partial and failed.overall == "not-ready"  # a failure is still a failure


def test_run_only_says_partial_and_exits_1(evidence: Path) -> None:
    shown = run_precheck("replay", evidence, "--only", "load")
    assert shown.returncode == 1, shown.stderr
    assert "Only the chosen checks ran" in shown.stdout
    assert "Ready" not in shown.stdout
    assert "Required checks not run this time: os-support" in shown.stdout
    document = run_precheck("replay", evidence, "--only", "load", "--json")
    assert document.returncode == 1
    assert json.loads(document.stdout)["overall"] == "partial"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_text_wraps_at_columns(evidence: Path, lang: str) -> None:
    shown = run_precheck("replay", evidence, *ONLY, env={"COLUMNS": "40"}, lang=lang)
    assert shown.returncode == 1, shown.stderr
    lines = shown.stdout.splitlines()
    assert max(display_width(line) for line in lines) <= 40, shown.stdout
    assert sum(line.startswith("      ") for line in lines) >= 2  # the fix really wrapped


def spawn_in_pty(evidence: Path, term: str) -> str:
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env.update({"TERM": term, "PRECHECK_LANG": "ja"})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "precheck", "replay", str(evidence), *ONLY],
        env=env,
        encoding="utf-8",
        dimensions=(24, 40),
        timeout=120,
    )
    text: str = child.read()
    child.close()
    assert child.exitstatus == 1, text
    return text


def test_a_40_column_terminal_gets_40_column_lines(evidence: Path) -> None:
    text = spawn_in_pty(evidence, "xterm-256color")
    assert ANSI.search(text), "a real terminal gets colour"
    lines = re.split(r"[\r\n]+", ANSI.sub("", text))  # the progress line is redrawn after \r
    assert max(display_width(line) for line in lines) <= 40, text


def test_term_dumb_gets_no_control_sequences(evidence: Path) -> None:
    text = spawn_in_pty(evidence, "dumb")
    assert "\x1b" not in text, repr(text[:400])
    assert "\r" not in text.replace("\r\n", "\n")  # no progress line redrawn in place
    assert "OS のサポート期間と更新" in text
