"""Retention (Articles 7, 8): `precheck office purge` blanks personal fields after the session,
is idempotent, and is safe from cron — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_precheck

pytest.importorskip("starlette", reason="the office extra is not installed")

from tests import intake_data


def _open(url: str, folder: Path) -> Any:
    from precheck.office.app import create_app
    from precheck.office.settings import make_settings

    return create_app(make_settings(data_dir=folder, database_url=url)).state.office


def _book(context: Any, when: datetime) -> str:
    """A booking received at `when` (its slots are the next bookable after `when`)."""
    from precheck.office.api import receive

    payload = intake_data.payload(now=when)
    answer = receive(context, json.dumps(payload).encode(), now=when)
    assert answer.status == 201, answer.body
    reference: str = json.loads(answer.body)["reference"]
    return reference


def _rows(context: Any) -> dict[str, Any]:
    from sqlalchemy import select

    from precheck.office.models import Booking

    with context.database.read() as session:
        return {row.reference: row for row in session.scalars(select(Booking))}


def test_purge_blanks_personal_fields_after_retention_only(
    office_database_url: str, tmp_path: Path
) -> None:
    from precheck.office.models import PERSONAL_COLUMNS
    from precheck.office.purge import purge

    context = _open(office_database_url, tmp_path / "office")
    now = datetime.now(UTC)
    old = _book(context, now - timedelta(days=45))
    recent = _book(context, now - timedelta(days=10))
    upcoming = _book(context, now)
    assert purge(context.database, retention_days=30, now=now) == 1
    rows = _rows(context)
    for column in PERSONAL_COLUMNS:
        assert getattr(rows[old], column) is None, column
        assert getattr(rows[recent], column) is not None, column
        assert getattr(rows[upcoming], column) is not None, column
    assert rows[old].purged_at is not None
    assert rows[old].verification_state == "valid"  # the record of what was received stays
    assert rows[old].reference == old and rows[old].slots
    assert purge(context.database, retention_days=30, now=now) == 0  # idempotent
    assert purge(context.database, retention_days=0, now=now) == 1  # `recent`'s session is over
    context.database.dispose()


def test_retention_counts_from_the_latest_slot(office_database_url: str, tmp_path: Path) -> None:
    from precheck.office.purge import purge

    context = _open(office_database_url, tmp_path / "office")
    received = datetime.now(UTC) - timedelta(days=60)
    reference = _book(context, received)
    row = _rows(context)[reference]
    just_before = row.session_end + timedelta(days=30) - timedelta(minutes=1)
    assert purge(context.database, retention_days=30, now=just_before) == 0
    assert purge(context.database, retention_days=30, now=just_before + timedelta(minutes=2)) == 1
    context.database.dispose()


def test_purged_values_are_gone_from_the_sqlite_file(tmp_path: Path) -> None:
    from precheck.office.purge import purge
    from precheck.office.settings import sqlite_url

    folder = tmp_path / "office"
    context = _open(sqlite_url(folder), folder)
    _book(context, datetime.now(UTC) - timedelta(days=45))
    assert purge(context.database, retention_days=30) == 1
    context.database.dispose()
    raw = b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith("office."))
    for value in (intake_data.NAME, intake_data.EMAIL, intake_data.PHONE, intake_data.TOPIC):
        assert value.encode() not in raw, value
    assert intake_data.NUMBER.encode() not in raw


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_precheck("office", *args, env=env)


def test_purge_command_from_cron(office_database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "office"
    context = _open(office_database_url, folder)
    _book(context, datetime.now(UTC) - timedelta(days=45))
    _book(context, datetime.now(UTC))
    context.database.dispose()
    options = ["--data-dir", str(folder), "--database", office_database_url]
    first = _cli("purge", *options)
    assert (first.returncode, first.stderr) == (0, "")
    assert "1 booking(s)" in first.stdout and "30 days" in first.stdout
    again = _cli("purge", *options)
    assert again.returncode == 0 and "0 booking(s)" in again.stdout
    everything = _cli("purge", "--days", "0", *options)
    assert everything.returncode == 0 and "0 booking(s)" in everything.stdout  # not yet over


def test_purge_uses_the_profile_retention(tmp_path: Path) -> None:
    from precheck.office.settings import sqlite_url
    from precheck.resources import shipped_dir

    folder = tmp_path / "office"
    context = _open(sqlite_url(folder), folder)
    _book(context, datetime.now(UTC) - timedelta(days=45))
    context.database.dispose()
    text = (shipped_dir("checks") / "profiles" / "hellowork-tonami.toml").read_text("utf-8")
    profile = tmp_path / "office-profile.toml"
    profile.write_text(text.replace("days_after_session = 30", "days_after_session = 90"))
    kept = _cli("purge", "--data-dir", str(folder), "--profile", str(profile))
    assert kept.returncode == 0 and "0 booking(s)" in kept.stdout and "90 days" in kept.stdout
    gone = _cli("purge", "--data-dir", str(folder))
    assert gone.returncode == 0 and "1 booking(s)" in gone.stdout


def test_purge_reports_bad_input_without_a_traceback(tmp_path: Path) -> None:
    from precheck import exitcodes

    negative = _cli("purge", "--data-dir", str(tmp_path), "--days", "-1")
    assert negative.returncode == exitcodes.USAGE and "--days" in negative.stderr
    unreachable = _cli("purge", "--database", "postgresql://nobody@127.0.0.1:1/none")
    assert unreachable.returncode == exitcodes.OFFICE_DATABASE
    assert "Cannot use the database" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
    scheme = _cli("purge", "--database", "mysql://x@y/z")
    assert scheme.returncode == exitcodes.USAGE and "Traceback" not in scheme.stderr
