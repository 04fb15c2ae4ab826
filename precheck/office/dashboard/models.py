"""The dashboard's tables (migration 0002_dashboard): counselors, their sessions, failed
sign-ins, the audit log and each booking's status history.

The audit log names the counselor by name, not by a foreign key, so removing an account keeps
the record of what that person did; it names a booking by id only, so it holds no personal
field and outlives the booking's retention purge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from precheck.office.models import Base, UTCDateTime


class Counselor(Base):
    __tablename__ = "counselor"
    __table_args__ = (UniqueConstraint("name", name="uq_counselor_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CounselorSession(Base):
    __tablename__ = "counselor_session"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 of the session id in the cookie; the id itself is never stored."""
    counselor_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("counselor.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginFailure(Base):
    __tablename__ = "login_failure"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 (hex) of the case-folded name as typed, never the text itself."""
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_booking_id", "booking_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    booking_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
    """Non-personal detail: a status name, a file count, a date."""


class BookingStatus(Base):
    __tablename__ = "booking_status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("booking.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    slot: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """For `confirmed`: the session start the counselor fixed among the job seeker's choices."""


class VerificationCache(Base):
    """What verifying a booking's report said (migration 0003_production), so the day view
    does not re-verify every report on every view. Valid while the report (with the booking's
    number), the office's catalogue and the report's time window are what they were."""

    __tablename__ = "verification_cache"

    booking_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
    )
    report_digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the stored report and the booking's job seeker number."""
    catalogue_digest: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recheck_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When the verdict can change by time alone (the report becomes valid or expires)."""
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    """`views.summary_to_json` of the verification."""
