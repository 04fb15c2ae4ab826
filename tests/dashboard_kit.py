"""What the dashboard tests share: a real signed report, a booking posted through the real
intake API, and a counselor signed in over real HTTP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

PASSWORD = "correct horse battery staple"
NUMBER = "16050-12345678"


def signed_report(number: str | None = NUMBER, now: datetime | None = None) -> dict[str, Any]:
    """A report signed by this test's device key, from real checks of this machine."""
    from precheck.catalogue import load_catalogue
    from precheck.host import LiveHost
    from precheck.profile import load_profile
    from precheck.report import make_report
    from precheck.runner import run_checks

    catalogue = load_catalogue()
    profile = load_profile()
    run = run_checks(LiveHost(), catalogue, profile=profile, only=["os-support", "load"])
    return make_report(run, catalogue, profile, job_seeker_number=number, now=now)


def booking_payload(
    report: dict[str, Any],
    *,
    name: str = "山田 太郎",
    number: str = NUMBER,
    interpreter: str = "",
    choices: int = 2,
) -> dict[str, Any]:
    """The intake JSON the booking client would send, built by the booking code itself."""
    from precheck.booking.form import Booking
    from precheck.booking.payload import build_payload
    from precheck.booking.rules import next_bookable
    from precheck.profile import load_profile

    profile = load_profile()
    now = datetime.now(UTC)
    slots = tuple(next_bookable(profile, now, count=choices))
    booking = Booking(
        name=name,
        job_seeker_number=number,
        email="taro@example.jp",
        phone="090-1234-5678",
        slots=slots,
        topic="事務職への応募について",
        interpreter=interpreter,
    )
    return build_payload(booking, report=report, consent_at=now, profile=profile)


def post_booking(base: str, payload: dict[str, Any], verify: str | bool) -> requests.Response:
    return requests.post(
        f"{base}/api/v1/bookings",
        json=payload,
        headers={"Idempotency-Key": payload["idempotency_key"]},
        verify=verify,
        timeout=30,
    )


_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]*)"')


def csrf_of(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "the page has no CSRF token"
    return match[1]


@dataclass
class Office:
    """A running office service and the way to reach it."""

    base: str
    verify: str | bool
    app: Any

    @property
    def database(self) -> Any:
        return self.app.state.office.database

    def client(self) -> requests.Session:
        """A cookie jar that trusts the test CA (and, unlike `Session.verify` alone, is not
        overridden by REQUESTS_CA_BUNDLE in the environment)."""
        session = requests.Session()
        session.verify = self.verify
        session.trust_env = False
        return session

    def signed_in(self, name: str = "sato", password: str = PASSWORD) -> requests.Session:
        session = self.client()
        answer = login(session, self.base, name, password)
        assert answer.status_code == 303, answer.text
        return session

    def get(self, session: requests.Session, path: str, **kw: Any) -> requests.Response:
        return session.get(f"{self.base}{path}", allow_redirects=False, timeout=30, **kw)

    def post(self, session: requests.Session, path: str, **kw: Any) -> requests.Response:
        return session.post(f"{self.base}{path}", allow_redirects=False, timeout=30, **kw)


def login(session: requests.Session, base: str, name: str, password: str) -> requests.Response:
    page = session.get(f"{base}/login", timeout=30)
    return session.post(
        f"{base}/login",
        data={"name": name, "password": password, "csrf_token": csrf_of(page.text)},
        allow_redirects=False,
        timeout=30,
    )


def write_report_file(folder: Path, report: dict[str, Any], name: str) -> Path:
    from precheck.report import report_bytes

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(report_bytes(report))
    return path
