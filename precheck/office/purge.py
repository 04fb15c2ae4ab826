"""Retention (Articles 7 and 8): personal fields go once the session is long enough past.

A booking's personal columns (models.PERSONAL_COLUMNS, the signed report included) are blanked
`retention_days` after the end of its latest slot; the row stays with its reference,
verification result and times, so the office can still count and audit what it received.
Blanking is one UPDATE guarded by `purged_at IS NULL`: running it twice, or from cron while the
service runs, does nothing the second time and takes no lock beyond the statement's own.
On SQLite `secure_delete` is on for every connection, and the WAL is checkpointed afterwards, so
the old values do not linger in free pages or the log.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import delete, select, text, update

from precheck.office.db import Database
from precheck.office.models import PERSONAL_COLUMNS, Booking

if TYPE_CHECKING:
    from sqlalchemy import CursorResult


def purge(database: Database, *, retention_days: int, now: datetime | None = None) -> int:
    """Blank personal fields of bookings whose session ended over `retention_days` ago.

    Returns how many bookings were purged now.
    """
    if retention_days < 0:
        raise ValueError("retention_days must be 0 or more")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    cutoff = moment - timedelta(days=retention_days)
    statement = (
        update(Booking)
        .where(Booking.purged_at.is_(None), Booking.session_end < cutoff)
        .values({name: None for name in PERSONAL_COLUMNS} | {"purged_at": moment})
        .execution_options(synchronize_session=False)
    )
    from precheck.office.dashboard.models import VerificationCache

    purged = select(Booking.id).where(Booking.purged_at.is_not(None))
    forget = delete(VerificationCache).where(VerificationCache.booking_id.in_(purged))
    with database.write() as session:
        count = cast("CursorResult[Any]", session.execute(statement)).rowcount
        session.execute(forget)  # what the dashboard remembered of the purged reports
    if database.dialect == "sqlite" and count:
        with database.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return int(count or 0)
