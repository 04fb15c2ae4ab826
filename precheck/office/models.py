"""The office's tables, as SQLAlchemy 2 declarative models (the schema lives in migrations/).

A booking row keeps what the counselor needs and nothing more (Articles 7 and 8): the form
fields ①–⑥ and declarations as submitted, the job seeker number normalised (that is how the
office finds the person), the signed report exactly as received, and the verification result.
Nothing else is copied out of the report: the counselor reads it from the signed document.
Personal columns are nullable because `precheck office purge` blanks them after retention.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (no time zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


PERSONAL_COLUMNS = (
    "name",
    "job_seeker_number",
    "email",
    "phone",
    "topic",
    "interpreter",
    "report_json",
)
"""Columns `precheck office purge` blanks once the retention period after the session ends."""


class Booking(Base):
    __tablename__ = "booking"
    __table_args__ = (
        UniqueConstraint("reference", name="uq_booking_reference"),
        UniqueConstraint("idempotency_key", name="uq_booking_idempotency_key"),
        Index("ix_booking_job_seeker_number", "job_seeker_number"),
        Index("ix_booking_session_at", "session_at"),
        Index("ix_booking_session_end", "session_end"),
        Index("ix_booking_purged_at", "purged_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    request_digest: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())

    # The form ①–⑥ and the declarations (Article 6(2), 12(3)); None after purge.
    name: Mapped[str | None] = mapped_column(Text)
    job_seeker_number: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(Text)
    interpreter: Mapped[str | None] = mapped_column(Text)
    """Interpreter or assistant attending (Article 12(3)); empty when none."""
    private_room: Mapped[bool] = mapped_column(Boolean)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    terms_url: Mapped[str] = mapped_column(Text)
    """The terms the job seeker agreed to at `consent_at` (Article 6(2): sending is agreeing)."""
    office: Mapped[str] = mapped_column(String(64))
    slots: Mapped[list[str]] = mapped_column(JSON)
    session_at: Mapped[datetime] = mapped_column(UTCDateTime())
    """The first-choice slot's start: what the dashboard sorts by."""
    session_end: Mapped[datetime] = mapped_column(UTCDateTime())
    """End of the latest slot chosen: retention counts from here (the dashboard moves it when a
    counselor fixes the slot)."""

    # The signed report exactly as received, and what verifying it said.
    report_json: Mapped[str | None] = mapped_column(Text)
    verification_state: Mapped[str] = mapped_column(String(32))
    verification_valid: Mapped[bool] = mapped_column(Boolean)
    verification_reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    report_overall: Mapped[str | None] = mapped_column(String(32))
    key_fingerprint: Mapped[str | None] = mapped_column(String(128))
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime())

    response_status: Mapped[int] = mapped_column(Integer)
    response_json: Mapped[str] = mapped_column(Text)
    """The answer (status and body), returned byte for byte when the same key comes again."""
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
