"""The dashboard's reads and writes, one function per question, over a SQLAlchemy session.

Callers own the transaction (`Database.read()` / `Database.write()`), so a status change and
its audit entry commit together or not at all.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from precheck.office.dashboard import lockout
from precheck.office.dashboard.models import (
    AuditEntry,
    BookingStatus,
    Counselor,
    CounselorSession,
    LoginFailure,
    VerificationCache,
)
from precheck.office.dashboard.tokens import new_session_id, session_key
from precheck.office.models import Booking

SESSION_IDLE = timedelta(hours=1)
"""A session unused this long ends: an office PC left unlocked stops showing bookings."""

SESSION_MAX = timedelta(hours=12)
"""A session ends this long after sign-in whatever happens: one working day."""

_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

MAX_ID = 2**31 - 1
"""The largest id a booking can have (PostgreSQL `integer`); a bigger number in a URL is no
booking, and asking the database for it would overflow its integer type (a 500)."""


def valid_name(name: str) -> bool:
    """Account names are short ASCII words: they appear in the audit log and in commands."""
    return bool(_NAME.match(name))


def find_counselor(db: Session, name: str) -> Counselor | None:
    return db.scalar(select(Counselor).where(Counselor.name == name))


def add_counselor(db: Session, name: str, password_hash: str, now: datetime) -> Counselor:
    counselor = Counselor(name=name, password_hash=password_hash, created_at=now)
    db.add(counselor)
    db.flush()
    return counselor


def remove_counselor(db: Session, name: str) -> bool:
    """Delete the account and every session it has open; False when there is no such name."""
    counselor = find_counselor(db, name)
    if counselor is None:
        return False
    db.execute(delete(CounselorSession).where(CounselorSession.counselor_id == counselor.id))
    db.delete(counselor)
    return True


def _failure_key(name: str, device: str | None = None) -> str:
    """Failures are kept under a hash of the name as typed (case-folded): the table never holds
    text someone typed, which may be a password entered in the wrong field. A trusted
    browser's own counter shares the account's first 32 hex digits, so `unlock` finds it."""
    account = hashlib.sha256(name.casefold().encode("utf-8")).hexdigest()
    if device is None:
        return account
    return account[:32] + hashlib.sha256(device.encode("utf-8")).hexdigest()[:32]


def name_tag(name: str) -> str:
    """What a device cookie says about an account: not the name, a short hash of it."""
    return hashlib.sha256(("tag\0" + name.casefold()).encode("utf-8")).hexdigest()[:16]


def failure_state(db: Session, name: str, device: str | None = None) -> tuple[int, datetime | None]:
    row = db.get(LoginFailure, _failure_key(name, device))
    return (row.failures, row.last_failure_at) if row else (0, None)


def record_failure(db: Session, name: str, now: datetime, device: str | None = None) -> int:
    """Count one more consecutive failure for `name` (from a trusted `device`); the new count."""
    key = _failure_key(name, device)
    row = db.get(LoginFailure, key)
    if row is None:
        row = LoginFailure(name=key, failures=0, last_failure_at=now)
        db.add(row)
    row.failures += 1
    row.last_failure_at = now
    return row.failures


def clear_failures(db: Session, name: str, device: str | None = None) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.name == _failure_key(name, device)))


def clear_all_failures(db: Session, name: str) -> int:
    """Forget every counter of `name` (account-wide and per browser); how many there were."""
    prefix = _failure_key(name)[:32]
    rows = list(db.scalars(select(LoginFailure).where(LoginFailure.name.startswith(prefix))))
    for row in rows:
        db.delete(row)
    return len(rows)


def locked_until(
    db: Session, name: str, now: datetime, device: str | None = None
) -> datetime | None:
    failures, last = failure_state(db, name, device)
    until = lockout.locked_until(failures, last)
    return until if until is not None and now < until else None


def close_sessions_of(db: Session, counselor: Counselor) -> None:
    """End every session of an account (its password was changed by an administrator)."""
    db.execute(delete(CounselorSession).where(CounselorSession.counselor_id == counselor.id))


def open_session(db: Session, counselor: Counselor, now: datetime) -> str:
    """A new session for `counselor`; the id to put (signed) into the cookie."""
    session_id = new_session_id()
    db.add(
        CounselorSession(
            key=session_key(session_id), counselor_id=counselor.id, created_at=now, last_seen_at=now
        )
    )
    return session_id


def session_counselor(db: Session, session_id: str, now: datetime) -> Counselor | None:
    """The counselor of a live session (and mark it used), or None when it ended or expired."""
    row = db.get(CounselorSession, session_key(session_id))
    if row is None:
        return None
    if now - row.last_seen_at > SESSION_IDLE or now - row.created_at > SESSION_MAX:
        db.delete(row)
        return None
    row.last_seen_at = now
    return db.get(Counselor, row.counselor_id)


def close_session(db: Session, session_id: str) -> None:
    db.execute(delete(CounselorSession).where(CounselorSession.key == session_key(session_id)))


def audit(
    db: Session,
    actor: str,
    action: str,
    now: datetime,
    *,
    booking_id: int | None = None,
    detail: str | None = None,
) -> None:
    db.add(AuditEntry(at=now, actor=actor, action=action, booking_id=booking_id, detail=detail))


def recent_audit(db: Session, limit: int) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))


def bookings_between(db: Session, start: datetime, end: datetime) -> list[Booking]:
    """Bookings (not purged) whose session starts in [start, end)."""
    query = (
        select(Booking)
        .where(Booking.session_at >= start, Booking.session_at < end)
        .where(Booking.purged_at.is_(None))
        .order_by(Booking.session_at, Booking.id)
    )
    return list(db.scalars(query))


def bookings_from(db: Session, start: datetime) -> list[Booking]:
    """Bookings (not purged) whose session starts at `start` or later."""
    query = (
        select(Booking)
        .where(Booking.session_at >= start, Booking.purged_at.is_(None))
        .order_by(Booking.session_at, Booking.id)
    )
    return list(db.scalars(query))


def get_booking(db: Session, booking_id: int) -> Booking | None:
    if not 1 <= booking_id <= MAX_ID:
        return None
    booking = db.get(Booking, booking_id)
    return booking if booking is not None and booking.purged_at is None else None


def earlier_fingerprints(
    db: Session, bookings: list[Booking], states: Iterable[str]
) -> dict[int, list[str]]:
    """For each booking, the device key fingerprints of its job seeker's earlier reports whose
    signature held — one query for a whole day list, not one per booking."""
    earlier: dict[int, list[str]] = {b.id: [] for b in bookings}
    numbers = {b.job_seeker_number for b in bookings if b.job_seeker_number}
    if not numbers:
        return earlier
    query = select(
        Booking.id, Booking.job_seeker_number, Booking.received_at, Booking.key_fingerprint
    ).where(
        Booking.job_seeker_number.in_(numbers),
        Booking.key_fingerprint.is_not(None),
        Booking.verification_state.in_(list(states)),
    )
    signed: dict[str, list[tuple[int, datetime, str]]] = {}
    for other_id, number, received_at, fingerprint in db.execute(query):
        if fingerprint and number:
            signed.setdefault(number, []).append((other_id, received_at, fingerprint))
    for booking in bookings:
        same_number = signed.get(booking.job_seeker_number or "", [])
        earlier[booking.id] = [
            fingerprint
            for other_id, received_at, fingerprint in same_number
            if other_id != booking.id and received_at <= booking.received_at
        ]
    return earlier


def status_history(db: Session, booking_ids: Iterable[int]) -> dict[int, list[BookingStatus]]:
    ids = list(booking_ids)
    history: dict[int, list[BookingStatus]] = {i: [] for i in ids}
    if not ids:
        return history
    query = (
        select(BookingStatus)
        .where(BookingStatus.booking_id.in_(ids))
        .order_by(BookingStatus.at, BookingStatus.id)
    )
    for row in db.scalars(query):
        history[row.booking_id].append(row)
    return history


def record_status(
    db: Session,
    booking: Booking,
    status: str,
    actor: str,
    now: datetime,
    *,
    slot: datetime | None = None,
    session_minutes: int = 30,
) -> None:
    """Add a status to the booking's history; confirming fixes the session to `slot`."""
    db.add(BookingStatus(booking_id=booking.id, status=status, at=now, actor=actor, slot=slot))
    if slot is not None:
        booking.session_at = slot
        booking.session_end = slot + timedelta(minutes=session_minutes)


def verification_cache(db: Session, booking_ids: list[int]) -> list[VerificationCache]:
    if not booking_ids:
        return []
    query = select(VerificationCache).where(VerificationCache.booking_id.in_(booking_ids))
    return list(db.scalars(query))


def save_verification(
    db: Session,
    entry: VerificationCache,
    *,
    report_digest: str,
    catalogue_digest: str,
    verified_at: datetime,
    recheck_after: datetime | None,
    summary: dict[str, Any],
) -> None:
    """Fill a booking's cached verification (a loaded row, or a new one that is added)."""
    entry.report_digest = report_digest
    entry.catalogue_digest = catalogue_digest
    entry.verified_at = verified_at
    entry.recheck_after = recheck_after
    entry.summary = summary
    if entry not in db:
        db.add(entry)
