"""The one JSON schema of a booking submission (`POST /api/v1/bookings`), built and parsed here.

The client builds it (`build_payload`), the outbox stores it unchanged until the office has it,
and the office service parses it (`parse_payload`) with the same field rules as the client's
form, so the two can never disagree about what a valid booking is. docs/intake.md is the
human-readable description; keep both in step.

The signed report travels embedded as a JSON object; checking its signature, freshness and
job seeker number is the report verifier's job, not this module's.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from precheck import __version__
from precheck.booking import rules
from precheck.booking.form import Booking, FieldError, validate_fields
from precheck.messages import ui_text

SCHEMA = "precheck-booking/1"
"""Bumped only for an incompatible change; the office refuses schemas it does not know."""

_UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class Submission:
    """A parsed, validated submission: the booking and everything that travels with it."""

    booking: Booking
    report: dict[str, Any]
    consent_at: datetime
    terms_url: str
    idempotency_key: str
    office: str
    client: dict[str, str]
    created_at: datetime


def new_idempotency_key() -> str:
    """A fresh key per booking: a retry or a resend carries the same key, so it books once."""
    return str(uuid.uuid4())


def build_payload(
    booking: Booking,
    *,
    report: dict[str, Any],
    consent_at: datetime,
    profile: dict[str, Any],
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The submission document; times are ISO 8601 in the office's zone (`+09:00`)."""
    if consent_at.tzinfo is None:
        raise ValueError("consent_at must carry a time zone")
    zone = rules.office_zone(profile)
    return {
        "schema": SCHEMA,
        "idempotency_key": idempotency_key or new_idempotency_key(),
        "created_at": rules.office_now(profile, now).isoformat(timespec="seconds"),
        "client": {"tool": "precheck", "version": __version__},
        "office": str(profile["id"]),
        "consent": {
            "agreed_at": consent_at.astimezone(zone).isoformat(timespec="seconds"),
            "terms_url": str(profile.get("contact", {}).get("terms_url", "")),
        },
        "applicant": {
            "name": booking.name,
            "job_seeker_number": booking.job_seeker_number,
            "email": booking.email,
            "phone": booking.phone,
        },
        "slots": [rules.format_slot(slot, profile) for slot in booking.slots],
        "topic": booking.topic,
        "interpreter": booking.interpreter,
        "private_room": booking.private_room,
        "report": report,
    }


def _problem(name: str, code: str, **params: Any) -> FieldError:
    return FieldError(name, code, ui_text(f"booking.payload.{code}", field=name, **params))


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, str) or not _OFFSET.search(value):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def parse_payload(
    obj: Any, profile: dict[str, Any] | None = None
) -> tuple[Submission | None, list[FieldError]]:
    """Validate a received submission; every problem at once, per field, never an exception.

    `profile` (default: the built-in office profile) gives the time zone of the slots. Timing
    rules (past, deadlines) depend on when the office received it: apply
    `rules.check_choices(submission.booking.slots, profile, received_at)` separately.
    """
    if profile is None:
        from precheck.profile import load_profile

        profile = load_profile()
    if not isinstance(obj, dict):
        return None, [_problem("payload", "not-object")]
    errors: list[FieldError] = []
    if obj.get("schema") != SCHEMA:
        errors.append(_problem("schema", "schema", expected=SCHEMA))
        return None, errors

    key = obj.get("idempotency_key")
    if not isinstance(key, str) or not _UUID4.match(key):
        errors.append(_problem("idempotency_key", "uuid"))
    created_at = _aware(obj.get("created_at"))
    if created_at is None:
        errors.append(_problem("created_at", "time"))
    client = obj.get("client")
    if not isinstance(client, dict) or not all(
        isinstance(client.get(k), str) and client.get(k) for k in ("tool", "version")
    ):
        errors.append(_problem("client", "client"))
    office = obj.get("office")
    if not isinstance(office, str) or not office:
        errors.append(_problem("office", "text"))
    consent = obj.get("consent")
    consent_at = _aware(consent.get("agreed_at")) if isinstance(consent, dict) else None
    terms_url = consent.get("terms_url") if isinstance(consent, dict) else None
    if consent_at is None or not isinstance(terms_url, str):
        errors.append(_problem("consent", "consent"))
    report = obj.get("report")
    if not isinstance(report, dict) or not report:
        errors.append(_problem("report", "report"))

    applicant = obj.get("applicant")
    if not isinstance(applicant, dict):
        errors.append(_problem("applicant", "not-object"))
        applicant = {}
    slots = obj.get("slots")
    if not isinstance(slots, list) or not all(_aware(s) is not None for s in slots):
        errors.append(_problem("slots", "slots"))
        slots = []
    private_room = obj.get("private_room")
    if not isinstance(private_room, bool):
        errors.append(_problem("private_room", "boolean"))
    fields = {
        "name": applicant.get("name"),
        "job_seeker_number": applicant.get("job_seeker_number"),
        "email": applicant.get("email"),
        "phone": applicant.get("phone"),
        "slots": slots,
        "topic": obj.get("topic"),
        "interpreter": obj.get("interpreter") or "",
        "private_room": private_room is True,
    }
    for name, value in fields.items():
        if name != "slots" and value is not None and not isinstance(value, (str, bool)):
            errors.append(_problem(name, "text"))
            fields[name] = ""
    booking, field_errors = validate_fields(fields, profile)
    errors.extend(field_errors)
    if booking is None or any(e.severity is rules.Severity.REFUSED for e in errors):
        return None, errors
    assert isinstance(key, str) and isinstance(report, dict) and isinstance(client, dict)
    assert consent_at is not None and created_at is not None and isinstance(terms_url, str)
    assert isinstance(office, str)
    return (
        Submission(
            booking=booking,
            report=report,
            consent_at=consent_at,
            terms_url=terms_url,
            idempotency_key=key,
            office=office,
            client={"tool": str(client["tool"]), "version": str(client["version"])},
            created_at=created_at,
        ),
        errors,
    )
