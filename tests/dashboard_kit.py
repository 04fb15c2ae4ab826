"""What the dashboard tests share: the office service with counselor accounts, reached as a
browser would (cookies, CSRF tokens), and bookings posted through the real intake API.

Bookings and reports come from `tests.intake_data` (a real run signed by a real device key,
built into the intake JSON by the booking package), the service from the `service` fixture
in tests/conftest.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tests import intake_data

PASSWORD = "correct horse battery staple"
NUMBER = intake_data.NUMBER


def booking_payload(
    report: dict[str, Any] | None = None,
    *,
    number: str = NUMBER,
    name: str | None = None,
    interpreter: str | None = None,
) -> dict[str, Any]:
    """`intake_data.payload` with the fields a dashboard test wants to see changed."""
    payload = intake_data.payload(report=report, number=number)
    if name is not None:
        payload["applicant"]["name"] = name
    if interpreter is not None:
        payload["interpreter"] = interpreter
    return payload


_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]*)"')


def csrf_of(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "the page has no CSRF token"
    return match[1]


@dataclass
class Office:
    """A running office service seen from a counselor's side."""

    base: str
    verify: str
    app: Any

    @property
    def database(self) -> Any:
        return self.app.state.office.database

    def book(self, payload: dict[str, Any]) -> requests.Response:
        return requests.post(
            f"{self.base}/api/v1/bookings",
            json=payload,
            headers={"Idempotency-Key": payload["idempotency_key"]},
            verify=self.verify,
            timeout=30,
        )

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
    from precheck.report.store import report_bytes

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(report_bytes(report))
    return path
