"""POST /api/v1/bookings against the real service (uvicorn, TLS from a test CA), on SQLite and
PostgreSQL: stored exactly once, verified, and every kind of bad input answered with a 4xx."""

from __future__ import annotations

import copy
import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the office extra is not installed")

from tests import intake_data
from tests.office_fixtures import Service


def _error_shape(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = answer.json()
    assert body["error"] == code
    assert body["message"]["ja"] and body["message"]["en"]
    assert "Traceback" not in answer.text
    return body


def test_a_booking_is_stored_once_with_its_report_verified(service: Service) -> None:
    payload = intake_data.payload()
    answer = service.post(payload, headers={"Idempotency-Key": payload["idempotency_key"]})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["report"] == {"state": "valid", "valid": True, "reasons": []}
    assert len(body["reference"]) == 9 and body["reference"][4] == "-"
    assert body["reference"] in body["message"]["ja"] and body["reference"] in body["message"]["en"]
    [row] = service.rows()
    assert row.reference == body["reference"]
    assert row.idempotency_key == payload["idempotency_key"]
    assert (row.name, row.job_seeker_number, row.email, row.phone, row.topic) == (
        intake_data.NAME,
        intake_data.NUMBER,
        intake_data.EMAIL,
        intake_data.PHONE,
        intake_data.TOPIC,
    )
    assert row.private_room is True and row.interpreter == ""
    assert row.slots == payload["slots"]
    assert row.session_at == datetime.fromisoformat(payload["slots"][0])
    assert row.session_end == datetime.fromisoformat(payload["slots"][-1]) + timedelta(minutes=30)
    assert row.consent_at == datetime.fromisoformat(payload["consent"]["agreed_at"])
    assert json.loads(row.report_json) == payload["report"]
    assert (row.verification_state, row.verification_valid) == ("valid", True)
    assert row.report_overall == payload["report"]["overall"]
    assert row.key_fingerprint and row.verified_at.tzinfo is not None
    assert row.purged_at is None


def test_a_repeat_gets_the_same_answer_and_stores_nothing(service: Service) -> None:
    payload = intake_data.payload()
    first = service.post(payload)
    again = service.post(payload)
    respaced = service.post(data=json.dumps(payload, indent=3, sort_keys=True).encode())
    assert first.status_code == again.status_code == respaced.status_code == 201
    assert first.content == again.content == respaced.content
    assert len(service.rows()) == 1


def test_concurrent_retries_book_exactly_once(service: Service) -> None:
    payload = intake_data.payload()
    answers: list[Any] = []
    start = threading.Barrier(16)

    def post() -> None:
        start.wait()
        answers.append(service.post(payload))

    threads = [threading.Thread(target=post) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 16
    assert len(service.rows()) == 1
    assert len({a.json()["reference"] for a in answers}) == 1


def test_same_key_with_another_body_is_a_conflict(service: Service) -> None:
    payload = intake_data.payload()
    assert service.post(payload).status_code == 201
    changed = copy.deepcopy(payload)
    changed["topic"] = "別の相談内容です。"
    _error_shape(service.post(changed), 409, "idempotency-conflict")
    assert [r.topic for r in service.rows()] == [intake_data.TOPIC]


def test_header_key_must_match_the_body(service: Service) -> None:
    payload = intake_data.payload()
    answer = service.post(payload, headers={"Idempotency-Key": "something-else"})
    assert "idempotency_key" in _error_shape(answer, 422, "invalid-booking")["fields"]
    assert service.rows() == []


def test_refused_fields_get_reasons_per_field_in_both_languages(service: Service) -> None:
    payload = intake_data.payload()
    payload["applicant"]["name"] = ""
    payload["applicant"]["email"] = "not an address"
    payload["applicant"]["job_seeker_number"] = "12"
    payload["private_room"] = False
    body = _error_shape(service.post(payload), 422, "invalid-booking")
    assert set(body["fields"]) >= {"name", "email", "job_seeker_number", "private_room"}
    for text in body["fields"].values():
        assert text["ja"] and text["en"] and text["ja"] != text["en"]
    assert service.rows() == []


def test_the_article_6_rules_apply_at_receipt(service: Service) -> None:
    payload = intake_data.payload()
    later = datetime.fromisoformat(payload["slots"][0]) + timedelta(days=1)
    service.context.clock = lambda: later  # the slots are now in the past
    body = _error_shape(service.post(payload), 422, "invalid-booking")
    assert "slots" in body["fields"]
    assert service.rows() == []


def test_a_repeat_after_the_deadline_still_gets_its_booking(service: Service) -> None:
    payload = intake_data.payload()
    first = service.post(payload)
    assert first.status_code == 201
    later = datetime.fromisoformat(payload["slots"][0]) + timedelta(days=1)
    service.context.clock = lambda: later
    again = service.post(payload)
    assert (again.status_code, again.content) == (201, first.content)
    assert len(service.rows()) == 1


def test_a_booking_for_another_office_is_refused(service: Service) -> None:
    payload = intake_data.payload()
    payload["office"] = "hellowork-elsewhere"
    assert "office" in _error_shape(service.post(payload), 422, "invalid-booking")["fields"]


@pytest.mark.parametrize(
    "data",
    [
        b"{",
        b'{"schema": "precheck-booking/1",}',
        b"\xff\xfe not utf-8",
        b"",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": 1, "a": 2}',
        b"1" * 5000,
    ],
    ids=["truncated", "trailing-comma", "not-utf8", "empty", "deep", "duplicate-key", "huge-int"],
)
def test_malformed_json_is_400(service: Service, data: bytes) -> None:
    _error_shape(service.post(data=data), 400, "malformed-json")
    assert service.rows() == []


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda p: p["applicant"].update(name=123), "name"),
        (lambda p: p["applicant"].update(email=["a@b.jp"]), "email"),
        (lambda p: p.update(slots="2026-12-03T10:00:00+09:00"), "slots"),
        (lambda p: p.update(slots=[{"at": 1}]), "slots"),
        (lambda p: p.update(private_room="yes"), "private_room"),
        (lambda p: p.update(applicant="山田"), "applicant"),
        (lambda p: p.update(report="signed"), "report"),
        (lambda p: p.update(schema="precheck-booking/9"), "schema"),
        (lambda p: p.update(idempotency_key=42), "idempotency_key"),
        (lambda p: p.update(consent=None), "consent"),
    ],
)
def test_wrong_types_are_422_naming_the_field(service: Service, edit: Any, field: str) -> None:
    payload = intake_data.payload()
    edit(payload)
    assert field in _error_shape(service.post(payload), 422, "invalid-booking")["fields"]
    assert service.rows() == []


@pytest.mark.parametrize("data", [b"[]", b'"booking"', b"null", b"3"])
def test_not_an_object_is_422(service: Service, data: bytes) -> None:
    assert "payload" in _error_shape(service.post(data=data), 422, "invalid-booking")["fields"]


def test_only_json_is_accepted(service: Service) -> None:
    payload = intake_data.payload()
    answer = service.post(payload, headers={"Content-Type": "text/plain"})
    _error_shape(answer, 415, "unsupported-media-type")


def test_oversized_bodies_are_413_before_parsing(service: Service) -> None:
    limit = service.context.settings.max_body_bytes
    big = b'{"pad": "' + b"x" * (limit + 10) + b'"}'
    declared = service.post(data=big)
    body = _error_shape(declared, 413, "body-too-large")
    assert str(limit // 1024) in body["message"]["en"]

    def chunks() -> Any:  # no Content-Length: the limit holds while reading
        for start in range(0, len(big), 64 * 1024):
            yield big[start : start + 64 * 1024]

    streamed = service.post(data=chunks())
    _error_shape(streamed, 413, "body-too-large")
    assert service.rows() == []
    assert service.post(intake_data.payload()).status_code == 201  # the service is fine


def test_a_body_just_under_the_limit_is_read(service: Service) -> None:
    limit = service.context.settings.max_body_bytes
    payload = intake_data.payload()
    size = len(json.dumps(payload, ensure_ascii=False).encode())
    payload["padding"] = "x" * (limit - size - 20)
    assert service.post(payload).status_code == 201


def _sign_again(report: dict[str, Any]) -> dict[str, Any]:
    """Re-sign an edited report with this device's key, as a forger with a key of their own
    could: the signature is then genuine but the content is still checked."""
    from precheck.report.keys import load_device_key
    from precheck.report.sign import sign

    body = {k: v for k, v in report.items() if k != "signature"}
    signed: dict[str, Any] = sign(body, load_device_key())
    return signed


def _forged(kind: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    if kind == "expired":
        return intake_data.signed_report(now=now - timedelta(days=8))
    if kind == "future":
        return intake_data.signed_report(now=now + timedelta(days=2))
    if kind == "other-number":
        return intake_data.signed_report("16050-87654321", now=now)
    report = intake_data.signed_report(now=now)
    if kind == "edited":
        report["results"][0]["status"] = "FAIL"
    elif kind == "bad-signature":
        value = report["signature"]["value"]
        report["signature"]["value"] = ("A" if value[0] != "A" else "B") + value[1:]
    elif kind == "no-signature":
        del report["signature"]
    elif kind == "not-a-report":
        report = {"format": "something-else", "hello": "<b>world</b>"}
    elif kind == "unknown-version":
        report["version"] = 999
    return report


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        ("expired", "expired"),
        ("future", "future"),
        ("other-number", "number-mismatch"),
        ("edited", "invalid"),
        ("bad-signature", "invalid"),
        ("no-signature", "invalid"),
        ("not-a-report", "unknown-format"),
        ("unknown-version", "unknown-format"),
    ],
)
def test_a_report_that_fails_is_stored_marked_and_answered_422(
    service: Service, kind: str, state: str
) -> None:
    report = _forged(kind)
    payload = intake_data.payload(report=report)
    answer = service.post(payload)
    body = _error_shape(answer, 422, "report-not-verified")
    assert body["report"]["state"] == state and body["report"]["valid"] is False
    assert body["fields"]["report"]["ja"] and body["fields"]["report"]["en"]
    assert body["reference"] in body["message"]["ja"]
    [row] = service.rows()
    assert (row.reference, row.verification_state, row.verification_valid) == (
        body["reference"],
        state,
        False,
    )
    assert json.loads(row.report_json) == report  # kept as received, for the counselor
    again = service.post(payload)
    assert (again.status_code, again.content) == (422, answer.content)
    assert len(service.rows()) == 1


def test_a_report_edited_and_signed_again_is_still_checked(service: Service) -> None:
    report = intake_data.signed_report()
    report["job_seeker_number_sha256"] = "0" * 64
    payload = intake_data.payload(report=_sign_again(report))
    body = _error_shape(service.post(payload), 422, "report-not-verified")
    assert body["report"]["state"] == "number-mismatch"


HOSTILE = [
    "Robert'); DROP TABLE booking; --",
    "<script>alert('x')</script>",
    '" OR 1=1 --',
    "<img src=x onerror=alert(1)>&amp;",
    "'; DELETE FROM booking WHERE '1'='1",
    "\\x00\\\\ %s %(name)s {name} ${name}",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("field", ["name", "topic", "interpreter", "email", "phone"])
def test_sql_and_html_in_text_fields_are_refused_or_stored_inert(
    service: Service, field: str, text: str
) -> None:
    payload = intake_data.payload()
    if field in ("topic", "interpreter"):
        payload[field] = text
    else:
        payload["applicant"][field] = text
    answer = service.post(payload)
    if answer.status_code == 201:
        [row] = service.rows()
        assert getattr(row, field) == text  # stored exactly, as data
    else:
        assert field in _error_shape(answer, 422, "invalid-booking")["fields"]
        assert service.rows() == []
    assert service.post(intake_data.payload()).status_code == 201  # the table is intact


@pytest.mark.parametrize("bad", ["a\u0000b", "\ud800"])
def test_unstorable_characters_are_422(service: Service, bad: str) -> None:
    payload = intake_data.payload()
    payload["report"]["extra"] = bad
    data = json.dumps(payload).encode()  # ASCII escapes: \\u0000, \\ud800
    body = _error_shape(service.post(data=data), 422, "invalid-booking")
    assert list(body["fields"]) == ["$.report.extra"]
    assert service.rows() == []


def test_a_client_sending_too_fast_gets_429(service: Service) -> None:
    from precheck.office.ratelimit import RateLimiter

    service.context.limiter = RateLimiter(0.5, 2)
    payload = intake_data.payload()
    assert [service.post(payload).status_code for _ in range(2)] == [201, 201]
    limited = service.post(payload)
    _error_shape(limited, 429, "rate-limited")
    assert int(limited.headers["Retry-After"]) == 2
    assert len(service.rows()) == 1


def test_an_internal_error_is_500_json_without_details(
    service: Service, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from precheck.office import api

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError(f"secret detail {intake_data.NAME}")

    monkeypatch.setattr(api, "_validated_row", broken)
    with caplog.at_level("INFO"):
        answer = service.post(intake_data.payload())
    body = _error_shape(answer, 500, "internal")
    assert "secret" not in answer.text and "RuntimeError" not in answer.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged
    assert "secret" not in logged and intake_data.NAME not in logged
    assert body["fields"] == {}


def test_the_client_outbox_against_the_service(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The booking client's own outbox: delivered once; a conflicting body under a used key is
    kept and shown, never counted as delivered."""
    from precheck.booking import outbox

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(service.ca.ca_cert))
    payload = intake_data.payload()
    _, first = outbox.deliver(payload, service.bookings_url, attempts=1)
    assert first.outcome is outbox.Outcome.SENT and first.status == 201
    _, again = outbox.deliver(payload, service.bookings_url, attempts=1)
    assert again.outcome is outbox.Outcome.SENT and again.status == 201
    changed = copy.deepcopy(payload)
    changed["topic"] = "別の内容"
    entry, conflict = outbox.deliver(changed, service.bookings_url, attempts=1)
    assert conflict.outcome is outbox.Outcome.REJECTED and conflict.status == 409
    assert "idempotency" in conflict.message.en
    assert entry.path.exists()
    assert len(service.rows()) == 1


@pytest.mark.parametrize("office_database_url", ["postgresql"], indirect=True)
def test_database_gone_is_503_and_healthz_says_so(service: Service) -> None:
    """A database server that drops away: the client is told to retry later."""
    import psycopg
    import requests
    from sqlalchemy.engine import make_url

    url = make_url(service.context.settings.database_url)

    server = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{url.database}" WITH (FORCE)')
    body = _error_shape(service.post(intake_data.payload()), 503, "unavailable")
    assert body["fields"] == {}
    health = requests.get(f"{service.url}/healthz", verify=str(service.ca.ca_cert), timeout=10)
    assert health.status_code == 503 and health.json()["status"] == "unavailable"
    with psycopg.connect(server, autocommit=True) as admin:  # for the fixture's teardown
        admin.execute(f'CREATE DATABASE "{url.database}"')
