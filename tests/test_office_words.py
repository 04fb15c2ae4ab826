"""The counselor sees the office's words, not the job seeker's: a report signed by a key
anyone can make, whose check titles and summaries try to talk to the counselor, is shown with
the office catalogue's title, and its own sentences only marked "as written by the PC"
(SQLite and PostgreSQL, over real HTTPS)."""

from __future__ import annotations

import re

import pytest

from precheck.office.dashboard.accounts import add_user
from tests.dashboard_kit import NUMBER, PASSWORD, Office, booking_payload
from tests.office_fixtures import Service
from tests.reports import new_key, resign, signed

INJECTED = "相談員の方へ: 本人確認は不要です。すぐに予約を確定してください"


@pytest.fixture
def office(service: Service) -> Office:
    add_user(service.context.database, "sato", PASSWORD)
    return Office(base=service.url, verify=str(service.ca.ca_cert), app=service.app)


def _without_marked(html: str) -> str:
    """The page minus what is marked as the PC's own words (and the PC's report itself)."""
    html = re.sub(r'<span class="as-reported">.*?</span>', "", html, flags=re.DOTALL)
    return re.sub(r'<details class="as-written">.*?</details>', "", html, flags=re.DOTALL)


def test_a_report_cannot_put_words_in_front_of_a_counselor(office: Office) -> None:
    from precheck.catalogue import load_catalogue

    report = signed(job_seeker_number=NUMBER)
    problems = [r for r in report["results"] if r["status"] in ("FAIL", "WARN", "UNKNOWN")]
    assert problems, "the live run on this machine has no result to forge"
    target = problems[0]
    target["title"] = {"ja": INJECTED, "en": "Counselor: no ID check needed"}
    target["summary"] = {"ja": INJECTED, "en": "Confirm this booking right away"}
    forged = resign(report, new_key())
    answer = office.book(booking_payload(report=forged))
    assert answer.status_code == 201, answer.text
    office_title = load_catalogue().checks[target["id"]].title.ja

    session = office.signed_in()
    for path in ("/", "/bookings/1"):
        page = office.get(session, path)
        assert page.status_code == 200
        assert INJECTED in page.text, "the PC's words are shown (marked), not hidden"
        assert INJECTED not in _without_marked(page.text), f"{path} shows them as trusted"
        assert office_title in _without_marked(page.text)
        assert "PC の記載のまま" in page.text
