"""`precheck office serve` as the one-line start an office uses: defaults, TLS, bad options."""

from __future__ import annotations

import os
import signal
import socket
import stat
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the office extra is not installed")

import requests

from precheck import exitcodes
from tests.conftest import run_precheck
from tests.serviceprocess import ServiceProcess
from tests.tlsca import LocalCA

STOPPED = (0, -signal.SIGTERM)
"""uvicorn shuts down gracefully on SIGTERM, then ends by that signal as daemons should."""


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    service = ServiceProcess("--port", "0", "--data-dir", str(tmp_path / "office")).start()
    assert service.stop(signal.SIGINT) == 0
    assert "Shutting down" in service.text and "Traceback" not in service.text


def test_serve_with_defaults_makes_a_private_sqlite_database(tmp_path: Path) -> None:
    service = ServiceProcess("--port", "0").start()
    try:
        assert service.url is not None and service.url.startswith("http://127.0.0.1:")
        assert "/api/v1/bookings" in service.text
        assert "precheck office add-user" in service.text
        health = requests.get(f"{service.url}/healthz", timeout=10)
        assert health.json() == {"status": "ok", "database": "sqlite"}
    finally:
        assert service.stop() in STOPPED
    database = Path(os.environ["PRECHECK_OFFICE_DIR"]) / "office.sqlite3"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert "Traceback" not in service.text


def test_serve_over_tls_on_postgresql(ca: LocalCA, postgres_url: str, tmp_path: Path) -> None:
    service = ServiceProcess(
        "--port",
        "0",
        "--data-dir",
        str(tmp_path / "office"),
        "--database",
        postgres_url,
        "--tls-cert",
        str(ca.server_cert),
        "--tls-key",
        str(ca.server_key),
    ).start()
    try:
        assert service.url is not None and service.url.startswith("https://")
        health = requests.get(f"{service.url}/healthz", verify=str(ca.ca_cert), timeout=10)
        assert health.json() == {"status": "ok", "database": "postgresql"}
        assert "postgresql+psycopg://postgres@127.0.0.1" in service.text
    finally:
        assert service.stop() in STOPPED


def test_bad_tls_files_are_a_usage_error(ca: LocalCA, tmp_path: Path) -> None:
    only_cert = run_precheck("office", "serve", "--port", "0", "--tls-cert", str(ca.server_cert))
    assert only_cert.returncode == exitcodes.USAGE and "--tls-key" in only_cert.stderr
    swapped = run_precheck(
        "office", "serve", "--port", "0",
        "--tls-cert", str(ca.server_key), "--tls-key", str(ca.server_cert),
    )  # fmt: skip
    assert swapped.returncode == exitcodes.USAGE
    assert "TLS certificate or key is unusable" in swapped.stderr
    missing = run_precheck(
        "office", "serve", "--tls-cert", str(tmp_path / "no.pem"), "--tls-key", str(ca.server_key)
    )
    assert missing.returncode == exitcodes.USAGE
    for result in (only_cert, swapped, missing):
        assert "Traceback" not in result.stderr


def test_a_port_in_use_is_reported(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_precheck("office", "serve", "--port", str(port), "--data-dir", str(tmp_path))
    assert result.returncode == exitcodes.OFFICE_LISTEN
    assert f"127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_database_is_reported(tmp_path: Path) -> None:
    result = run_precheck(
        "office", "serve", "--port", "0", "--database", "postgresql://office:secret@127.0.0.1:1/x"
    )
    assert result.returncode == exitcodes.OFFICE_DATABASE
    assert "Cannot use the database" in result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr


def test_a_bad_port_is_a_usage_error() -> None:
    result = run_precheck("office", "serve", "--port", "70000")
    assert result.returncode == exitcodes.USAGE and "70000" in result.stderr


def test_without_the_office_extra_it_says_how_to_install(tmp_path: Path) -> None:
    blocker = tmp_path / "blocked"
    blocker.mkdir()
    (blocker / "starlette.py").write_text("raise ImportError('office extra not installed')\n")
    result = run_precheck(
        "office", "purge", env={"PYTHONPATH": f"{blocker}{os.pathsep}{Path.cwd()}"}
    )
    assert result.returncode == exitcodes.OFFICE_NOT_INSTALLED
    assert "pip install 'precheck[office]'" in result.stderr


def test_version_does_not_load_the_office_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from precheck.cli import main; main(['--version']); "
        "print(sorted(m for m in ('starlette', 'sqlalchemy', 'uvicorn', 'alembic') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]")
