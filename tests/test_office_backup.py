"""`precheck office backup` / `restore`, run as an office would, on SQLite (VACUUM INTO) and
PostgreSQL (pg_dump / pg_restore): a backup taken while bookings arrive restores every booking
acknowledged before it into an empty database; back up, change, restore, compare gives back
exactly the rows of the backup."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from precheck import exitcodes
from precheck.office.dashboard.accounts import add_user, remove_user
from tests.conftest import run_precheck
from tests.dashboard_kit import PASSWORD, Office, booking_payload
from tests.office_fixtures import Service

TABLES = ("booking", "booking_status", "audit_log", "counselor", "login_failure")


@pytest.fixture
def office(service: Service) -> Office:
    add_user(service.context.database, "sato", PASSWORD)
    return Office(base=service.url, verify=str(service.ca.ca_cert), app=service.app)


@pytest.fixture
def empty_url(
    office_database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A second, empty database of the same kind to restore into."""
    if office_database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'office.sqlite3'}"
        return
    from tests.pgcluster import scratch_database

    server = request.getfixturevalue("postgres_url")
    with scratch_database(server, f"r_{uuid.uuid4().hex[:16]}") as url:
        yield url


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the office's tables, in primary-key order."""
    from sqlalchemy import create_engine, inspect, text

    from precheck.office.settings import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as connection:
            out = {}
            for table in TABLES:
                keys = inspect(engine).get_pk_constraint(table)["constrained_columns"]
                query = f"SELECT * FROM {table} ORDER BY {', '.join(keys)}"
                out[table] = [tuple(row) for row in connection.execute(text(query))]
            return out
    finally:
        engine.dispose()


def office_cli(*args: str, database: str) -> Any:
    return run_precheck("office", *args, "--database", database, lang="en", timeout=300)


def _references(office: Office, count: int, prefix: int) -> list[str]:
    out = []
    for n in range(count):
        answer = office.book(booking_payload(number=f"{prefix + n:05d}-1"))
        assert answer.status_code == 201, answer.text
        out.append(answer.json()["reference"])
    return out


def test_backup_while_bookings_arrive_restores_every_acknowledged_one(
    office: Office, empty_url: str, tmp_path: Path
) -> None:
    source = office.app.state.office.settings.database_url
    before = _references(office, 5, 10000)
    stop = threading.Event()
    during: list[str] = []

    def keep_booking() -> None:
        n = 20000
        while not stop.is_set():
            answer = office.book(booking_payload(number=f"{n:05d}-1"))
            if answer.status_code == 201:
                during.append(answer.json()["reference"])
            n += 1

    writer = threading.Thread(target=keep_booking, daemon=True)
    writer.start()
    try:
        while len(during) < 3:  # the writer is really writing
            stop.wait(0.05)
        acknowledged = before + list(during)
        done = office_cli("backup", str(tmp_path / "backups"), database=source)
        assert done.returncode == 0, done.stderr
    finally:
        stop.set()
        writer.join(120)
    files = list((tmp_path / "backups").iterdir())
    assert len(files) == 1 and files[0].stat().st_mode & 0o077 == 0
    assert str(files[0]) in done.stdout
    restored = office_cli("restore", str(files[0]), database=empty_url)
    assert restored.returncode == 0, restored.stderr
    back = snapshot(empty_url)
    live = snapshot(source)
    references = {row[1] for row in back["booking"]}
    assert set(acknowledged) <= references, "an acknowledged booking is missing"
    live_bookings = {row[0]: row for row in live["booking"]}
    assert all(live_bookings[row[0]] == row for row in back["booking"]), "a row differs"
    assert back["audit_log"] == live["audit_log"][: len(back["audit_log"])]
    assert back["counselor"] == live["counselor"]


def test_back_up_change_restore_compare(office: Office, tmp_path: Path) -> None:
    source = office.app.state.office.settings.database_url
    _references(office, 4, 30000)
    session = office.signed_in()
    assert office.get(session, "/").status_code == 200  # an audit entry
    done = office_cli("backup", str(tmp_path / "b"), database=source)
    assert done.returncode == 0, done.stderr
    (backup_file,) = (tmp_path / "b").iterdir()
    saved = snapshot(source)
    _references(office, 2, 40000)
    remove_user(office.database, "sato")
    assert snapshot(source) != saved
    office.database.dispose()  # as the service would be stopped for a restore
    refused = office_cli("restore", str(backup_file), database=source)
    assert refused.returncode == exitcodes.OFFICE_BACKUP
    assert "--replace" in refused.stderr and "Traceback" not in refused.stderr
    again = office_cli("restore", str(backup_file), "--replace", database=source)
    assert again.returncode == 0, again.stderr
    assert snapshot(source) == saved


def test_unusable_backups_and_targets_are_refused(tmp_path: Path, office_database_url: str) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a backup at all")
    done = office_cli("restore", str(junk), database=office_database_url)
    assert done.returncode == exitcodes.OFFICE_BACKUP
    assert "not a backup made by precheck office backup" in done.stderr
    missing = office_cli("restore", str(tmp_path / "nope"), database=office_database_url)
    assert missing.returncode == exitcodes.OFFICE_BACKUP and "Traceback" not in missing.stderr
    if office_database_url.startswith("sqlite"):
        nothing = office_cli("backup", str(tmp_path / "b"), database=office_database_url)
        assert nothing.returncode == exitcodes.OFFICE_BACKUP  # no database file yet
        assert not list((tmp_path / "b").glob("*.sqlite3"))
