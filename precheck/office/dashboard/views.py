"""What the dashboard shows, decided by pure functions over bookings, reports and the clock.

Kept apart from the web routes so every rule a counselor relies on — which status change is
allowed when, which checks come first, when a device counts as the same — is tested without a
browser or a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from precheck.catalogue import ui_text
from precheck.model import Text

RECEIVED = "received"
CONFIRMED = "confirmed"
CANCELLED = "cancelled"
NO_SHOW = "no-show"
STATUSES = (RECEIVED, CONFIRMED, CANCELLED, NO_SHOW)

ACTIONS: dict[str, str] = {"confirm": CONFIRMED, "cancel": CANCELLED, "no-show": NO_SHOW}
"""Form action -> the status it records (Article 6(3) confirm, 6(5) cancel and no-show)."""

NO_SHOW_AFTER = timedelta(minutes=10)
"""Article 6(5): ten minutes past the start without contact counts as a cancellation."""

DAYS_SHOWN = 14
"""The day view lists today and the next 13 days: two working weeks of bookings."""

_STATUS_ORDER = {"FAIL": 0, "UNKNOWN": 1, "WARN": 2, "SKIPPED": 3, "PASS": 4}


@dataclass(frozen=True)
class BookingFacts:
    """The fields of one stored booking the dashboard shows (built from the office's model)."""

    id: int
    start: datetime
    name: str
    number: str
    email: str
    phone: str
    topic: str
    assistant: str
    received_at: datetime
    report: bytes | None


@dataclass(frozen=True)
class ReportSummary:
    """One report's verification as the dashboard shows it: the fields `precheck verify` prints
    (state, verdict, when made, key, problems, reasons, notes), taken from `verify_report`."""

    state: str
    reasons: list[Text] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    overall: str | None = None
    failing: list[dict[str, Any]] = field(default_factory=list)
    key_fingerprint: str | None = None
    generated_at: str | None = None
    expires_at: str | None = None
    number_match: bool | None = None

    @property
    def valid(self) -> bool:
        return self.state == "valid"

    @property
    def label(self) -> Text:
        """The state in `precheck verify`'s words (report.state.*); no report is our own."""
        if self.state == "missing":
            return ui_text("dashboard.report-missing")
        return ui_text(f"report.state.{self.state}")

    @property
    def verdict(self) -> Text | None:
        return ui_text(f"report.overall-short.{self.overall}") if self.overall else None


MISSING = ReportSummary(state="missing")


def summarize(verification: Any) -> ReportSummary:
    """The fields of a `Verification` the dashboard needs, failing checks first."""
    report = verification.report or {}
    return ReportSummary(
        state=str(verification.state),
        reasons=list(verification.reasons),
        notes=list(getattr(verification, "notes", [])),
        overall=verification.overall,
        failing=failing_first(verification.failing),
        key_fingerprint=verification.key_fingerprint,
        generated_at=report.get("generated_at"),
        expires_at=report.get("expires_at"),
        number_match=getattr(verification, "number_match", None),
    )


def failing_first(results: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Check results ordered FAIL, UNKNOWN, WARN, then the rest, keeping the catalogue order."""
    indexed = list(enumerate(dict(r) for r in results))
    indexed.sort(key=lambda pair: (_STATUS_ORDER.get(str(pair[1].get("status")), 5), pair[0]))
    return [r for _, r in indexed]


def one_line(result: Mapping[str, Any], lang: str) -> str:
    """A check's title and its summary on one line, in `lang` (the report carries both)."""

    def pick(value: Any) -> str:
        if isinstance(value, Mapping):
            return str(value.get(lang) or value.get("ja") or "")
        return str(value or "")

    title = pick(result.get("title")) or str(result.get("id", ""))
    summary = pick(result.get("summary")).splitlines()
    return f"{title}: {summary[0]}" if summary and summary[0] else title


def same_device(fingerprint: str | None, earlier: Iterable[str | None]) -> bool:
    """True when an earlier report of the same job seeker was signed by this device key."""
    return fingerprint is not None and fingerprint in set(earlier)


def current_status(history: Sequence[str]) -> str:
    """The latest recorded status; a booking nobody has touched yet is `received`."""
    return history[-1] if history else RECEIVED


def no_show_from(start: datetime) -> datetime:
    return start + NO_SHOW_AFTER


def allowed_actions(status: str, start: datetime, now: datetime) -> list[str]:
    """The status changes a counselor may record now.

    Confirming is for a received booking; a cancellation by phone for any booking not yet
    closed; a no-show only once ten minutes of the session have passed (Article 6(5)).
    """
    if status in (CANCELLED, NO_SHOW):
        return []
    actions = ["confirm"] if status == RECEIVED else []
    actions.append("cancel")
    if now >= no_show_from(start):
        actions.append("no-show")
    return actions


def format_day(day: date) -> Text:
    weekday = ui_text(f"dashboard.weekday.{day.weekday()}")
    ja = ui_text("dashboard.date", month=day.month, day=day.day, weekday=weekday.ja).ja
    en = ui_text("dashboard.date", weekday=weekday.en, iso=day.isoformat()).en
    return Text(ja=ja, en=en)


FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)
"""Dates a page accepts in its query: far beyond any booking, yet far enough from
`date.max` that adding the office's time zone or a day's length cannot overflow (a 500)."""


def parse_day(text: str) -> date | None:
    """An ISO date within FIRST_DAY..LAST_DAY, else None (the page answers 400)."""
    try:
        day = date.fromisoformat(text[:10]) if len(text) == 10 else None
    except ValueError:
        return None
    return day if day is not None and FIRST_DAY <= day <= LAST_DAY else None


def days_from(today: date, count: int = DAYS_SHOWN) -> list[date]:
    return [today + timedelta(days=n) for n in range(count)]
