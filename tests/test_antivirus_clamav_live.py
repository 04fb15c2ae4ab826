"""ClamAV's verdict from real database headers, read by the real precheck on this machine.

The test writes `daily.cvd` files whose 512-byte header has the published format
(`ClamAV-VDB:build time:version:signatures:functionality level:MD5:digital signature:builder:
build time in seconds` padded with spaces; Cisco-Talos/clamav-documentation Signatures.md,
pkg.go.dev/github.com/mxplusb/clamav), checks that ClamAV's own `sigtool --info` reads the same
version and build time from them, then bind-mounts the folder over the database folder
freshclam.conf names — in a private mount namespace, so the machine's own ClamAV is untouched —
and runs `precheck run --only antivirus`. This is the clean way in: the collector reads exactly
what it reads on a user's PC (freshclam.conf, then the folder), with no test-only setting.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from precheck.parse.cvd import parse_cvd_header
from precheck.probes.antivirus.linux import DEFAULT_DB_DIR
from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "checks" / "profiles" / "hellowork-tonami.toml"


def cvd_header(built: datetime, version: int) -> bytes:
    printed = built.strftime("%d %b %Y %H-%M +0000")
    fields = [
        "ClamAV-VDB", printed, str(version), "2061474", "90",
        "9ed1f2a5a2b3d4c5e6f708192a3b4c5d", "dsig", "raynman", str(int(built.timestamp())),
    ]  # fmt: skip
    return ":".join(fields).encode("ascii").ljust(512, b" ")


def write_database(folder: Path, built: datetime, version: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "daily.cvd"
    path.write_bytes(cvd_header(built, version) + b"\x1f\x8b\x08\x00" + bytes(1024))
    return path


def run_in_mount_namespace(
    database: Path, profile: Path | None = None, evidence: Path | None = None
) -> dict[str, Any]:
    need(
        os.geteuid() == 0 and bool(shutil.which("unshare")) and Path(DEFAULT_DB_DIR).is_dir(),
        "root, unshare and ClamAV's database folder (Debian clamav)",
    )
    argv = [sys.executable, "-m", "precheck", "run", "--only", "antivirus", "--json", "--no-report"]
    if profile is not None:
        argv += ["--profile", str(profile)]
    if evidence is not None:
        argv += ["--save-evidence", str(evidence)]
    script = 'mount --bind "$1" "$2" && shift 2 && exec "$@"'
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script, "sh",
         str(database.parent), DEFAULT_DB_DIR, *argv],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "PRECHECK_LANG": "en"}, check=False,
    )  # fmt: skip
    assert result.stdout, result.stderr
    (antivirus,) = json.loads(result.stdout)["results"]
    return antivirus  # type: ignore[no-any-return]


def test_sigtool_reads_the_header_the_test_writes(tmp_path: Path) -> None:
    need(bool(shutil.which("sigtool")), "ClamAV's sigtool (Debian clamav)")
    built = datetime(2026, 11, 30, 4, 58, tzinfo=UTC)
    path = write_database(tmp_path / "db", built, 27861)
    out = subprocess.run(
        ["sigtool", "--info", str(path)], capture_output=True, text=True, check=False
    ).stdout
    assert "Version: 27861" in out
    assert "Build time: 30 Nov 2026 04:58 +0000" in out
    parsed = parse_cvd_header(path.read_bytes()[:512].decode("ascii"))
    assert parsed is not None and (parsed.version, parsed.built) == (27861, built)


@pytest.fixture
def accepting_profile(tmp_path: Path) -> Path:
    text = PROFILE.read_text(encoding="utf-8")
    changed = re.sub(r'(?m)^clamav = "confirm"$', 'clamav = "accept"', text)
    assert changed != text
    path = tmp_path / "accept-clamav.toml"
    path.write_text(changed, encoding="utf-8")
    return path


def test_fresh_definitions_pass_when_the_office_accepts_clamav(
    tmp_path: Path, accepting_profile: Path
) -> None:
    now = datetime.now(UTC)
    database = write_database(tmp_path / "db", now - timedelta(hours=5), 27861)
    result = run_in_mount_namespace(database, accepting_profile)
    assert (result["status"], result["code"]) == ("PASS", "ok"), result["summary"]["en"]
    assert result["summary"]["en"].startswith("ClamAV is on")
    assert result["facts"]["clamav"]["databases"][0]["version"] == 27861


def test_fresh_definitions_go_to_the_counselor_under_the_default_profile(tmp_path: Path) -> None:
    database = write_database(tmp_path / "db", datetime.now(UTC) - timedelta(days=1), 27862)
    result = run_in_mount_namespace(database)
    assert (result["status"], result["code"]) == ("WARN", "needs-confirmation")
    assert "Hello Work Tonami" in result["summary"]["en"]


def test_old_definitions_fail(tmp_path: Path, accepting_profile: Path) -> None:
    database = write_database(tmp_path / "db", datetime.now(UTC) - timedelta(days=40), 27000)
    result = run_in_mount_namespace(database, accepting_profile)
    assert (result["status"], result["code"]) == ("FAIL", "definitions-old")
    assert "40 days" in result["summary"]["en"]


def test_a_recorded_run_replays_to_the_same_verdict_from_the_header_alone(tmp_path: Path) -> None:
    database = write_database(tmp_path / "db", datetime.now(UTC) - timedelta(days=9), 27863)
    evidence = tmp_path / "evidence.json"
    live = run_in_mount_namespace(database, evidence=evidence)
    assert (live["status"], live["code"]) == ("WARN", "definitions-aging")
    entries = json.loads(evidence.read_text(encoding="utf-8"))["entries"]
    (key,) = [k for k in entries if k.startswith("head:")]
    assert key == f"head:512:{DEFAULT_DB_DIR}/daily.cvd"
    assert len(entries[key]["ok"]) == 512  # the header only, never the database
    replayed = subprocess.run(
        [sys.executable, "-m", "precheck", "replay", str(evidence), "--only", "antivirus",
         "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
        env={**os.environ, "PRECHECK_LANG": "en"},
    )  # fmt: skip
    (again,) = json.loads(replayed.stdout)["results"]
    assert (again["code"], again["summary"]) == (live["code"], live["summary"])
