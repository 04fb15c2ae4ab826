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

from precheck.messages import ui_text
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
    kind: str = "pc"
    """"browser" for a phone's browser self-check signed by this office (never a PC report)."""
    device: str | None = None

    @property
    def kind_label(self) -> Text | None:
        if self.kind != "browser":
            return None
        return ui_text("selfcheck.kind", device=self.device or "?")

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
    """The fields of a `Verification` the dashboard needs, failing checks first.

    A browser self-check's findings are worded from this office's own catalogue (its record
    carries codes, and the office signed it), so they read like a PC report's lines."""
    from precheck.report.browser_check import device_label

    report = verification.report or {}
    kind = str(getattr(verification, "kind", "pc"))
    failing = failing_first(verification.failing)
    if kind == "browser":
        failing = [
            {
                **r,
                "summary": ui_text(f"selfcheck.code.{r['code']}", **(r["params"] or {})).as_dict(),
            }
            for r in failing
        ]
    return ReportSummary(
        state=str(verification.state),
        reasons=list(verification.reasons),
        notes=list(getattr(verification, "notes", [])),
        overall=verification.overall,
        failing=failing,
        key_fingerprint=verification.key_fingerprint,
        generated_at=report.get("generated_at") or report.get("made_at"),
        expires_at=report.get("expires_at"),
        number_match=getattr(verification, "number_match", None),
        kind=kind,
        device=device_label(report) if kind == "browser" and report else None,
    )


def browser_check(record: Mapping[str, Any]) -> dict[str, Any]:
    """Every finding of a phone's browser check and the user's declarations, in the office's
    own words (the record holds codes and choices, never free text)."""
    lines = [
        {
            "status": r["status"],
            "text": ui_text(f"selfcheck.code.{r['code']}", **(r["params"] or {})),
        }
        for r in record["results"]
    ]
    declared = [
        (ui_text(f"selfcheck.question.{field}"), ui_text(f"selfcheck.answer.{field}.{value}"))
        for field, value in record["declared"].items()
    ]
    return {
        "lines": lines,
        "declared": declared,
        "declared_title": ui_text("selfcheck.declared.title"),
    }


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


def days_from(today: date, count: int = DAYS_SHOWN) -> list[date]:
    return [today + timedelta(days=n) for n in range(count)]
