"""Every dashboard and API route with hypothesis-made path ids and query values: the answer is
a page or a refusal (2xx, 3xx, 4xx), never a 5xx — once on SQLite, once on PostgreSQL.

The issue this guards: `GET /bookings/99999999999999999999999` and
`GET /export.csv?day=9999-12-31` answered 500 (OverflowError in the database driver and in
the date arithmetic)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from precheck.office.dashboard.accounts import add_user
from tests.dashboard_kit import PASSWORD, Office, csrf_of
from tests.office_fixtures import Service

IDS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "2147483647", "2147483648", "9223372036854775808", "1" * 40]),
    st.text(max_size=30).map(lambda s: quote(s, safe="")),
)
DAYS = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "", "2026-1-1", "+12026-01-01"]),
    st.text(max_size=30),
)
ANY_VALUE = st.text(max_size=40)
GET_PAGES = ["/", "/upload", "/audit", "/login", "/export.csv"]
QUERY_NAMES = ["day", "lang", "next", "done", "refused", "bye", "expired", "page"]


@pytest.fixture
def office(service: Service) -> Office:
    add_user(service.context.database, "sato", PASSWORD)
    return Office(base=service.url, verify=str(service.ca.ca_cert), app=service.app)


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _no_5xx(answer: Any, what: str) -> None:
    assert answer.status_code < 500, f"{what} answered {answer.status_code}"


def test_known_overflows_are_refused_not_500(office: Office) -> None:
    session = office.signed_in()
    assert office.get(session, "/bookings/99999999999999999999999").status_code == 404
    assert office.get(session, "/bookings/2147483648").status_code == 404
    answer = office.get(session, "/export.csv?day=9999-12-31")
    assert answer.status_code == 400 and "日付が正しくありません" in answer.text
    assert office.get(session, "/export.csv?day=nonsense").status_code == 400
    token = csrf_of(office.get(session, "/upload").text)
    status = office.post(
        session, "/bookings/99999999999999999999999/status", data={"csrf_token": token}
    )
    assert status.status_code == 404
    attach = office.post(
        session, "/upload/attach", data={"csrf_token": token, "booking_id": "9" * 30}
    )
    assert attach.status_code == 404


def test_fuzz_every_route(office: Office) -> None:
    session = office.signed_in()
    token = csrf_of(office.get(session, "/upload").text)

    @FUZZ
    @given(
        booking=IDS,
        day=DAYS,
        page=st.sampled_from(GET_PAGES),
        query=st.dictionaries(st.sampled_from(QUERY_NAMES), ANY_VALUE, max_size=3),
        action=ANY_VALUE,
    )
    def one(booking: str, day: str, page: str, query: dict[str, str], action: str) -> None:
        _no_5xx(office.get(session, f"/bookings/{booking}"), f"/bookings/{booking}")
        _no_5xx(office.get(session, "/export.csv", params={"day": day}), f"export day={day!r}")
        _no_5xx(office.get(session, page, params=query), f"{page} {query!r}")
        form = {"csrf_token": token, "action": action, "slot": day}
        _no_5xx(office.post(session, f"/bookings/{booking}/status", data=form), "status")
        form = {"csrf_token": token, "booking_id": booking, "report": action}
        _no_5xx(office.post(session, "/upload/attach", data=form), "attach")
        _no_5xx(office.get(session, f"/api/v1/bookings/{booking}"), "api get")
        _no_5xx(
            office.post(session, "/api/v1/bookings", data=action.encode(), params=query),
            "api post",
        )

    one()


def test_https_answers_carry_hsts(office: Office) -> None:
    session = office.client()
    for path in ("/login", "/healthz", "/no-such-page"):
        answer = office.get(session, path)
        assert answer.headers.get("Strict-Transport-Security") == "max-age=63072000", path
