"""The day view verifies each booking's report once and then reuses the verdict until the
report, the office's catalogue or the report's time window changes (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from precheck.office.dashboard import site as site_module
from precheck.office.dashboard.accounts import add_user
from precheck.report.format import parse_time
from tests.dashboard_kit import PASSWORD, Office, booking_payload
from tests.office_fixtures import Service


@pytest.fixture
def office(service: Service) -> Office:
    add_user(service.context.database, "sato", PASSWORD)
    return Office(base=service.url, verify=str(service.ca.ca_cert), app=service.app)


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts calls of the report verifier the dashboard uses."""
    import precheck.report.verify

    calls: list[int] = []
    real = precheck.report.verify.verify_report

    def counting(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(precheck.report.verify, "verify_report", counting)
    return calls


def _book(office: Office, count: int) -> None:
    for n in range(count):
        answer = office.book(booking_payload(number=f"{50000 + n:05d}-1"))
        assert answer.status_code == 201, answer.text


def test_day_view_verifies_each_report_once(
    office: Office, verified: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _book(office, 3)
    session = office.signed_in()
    verified.clear()
    first = office.get(session, "/")
    assert first.status_code == 200 and len(verified) == 3
    verified.clear()
    again = office.get(session, "/")
    assert again.status_code == 200 and verified == [], "the second view re-verified"
    assert _rows(again.text) == _rows(first.text)
    csv = office.get(session, "/export.csv")
    assert csv.status_code == 200 and verified == []
    # a new catalogue (or precheck version): every report is verified again, once
    monkeypatch.setattr(site_module, "_catalogue_digest", lambda: "f" * 64)
    office.get(session, "/")
    assert len(verified) == 3
    verified.clear()
    office.get(session, "/")
    assert verified == []


def test_cache_ends_when_the_report_expires(office: Office, verified: list[int]) -> None:
    _book(office, 1)
    session = office.signed_in()
    office.get(session, "/")
    with office.database.read() as db:
        from sqlalchemy import select

        from precheck.office.dashboard.models import VerificationCache

        (entry,) = db.scalars(select(VerificationCache))
        expires = parse_time(entry.summary["expires_at"])
    assert entry.recheck_after == expires and entry.summary["state"] == "valid"
    assert expires is not None
    context = office.app.state.office
    context.clock = lambda: expires + timedelta(seconds=1)
    context.monotonic = lambda: 0.0
    session = office.signed_in()
    verified.clear()
    page = office.get(session, "/bookings/1")
    assert page.status_code == 200 and len(verified) == 1
    with office.database.read() as db:
        (entry,) = db.scalars(select(VerificationCache))
    assert entry.summary["state"] == "expired" and entry.recheck_after is None


def _rows(html: str) -> str:
    return html[html.find("<table") : html.rfind("</table>")]


def test_day_view_pages_past_page_rows(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    from precheck.office.dashboard import views

    monkeypatch.setattr(views, "PAGE_ROWS", 2)
    _book(office, 3)
    session = office.signed_in()

    def listed(path: str) -> int:
        page = office.get(session, path)
        assert page.status_code == 200
        return page.text.count('<th scope="row"')

    first = office.get(session, "/")
    assert "全 3 件中 1〜2 件目" in first.text and 'href="/?page=2"' in first.text
    assert listed("/") == 2 and listed("/?page=2") == 1
    assert listed("/?page=999") == 1 and listed("/?page=abc") == 2


def test_migration_0003_up_and_down(office: Office) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from precheck.office.db import MIGRATIONS

    database = office.database
    assert "verification_cache" in inspect(database.engine).get_table_names()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002_dashboard")
    tables = set(inspect(database.engine).get_table_names())
    assert "verification_cache" not in tables and "counselor" in tables
    database.migrate()
    assert "verification_cache" in inspect(database.engine).get_table_names()
