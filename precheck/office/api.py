"""`POST /api/v1/bookings`: receive, validate, verify and keep a booking exactly once.

The order of the work is the contract in docs/intake.md:

1. per-client rate limit (429) and body size limit while reading (413) — before any parsing;
2. JSON (400), then the booking payload and the Article 6 rules, with the booking package's
   own functions (one implementation, shared with the client): refused -> 422, nothing stored —
   unless the idempotency key is already stored: then its stored answer again (same status,
   same reference), since the client's outbox may retry after the deadline a first delivery
   met (a different body under a stored key is 409);
3. the signed report, with the report package's verifier; a report that fails is stored with
   the booking and marked, never dropped — the counselor decides — and the answer says so;
4. one INSERT … ON CONFLICT (idempotency_key) DO NOTHING: of concurrent retries exactly one
   row wins, every other request reads that row's answer (409 if its body differs).

Slow work (parsing, verifying, the database) runs in worker threads; logs name no field.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from precheck.model import Text
from precheck.office.errors import ApiError, error_body

if TYPE_CHECKING:
    from sqlalchemy.sql import Executable
    from sqlalchemy.sql.dml import Insert

    from precheck.office.app import OfficeContext

log = logging.getLogger("precheck.office")

BOOKINGS_PATH = "/api/v1/bookings"
DRAIN_FACTOR = 8
"""After the size limit is hit, read and discard up to this many times the limit more, so a
client still sending gets a clean 413 instead of a reset connection; beyond that, hang up."""
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O, U, so a reference read out on the phone is unambiguous."""
KEY_MAX = 128


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def request_digest(obj: Any) -> str:
    """What 'the same booking' means for idempotency: the canonical JSON, whatever spacing or
    key order a client's serialiser produced."""
    canonical = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def unstorable_path(obj: Any, path: str = "$") -> str | None:
    """The first string no database can keep as text (NUL, lone surrogate), or None."""
    if isinstance(obj, str):
        if "\x00" in obj:
            return path
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    if isinstance(obj, dict):
        for key, value in obj.items():
            found = unstorable_path(key, path) or unstorable_path(value, f"{path}.{key}")
            if found:
                return found
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            found = unstorable_path(value, f"{path}[{index}]")
            if found:
                return found
    return None


async def read_limited(request: Request, limit: int) -> bytes:
    """The body, or ApiError 413 as soon as it is longer than `limit` (Content-Length is
    believed only when it already says too much)."""
    declared = request.headers.get("content-length", "")
    too_big = declared.isdigit() and int(declared) > limit
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                too_big = True
            if too_big:
                if size > limit * (DRAIN_FACTOR + 1):
                    break
                continue
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError(400, "incomplete-body") from None
    if too_big:
        raise ApiError(
            413,
            "body-too-large",
            headers={"Connection": "close"},
            limit=limit,
            limit_kib=limit // 1024,
        )
    return b"".join(chunks)


async def post_booking(request: Request) -> Response:
    from sqlalchemy.exc import OperationalError
    from starlette.concurrency import run_in_threadpool

    from precheck.office.app import context_of
    from precheck.office.ratelimit import retry_after_header

    context = context_of(request)
    client = request.client.host if request.client else "unknown"
    wait = context.limiter.acquire(client)
    if wait > 0:
        raise ApiError(429, "rate-limited", headers={"Retry-After": retry_after_header(wait)})
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise ApiError(415, "unsupported-media-type")
    body = await read_limited(request, context.settings.max_body_bytes)
    header_key = request.headers.get("idempotency-key")
    try:
        answer = await run_in_threadpool(receive, context, body, header_key=header_key)
    except OperationalError as exc:
        log.error("database unavailable (%s)", type(exc.orig).__name__)
        raise ApiError(503, "unavailable", headers={"Retry-After": "10"}) from None
    return Response(answer.body, status_code=answer.status, media_type="application/json")


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse `{"a": 1, "a": 2}`: parsers disagree on which wins, so the stored booking and the
    verified report could differ from what another reader sees."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def receive(
    context: OfficeContext,
    body: bytes,
    *,
    header_key: str | None = None,
    now: datetime | None = None,
) -> Answer:
    """Everything after the body is read: synchronous, for a worker thread (and for tests)."""
    try:
        obj = json.loads(body.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "malformed-json") from None
    if not isinstance(obj, dict):
        raise ApiError(422, "invalid-booking", fields={"payload": _text("field.not-object")})
    path = unstorable_path(obj)
    if path is not None:
        raise ApiError(422, "invalid-booking", fields={path: _text("field.unstorable")})
    digest = request_digest(obj)
    key = obj.get("idempotency_key")
    if header_key is not None and header_key != key:
        fields = {"idempotency_key": _text("field.key-mismatch")}
        raise ApiError(422, "invalid-booking", fields=fields)
    received_at = (now or context.clock()).astimezone(UTC)
    try:
        row = _validated_row(context, obj, received_at)
    except ApiError:
        # Refused now — but a repeat of a booking stored before the deadline passed still
        # gets its stored answer (the outbox may retry late); only then is it refused.
        if isinstance(key, str) and 0 < len(key) <= KEY_MAX:
            stored = _stored_answer(context, key, digest)
            if stored is not None:
                return stored
        raise
    row["request_digest"] = digest
    return _insert_once(context, row)


def _text(key: str, **params: Any) -> Text:
    from precheck.messages import ui_text

    return ui_text(f"office.{key}", **params)


def _stored_answer(context: OfficeContext, key: str, digest: str) -> Answer | None:
    with context.database.read() as session:
        found = session.execute(_stored_under(key)).first()
    return None if found is None else _replay(found, digest)


def _stored_under(key: str) -> Executable:
    """What the stored booking under `key` answered, and for which body."""
    from sqlalchemy import select

    from precheck.office.models import Booking

    return select(Booking.request_digest, Booking.response_status, Booking.response_json).where(
        Booking.idempotency_key == key
    )


def _replay(stored: Any, digest: str) -> Answer:
    """A retry gets the stored answer again; another body under the same key is a conflict."""
    if stored.request_digest != digest:
        raise ApiError(409, "idempotency-conflict")
    return Answer(stored.response_status, stored.response_json.encode("utf-8"))


def _fields(errors: list[Any]) -> dict[str, Text]:
    """Refused field errors, one message per field (several joined), in the form's words."""
    from precheck.booking.rules import Severity

    merged: dict[str, Text] = {}
    for error in errors:
        if error.severity is not Severity.REFUSED:
            continue
        before = merged.get(error.field)
        merged[error.field] = (
            Text(ja=f"{before.ja} {error.text.ja}", en=f"{before.en} {error.text.en}")
            if before
            else error.text
        )
    return merged


def _validated_row(context: OfficeContext, obj: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The booking row to store, or ApiError 422 with every refused field."""
    from precheck.booking.form import slot_errors
    from precheck.booking.payload import parse_payload
    from precheck.booking.rules import check_choices
    from precheck.report.verify import verify_report

    profile = context.settings.profile
    submission, errors = parse_payload(obj, profile)
    fields = _fields(errors)
    if submission is not None:
        if submission.office != profile.get("id"):
            fields["office"] = _text("field.other-office", office=str(profile.get("id")))
        fields.update(
            _fields(slot_errors(check_choices(list(submission.booking.slots), profile, now)))
        )
    if submission is None or fields:
        raise ApiError(422, "invalid-booking", fields=fields)

    booking = submission.booking
    report_json = json.dumps(submission.report, ensure_ascii=False)
    verification = verify_report(
        report_json.encode("utf-8"),
        now=now,
        job_seeker_number=booking.job_seeker_number,
        office_key=context.office_key,
    )
    slots = sorted(booking.slots)
    return {
        "idempotency_key": submission.idempotency_key,
        "received_at": now,
        "name": booking.name,
        "job_seeker_number": booking.job_seeker_number,
        "email": booking.email,
        "phone": booking.phone,
        "topic": booking.topic,
        "interpreter": booking.interpreter,
        "private_room": booking.private_room,
        "consent_at": submission.consent_at,
        "terms_url": submission.terms_url,
        "office": submission.office,
        "slots": [slot.isoformat() for slot in booking.slots],
        "session_at": booking.slots[0],
        "session_end": slots[-1] + timedelta(minutes=context.settings.session_minutes),
        "report_json": report_json,
        **verification_columns(verification, now),
    }


def verification_columns(verification: Any, now: datetime) -> dict[str, Any]:
    """The booking columns that record what verifying its report said (intake and the
    dashboard's "attach an emailed report" store it the same way)."""
    return {
        "verification_state": str(verification.state),
        "verification_valid": bool(verification.valid),
        "verification_reasons": [reason.as_dict() for reason in verification.reasons],
        "report_overall": verification.overall,
        "key_fingerprint": verification.key_fingerprint,
        "verified_at": now,
    }


def _answer_for(row: dict[str, Any], reference: str, zone: Any) -> Answer:
    received = row["received_at"].astimezone(zone).isoformat(timespec="seconds")
    report = {
        "state": row["verification_state"],
        "valid": row["verification_valid"],
        "reasons": row["verification_reasons"],
    }
    if row["verification_valid"]:
        body = {
            "reference": reference,
            "received_at": received,
            "report": report,
            "message": _text("accepted", reference=reference).as_dict(),
        }
        return Answer(201, json.dumps(body, ensure_ascii=False).encode("utf-8"))
    reasons = [Text(**reason) for reason in row["verification_reasons"]]
    detail = Text(
        ja=" ".join(r.ja for r in reasons) or row["verification_state"],
        en=" ".join(r.en for r in reasons) or row["verification_state"],
    )
    body = json.loads(error_body("report-not-verified", {"report": detail}, reference=reference))
    body.update({"reference": reference, "received_at": received, "report": report})
    return Answer(422, json.dumps(body, ensure_ascii=False).encode("utf-8"))


def _insert_once(context: OfficeContext, row: dict[str, Any], attempts: int = 5) -> Answer:
    """Store the row unless its idempotency key is already stored; the stored answer either way.

    A reference collision (about one in a trillion) is retried with a fresh reference.
    """
    from sqlalchemy.exc import IntegrityError

    from precheck.booking.rules import office_zone

    database = context.database
    for _ in range(attempts):
        reference = new_reference()
        answer = _answer_for(row, reference, office_zone(context.settings.profile))
        values = row | {
            "reference": reference,
            "response_status": answer.status,
            "response_json": answer.body.decode("utf-8"),
        }
        statement = _insert_unless_key_exists(database.dialect, values)
        try:
            with database.write() as session:
                inserted = session.execute(statement).scalar_one_or_none()
                if inserted is not None:
                    log.info(
                        "booking stored (%s, report %s)", answer.status, row["verification_state"]
                    )
                    return answer
                winner = session.execute(_stored_under(row["idempotency_key"])).one()
        except IntegrityError:
            continue
        return _replay(winner, row["request_digest"])
    raise RuntimeError("no free booking reference after several attempts")


def _insert_unless_key_exists(dialect: str, values: dict[str, Any]) -> Insert:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, in the dialect's own
    spelling: an id back means this request stored the booking (rowcount is not reliable for
    this statement across drivers; psycopg reports -1)."""
    from sqlalchemy import Table

    from precheck.office.models import Booking

    table = Booking.__table__  # Core, not the ORM entity: its RETURNING works on both drivers
    assert isinstance(table, Table)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return (
            pg_insert(table)
            .values(values)
            .on_conflict_do_nothing(index_elements=[table.c.idempotency_key])
            .returning(table.c.id)
        )
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return (
        sqlite_insert(table)
        .values(values)
        .on_conflict_do_nothing(index_elements=[table.c.idempotency_key])
        .returning(table.c.id)
    )


def routes() -> list[BaseRoute]:
    return [Route(BOOKINGS_PATH, post_booking, methods=["POST"])]
