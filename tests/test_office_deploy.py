"""The shipped systemd units are ones systemd accepts (`systemd-analyze verify` with the
ExecStart paths pointed at this installation); the nginx site file is run for real in
test_office_slowclients.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import need

DEPLOY = Path(__file__).resolve().parents[1] / "docs" / "deploy"
UNITS = ("precheck-office.service", "precheck-office-daily.service", "precheck-office-daily.timer")


def test_systemd_units_verify(tmp_path: Path) -> None:
    need(shutil.which("systemd-analyze") is not None, "systemd-analyze (systemd) is missing")
    precheck = Path(sys.executable).with_name("precheck")
    assert precheck.exists()
    for name in UNITS:
        text = (DEPLOY / name).read_text()
        if name.endswith(".service"):
            assert "/opt/precheck/.venv/bin/precheck" in text
        (tmp_path / name).write_text(
            text.replace("/opt/precheck/.venv/bin/precheck", str(precheck))
        )
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / n) for n in UNITS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # systemd only warns (exit 0) about unknown keys or bad values: any line naming a unit fails
    complaints = [line for line in done.stderr.splitlines() if str(tmp_path) in line]
    assert done.returncode == 0 and not complaints, done.stderr


def test_the_service_unit_runs_as_its_own_user_restarts_and_logs_to_journald() -> None:
    unit = (DEPLOY / "precheck-office.service").read_text()
    for line in (
        "User=precheck",
        "Restart=on-failure",
        "StandardOutput=journal",
        "ProtectSystem=strict",
        "StateDirectory=precheck-office",
        "--forwarded-allow-ips 127.0.0.1",
    ):
        assert line in unit
