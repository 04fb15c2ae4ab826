"""The dashboard over real HTTP(S): real uvicorn, bookings posted through the real intake API,
SQLite and PostgreSQL. Every rule a counselor and an attacker meet is checked here; the
browser tests (test_dashboard_browser.py) then walk the same pages as a person."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from markupsafe import escape

from precheck.messages import ui_text
from precheck.office.dashboard import lockout, store, views
from precheck.office.dashboard.accounts import add_user
from precheck.report.verify import verify_report
from tests.dashboard_kit import NUMBER, PASSWORD, Office, booking_payload, csrf_of, login
from tests.intake_data import signed_report
from tests.liveserver import serve
from tests.office_fixtures import Service


@pytest.fixture
def office(service: Service) -> Office:
    """The intake service (the `service` fixture: SQLite and PostgreSQL) with a counselor."""
    add_user(service.context.database, "sato", PASSWORD)
    return Office(base=service.url, verify=str(service.ca.ca_cert), app=service.app)


def _book(office: Office, **kw: Any) -> int:
    answer = office.book(booking_payload(**kw))
    assert answer.status_code in (201, 422), answer.text
    with office.database.read() as db:
        from sqlalchemy import select

        from precheck.office.models import Booking

        found = db.scalar(select(Booking.id).where(Booking.reference == answer.json()["reference"]))
    assert found is not None
    return int(found)


def _audit(office: Office) -> list[tuple[str, str, int | None, str | None]]:
    with office.database.read() as db:
        entries = reversed(store.recent_audit(db, 500))
        return [(e.actor, e.action, e.booking_id, e.detail) for e in entries]


PROTECTED_GET = ["/", "/bookings/1", "/bookings/1/report", "/upload", "/export.csv", "/audit"]
PROTECTED_POST = ["/logout", "/bookings/1/status", "/upload", "/upload/attach"]


def test_every_page_but_login_needs_a_counselor(office: Office) -> None:
    anonymous = office.client()
    for path in PROTECTED_GET:
        answer = office.get(anonymous, path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next="), path
    for path in PROTECTED_POST:
        answer = office.post(anonymous, path, data={"csrf_token": "x"})
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login"), path
    assert office.get(anonymous, "/login").status_code == 200
    css = office.get(anonymous, "/static/dashboard.css")  # the sign-in page needs its style
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert office.get(anonymous, "/static/../web.py").status_code == 404
    assert office.get(anonymous, "/healthz").status_code == 200
    # the intake API stays open to job seekers (a bad body is refused by the API, not a login)
    api = office.post(anonymous, "/api/v1/bookings", json={})
    assert api.status_code not in (303, 401, 403)
    assert api.headers["content-type"].startswith("application/json")
    forged = office.client()
    forged.cookies.set("precheck_session", "abc.def", domain="127.0.0.1")
    assert office.get(forged, "/").status_code == 303


def test_cookies_secure_httponly_samesite_over_tls(office: Office) -> None:
    session = office.client()
    page = office.get(session, "/login")
    assert "Secure" in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
    answer = office.post(
        session,
        "/login",
        data={"name": "sato", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "precheck_session=" in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    day = office.get(session, "/")
    assert day.status_code == 200
    assert "default-src 'none'" in day.headers["content-security-policy"]
    assert day.headers["cache-control"] == "no-store"
    assert day.headers["x-frame-options"] == "DENY"


def _asgi(app: Any, method: str, path: str, client: tuple[str, int], body: bytes = b"") -> Any:
    """One request straight into the ASGI app as if from `client` over plain HTTP: how a
    request from another PC reaches a service started without TLS (no network needed)."""
    import asyncio

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"office.example"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": client,
        "server": ("office.example", 80),
        "state": {},
    }
    sent: list[dict[str, Any]] = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    text = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, text.decode("utf-8")


def test_plain_http_only_from_this_machine(tmp_path: Path) -> None:
    from precheck.office.app import create_app
    from precheck.office.settings import make_settings

    app = create_app(make_settings(data_dir=tmp_path / "office"))
    add_user(app.state.office.database, "sato", PASSWORD)
    with serve(app) as base:  # plain HTTP on loopback: works, cookie without Secure
        session = requests.Session()
        answer = login(session, base, "sato", PASSWORD)
        assert answer.status_code == 303
        assert "Secure" not in answer.headers["set-cookie"]
    remote = ("192.0.2.10", 40000)
    status, _, page = _asgi(app, "GET", "/login", remote)
    assert status == 200 and "https://" in page and 'name="password"' not in page
    body = f"name=sato&password={PASSWORD.replace(' ', '+')}".encode()
    status, headers, _ = _asgi(app, "POST", "/login", remote, body)
    assert status != 303 and "precheck_session" not in headers.get("set-cookie", "")


def test_wrong_password_then_lockout_with_back_off(office: Office) -> None:
    session = office.client()
    for attempt in range(lockout.FREE_FAILURES):
        answer = login(session, office.base, "sato", f"wrong password {attempt}")
        expected = 401 if attempt < lockout.FREE_FAILURES - 1 else 429
        assert answer.status_code == expected, attempt
    assert "名前またはパスワードが違います" not in answer.text
    assert "ログインできません" in answer.text
    right = login(session, office.base, "sato", PASSWORD)
    assert right.status_code == 429, "a locked name stays locked even with the right password"
    unknown = [login(session, office.base, "nobody", "x" * 12).status_code for _ in range(5)]
    assert unknown == [401, 401, 401, 401, 429], "unknown names lock the same way"
    actions = [a for _, a, _, _ in _audit(office)]
    assert actions.count("login-failed") == 10 and actions.count("login-locked") == 1
    typed = login(session, office.base, "hunter2 typed in the name field", PASSWORD)
    assert typed.status_code == 401
    assert {actor for actor, _, _, _ in _audit(office)} == {"(admin)", "sato", "(unknown)"}
    with office.database.read() as db:
        from sqlalchemy import select

        from precheck.office.dashboard.models import LoginFailure

        keys = list(db.scalars(select(LoginFailure.name)))
    assert len(keys) == 3 and all(len(k) == 64 and "hunter2" not in k for k in keys)


def test_lockout_state_in_the_database(office: Office) -> None:
    t0 = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
    with office.database.write() as db:
        for n in range(7):
            store.record_failure(db, "Sato", t0 + timedelta(seconds=n))
    with office.database.read() as db:
        last = t0 + timedelta(seconds=6)
        assert store.failure_state(db, "sato") == (7, last)
        assert store.locked_until(db, "sato", last) == last + timedelta(minutes=2)
        assert store.locked_until(db, "sato", last + timedelta(minutes=2)) is None
    with office.database.write() as db:
        store.clear_failures(db, "SATO")
    with office.database.read() as db:
        assert store.failure_state(db, "sato") == (0, None)


def test_forms_without_csrf_token_are_refused(office: Office) -> None:
    booking_id = _book(office)
    fresh = office.client()
    office.get(fresh, "/login")
    no_token = office.post(fresh, "/login", data={"name": "sato", "password": PASSWORD})
    assert no_token.status_code == 403 and "precheck_session" not in no_token.headers.get(
        "set-cookie", ""
    )
    session = office.signed_in()
    other = office.signed_in()
    other_token = csrf_of(office.get(other, "/").text)
    for data in (
        {"action": "cancel"},
        {"action": "cancel", "csrf_token": ""},
        {"action": "cancel", "csrf_token": other_token},
    ):
        answer = office.post(session, f"/bookings/{booking_id}/status", data=data)
        assert answer.status_code == 403
        assert "画面の有効期限が切れた" in answer.text
    assert office.post(session, "/logout", data={}).status_code == 403
    page = office.get(session, f"/bookings/{booking_id}")
    assert page.status_code == 200 and "受付（未確定）" in page.text
    assert not any(a == "status" for _, a, _, _ in _audit(office))


def test_day_view_shows_bookings_failing_first_and_escapes_names(office: Office) -> None:
    evil = "<script>document.title='owned'</script>"
    booking_id = _book(office, name=evil, interpreter="手話通訳者")
    session = office.signed_in()
    page = office.get(session, "/")
    assert page.status_code == 200
    assert evil not in page.text
    assert "&lt;script&gt;document.title=&#39;owned&#39;&lt;/script&gt;" in page.text
    assert NUMBER in page.text and f'href="/bookings/{booking_id}"' in page.text
    assert "✓ 有効" in page.text
    with office.database.read() as db:
        stored = store.get_booking(db, booking_id)
        assert stored is not None and stored.report_json
        verification = verify_report(stored.report_json.encode())
    lines = [
        str(escape(views.shown_check(r, "ja").text))
        for r in views.failing_first(verification.failing)
    ]
    positions = [page.text.index(line) for line in lines]
    assert positions == sorted(positions), "the report's problems, failing checks first"
    if not lines:
        assert "すべて問題なし" in page.text
    english = office.get(session, "/?lang=en")
    assert "Bookings" in english.text and 'lang="en"' in english.text
    assert "precheck_lang=en" in english.headers["set-cookie"]
    booking = office.get(session, f"/bookings/{booking_id}")
    assert "手話通訳者" in booking.text
    # every check in the office's words: catalogue titles, not check ids; the dashboard's
    # status words, not "OK"; articles the English way on the English page
    from precheck.catalogue import load_catalogue

    japanese = office.get(session, f"/bookings/{booking_id}?lang=ja").text
    main = japanese.split('<main id="main"', 1)[1]
    assert "<h3>確認したすべての項目" in main
    results = verification.report["results"] if verification.report else []
    assert results
    for result in results:
        assert result["id"] not in main, f"raw check id {result['id']} on the Japanese page"
        assert load_catalogue().checks[result["id"]].title.ja in main
    assert "✓ OK" not in main and ">OK<" not in main
    for result in results:  # the "load" check's status depends on this machine's load
        label = ui_text(f"dashboard.check-status.{result['status']}").ja
        assert f'class="badge s-{result["status"]}">{label}</span>' in main
    assert "第5条(5)" in main  # the test report's one check, "load"
    english_page = office.get(session, f"/bookings/{booking_id}?lang=en").text
    english_main = english_page.split('<main id="main"', 1)[1]
    assert "第5条" not in english_main and "Art. 5(5)" in english_main
    assert "問題なし" not in english_main
    # one date style per language: "12月4日（金） 10:10" / "Fri 2026-12-04 10:10"
    import re

    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d|\d年|\d+/\d+ ", main)
    assert re.search(r"\d+月\d+日（.） \d\d:\d\d", main)
    assert not re.search(r"\d+月|\d年|\d+/\d+ ", english_main)
    assert re.search(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d\d-\d\d \d\d:\d\d", english_main)
    # the whole report on its own page, not in a frame that scrolls on its own
    assert "<iframe" not in booking.text
    assert f'href="/bookings/{booking_id}/report"' in booking.text
    report = office.get(session, f"/bookings/{booking_id}/report")
    assert report.status_code == 200 and "ハローワーク砺波" in report.text
    policy = report.headers["content-security-policy"]
    assert policy.split("; ")[-1] == "sandbox" and "script-src" not in policy
    assert "<script" not in report.text
    assert office.get(session, "/bookings/999999/report").status_code == 404


def test_status_changes_follow_article_6_and_are_audited(office: Office) -> None:
    booking_id = _book(office)
    session = office.signed_in()
    page = office.get(session, f"/bookings/{booking_id}")
    token = csrf_of(page.text)
    with office.database.read() as db:
        booking = store.get_booking(db, booking_id)
        assert booking is not None
        second = datetime.fromisoformat(booking.slots[1])
    early = office.post(
        session, f"/bookings/{booking_id}/status", data={"action": "no-show", "csrf_token": token}
    )
    assert early.headers["location"].endswith("refused=1"), "no-show only after 10 minutes"
    confirm = office.post(
        session,
        f"/bookings/{booking_id}/status",
        data={"action": "confirm", "slot": second.isoformat(), "csrf_token": token},
    )
    assert confirm.status_code == 303 and confirm.headers["location"].endswith("done=confirmed")
    with office.database.read() as db:
        booking = store.get_booking(db, booking_id)
        assert booking is not None and booking.session_at == second
        assert booking.session_end == second + timedelta(minutes=30)
    again = office.post(
        session,
        f"/bookings/{booking_id}/status",
        data={"action": "confirm", "slot": second.isoformat(), "csrf_token": token},
    )
    assert again.headers["location"].endswith("refused=1")
    with office.database.write() as db:  # time passes: the session began 11 minutes ago
        booking = store.get_booking(db, booking_id)
        assert booking is not None
        booking.session_at = datetime.now(UTC) - timedelta(minutes=11)
    no_show = office.post(
        session, f"/bookings/{booking_id}/status", data={"action": "no-show", "csrf_token": token}
    )
    assert no_show.headers["location"].endswith("done=no-show")
    shown = office.get(session, no_show.headers["location"])
    assert "記録しました: 連絡なく 10 分経過" in shown.text
    assert "この予約で記録できる操作はもうありません" in shown.text
    trail = [(actor, action, bid, detail) for actor, action, bid, detail in _audit(office)]
    assert ("sato", "status", booking_id, "confirmed") in trail
    assert ("sato", "status", booking_id, "no-show") in trail
    assert ("sato", "view-booking", booking_id, None) in trail
    audit_page = office.get(session, "/audit")
    assert "状態を変更" in audit_page.text and "予約を表示" in audit_page.text
    # the office's words for who and what: no "(admin)", raw status or bare booking id
    logged = audit_page.text.split("<tbody>", 1)[1]
    assert "(admin)" not in logged and "管理者（サーバーでのコマンド操作）" in logged
    assert ">confirmed<" not in logged and ">確定・日時と URL を送付済み<" in logged
    assert f">{booking_id}</a>" not in logged and f">予約 No.{booking_id}</a>" in logged


def test_cancel_by_phone(office: Office) -> None:
    booking_id = _book(office)
    session = office.signed_in()
    token = csrf_of(office.get(session, f"/bookings/{booking_id}").text)
    answer = office.post(
        session, f"/bookings/{booking_id}/status", data={"action": "cancel", "csrf_token": token}
    )
    assert answer.headers["location"].endswith("done=cancelled")
    day = office.get(session, "/")
    assert "キャンセル（電話連絡あり）" in day.text
    assert office.get(session, "/bookings/99999").status_code == 404


def test_export_csv_for_excel_without_report_internals(office: Office) -> None:
    booking_id = _book(office, name='=HYPERLINK("http://x")')
    session = office.signed_in()
    with office.database.read() as db:
        booking = store.get_booking(db, booking_id)
        assert booking is not None
        day = booking.session_at.astimezone(store_zone()).date()
        fingerprint = booking.key_fingerprint
    answer = office.get(session, f"/export.csv?day={day.isoformat()}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert f'filename="bookings-{day.isoformat()}.csv"' in answer.headers["content-disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][0] == "日付" and len(rows) == 2
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    assert rows[1][3] == NUMBER and rows[1][-2] == "有効"
    assert fingerprint and fingerprint not in answer.text
    assert "os-support" not in answer.text and "facts" not in answer.text
    assert ("sato", "export", None, day.isoformat()) in _audit(office)


def store_zone() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Tokyo")


def test_upload_verifies_like_precheck_verify_and_stores_nothing(office: Office) -> None:
    from precheck.report.store import report_bytes
    from precheck.report.verify import verify_report

    wrong_number = signed_report("99999-1")
    booking_id = _book(office, report=wrong_number)  # the job seeker attached the wrong report
    right = signed_report(NUMBER)
    tampered = json.loads(json.dumps(right))
    tampered["job_seeker_number_sha256"] = "0" * 64  # edited after signing
    session = office.signed_in()
    token = csrf_of(office.get(session, "/upload").text)
    files = [
        ("reports", ("right.json", report_bytes(right), "application/json")),
        ("reports", ("tampered.json", report_bytes(tampered), "application/json")),
        ("reports", ("notes.txt", b"not a report", "text/plain")),
    ]
    with office.database.read() as db:
        before = store.get_booking(db, booking_id)
        assert before is not None and before.verification_state == "number-mismatch"
        stored_before = before.report_json
    answer = office.post(session, "/upload", data={"csrf_token": token}, files=files)
    assert answer.status_code == 200
    text = answer.text
    assert text.index("right.json") < text.index("✓ 有効") < text.index("tampered.json")
    assert text.index("tampered.json") < text.index("改ざん・署名不正") < text.index("notes.txt")
    assert "読めない" in text.split("notes.txt", 1)[1]
    expected = verify_report(report_bytes(tampered))
    assert expected.reasons[0].ja in text, "the same reasons as precheck verify"
    with office.database.read() as db:
        after = store.get_booking(db, booking_id)
        assert after is not None and after.report_json == stored_before, "checking stores nothing"
    # each booking to attach to is a whole label (a <select> cut "山田 太郎 (16050-12")
    assert "<select" not in text
    choice = text.split('name="booking_id" value="', 1)[1].split("</label>", 1)[0]
    assert f"山田 太郎 ({NUMBER})" in choice
    encoded = text.split('name="report" value="', 1)[1].split('"', 1)[0]
    attach = office.post(
        session,
        "/upload/attach",
        data={"csrf_token": token, "booking_id": str(booking_id), "report": encoded},
    )
    assert attach.headers["location"] == f"/bookings/{booking_id}?done=attached"
    with office.database.read() as db:
        attached = store.get_booking(db, booking_id)
        assert attached is not None and attached.verification_state == "valid"
    assert ("sato", "attach-report", booking_id, None) in _audit(office)
    forged = office.post(
        session,
        "/upload/attach",
        data={
            "csrf_token": token,
            "booking_id": str(booking_id),
            "report": base64.b64encode(report_bytes(tampered)).decode(),
        },
    )
    assert forged.headers["location"].endswith("refused=1")


def test_same_device_marker(office: Office) -> None:
    first = _book(office)
    second = _book(office)
    other = _book(office, number="11111-2", report=signed_report("11111-2"))
    session = office.signed_in()
    assert "前回と同じ端末" not in office.get(session, f"/bookings/{first}").text
    assert "前回と同じ端末" in office.get(session, f"/bookings/{second}").text
    assert "前回と同じ端末" not in office.get(session, f"/bookings/{other}").text


def test_same_device_marker_in_the_day_view(office: Office) -> None:
    _book(office)
    _book(office)
    _book(office, number="11111-2", report=signed_report("11111-2"))
    day = office.get(office.signed_in(), "/").text
    assert day.count('class="same-device"') == 1  # the second booking of the same device only


def test_logout_and_removed_accounts_end_sessions(office: Office) -> None:
    from precheck.office.dashboard.accounts import remove_user

    session = office.signed_in()
    kept = dict(session.cookies)
    token = csrf_of(office.get(session, "/").text)
    assert office.post(session, "/logout", data={"csrf_token": token}).status_code == 303
    replay = office.client()
    for name, value in kept.items():
        replay.cookies.set(name, value, domain="127.0.0.1")
    assert office.get(replay, "/").status_code == 303, "the old cookie opens nothing"
    again = office.signed_in()
    remove_user(office.database, "sato")
    assert office.get(again, "/").status_code == 303
    assert login(office.client(), office.base, "sato", PASSWORD).status_code == 401


def test_migration_0002_up_and_down(office: Office) -> None:
    from sqlalchemy import inspect

    database = office.database
    tables = set(inspect(database.engine).get_table_names())
    assert {"counselor", "counselor_session", "login_failure", "audit_log", "booking_status"} <= (
        tables
    )
    from alembic import command
    from alembic.config import Config

    from precheck.office.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001_intake")
    assert "counselor" not in set(inspect(database.engine).get_table_names())
    database.migrate()
    assert "counselor" in set(inspect(database.engine).get_table_names())


def test_one_pc_cannot_guess_across_many_names(office: Office) -> None:
    from precheck.office.dashboard.web import LOGIN_BURST, LOGIN_RATE

    clock = SteppedClock()
    office.app.state.office.monotonic = clock  # the bucket refills only when the test says
    session = office.client()
    codes = [
        login(session, office.base, f"name{n}", "wrong pw").status_code
        for n in range(LOGIN_BURST + 1)
    ]
    assert codes == [401] * LOGIN_BURST + [429]
    page = login(session, office.base, "sato", PASSWORD)
    assert page.status_code == 429 and "試行が多すぎます" in page.text
    clock.now += 1 / LOGIN_RATE  # one more token
    assert login(session, office.base, "sato", PASSWORD).status_code == 303
    assert login(office.client(), office.base, "sato", PASSWORD).status_code == 429


class SteppedClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_oversized_uploads_are_refused_before_reading(office: Office) -> None:
    import http.client
    import ssl
    from urllib.parse import urlsplit

    from precheck.report.format import MAX_REPORT_BYTES

    session = office.signed_in()
    token = csrf_of(office.get(session, "/upload").text)
    big = [("reports", ("big.json", b" " * (MAX_REPORT_BYTES + 1), "application/json"))]
    answer = office.post(session, "/upload", data={"csrf_token": token}, files=big)
    assert answer.status_code == 200
    assert "ファイルが大きすぎます" in answer.text and "読めない" in answer.text
    where = urlsplit(office.base)
    context = ssl.create_default_context(cafile=office.verify)
    connection = http.client.HTTPSConnection(
        where.hostname or "", where.port, context=context, timeout=30
    )
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    connection.putrequest("POST", "/upload")
    connection.putheader("Cookie", cookie)
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(10**10))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert "一度に送れる量を超えています" in response.read().decode()
    connection.close()
    # A garbled length is refused (by the server or the page), never a 500.
    connection = http.client.HTTPSConnection(
        where.hostname or "", where.port, context=context, timeout=30
    )
    connection.putrequest("POST", "/upload")
    connection.putheader("Cookie", cookie)
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", "12x")
    connection.endheaders()
    assert connection.getresponse().status in (400, 413)
    connection.close()
