"""The office service's infrastructure, for real: uvicorn over TLS, SQLite and PostgreSQL."""

from __future__ import annotations

import os
import socket
import ssl
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the office extra is not installed")

import requests

from tests.liveserver import serve
from tests.tlsca import LocalCA


@pytest.fixture
def settings(office_database_url: str, tmp_path: Path) -> object:
    from precheck.office.settings import make_settings

    return make_settings(data_dir=tmp_path / "office", database_url=office_database_url)


@pytest.fixture
def service(settings: object, ca: LocalCA) -> Iterator[str]:
    from precheck.office.app import create_app
    from precheck.office.settings import Settings

    assert isinstance(settings, Settings)
    with serve(create_app(settings), tls=ca) as url:
        yield url


def test_healthz_over_verified_tls(service: str, ca: LocalCA, settings: object) -> None:
    from precheck.office.settings import Settings

    assert isinstance(settings, Settings)
    answer = requests.get(f"{service}/healthz", verify=str(ca.ca_cert), timeout=10)
    assert answer.status_code == 200
    expected = "sqlite" if settings.database_url.startswith("sqlite") else "postgresql"
    assert answer.json() == {"status": "ok", "database": expected}
    host, port = service.removeprefix("https://").split(":")
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        pytest.raises(ssl.SSLCertVerificationError),  # the system CAs do not know the test CA
    ):
        ssl.create_default_context().wrap_socket(raw, server_hostname=host)


def test_unknown_path_and_method_answer_json(service: str, ca: LocalCA) -> None:
    missing = requests.get(f"{service}/nothing", verify=str(ca.ca_cert), timeout=10)
    assert missing.status_code == 404
    assert missing.json()["error"] == "not-found"
    assert set(missing.json()["message"]) == {"ja", "en"}
    wrong = requests.get(f"{service}/api/v1/bookings", verify=str(ca.ca_cert), timeout=10)
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "method-not-allowed"


def test_sqlite_file_is_private(tmp_path: Path) -> None:
    from precheck.office.db import open_database
    from precheck.office.settings import sqlite_url

    folder = tmp_path / "office-private"
    database = open_database(sqlite_url(folder))
    try:
        with database.write() as session:
            from sqlalchemy import text

            session.execute(text("SELECT 1"))
        files = [p for p in folder.iterdir() if p.name.startswith("office.sqlite3")]
        assert {p.name for p in files} >= {"office.sqlite3", "office.sqlite3-wal"}
        for path in files:
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    finally:
        database.dispose()


def test_sqlite_file_made_private_again(tmp_path: Path) -> None:
    from precheck.office.db import open_database
    from precheck.office.settings import sqlite_url

    folder = tmp_path / "office-loose"
    folder.mkdir()
    loose = folder / "office.sqlite3"
    loose.touch()
    loose.chmod(0o644)
    open_database(sqlite_url(folder)).dispose()
    assert stat.S_IMODE(os.stat(loose).st_mode) == 0o600


def test_migration_creates_the_booking_table(settings: object) -> None:
    from sqlalchemy import inspect

    from precheck.office.db import open_database
    from precheck.office.settings import Settings

    assert isinstance(settings, Settings)
    database = open_database(settings.database_url)
    try:
        inspector = inspect(database.engine)
        assert "booking" in inspector.get_table_names()
        columns = {c["name"] for c in inspector.get_columns("booking")}
        assert {"reference", "idempotency_key", "job_seeker_number", "report_json"} <= columns
        database.migrate()  # a second run changes nothing and does not fail
    finally:
        database.dispose()
