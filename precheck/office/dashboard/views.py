"""What the dashboard shows, decided by pure functions over bookings, reports and the clock.

Kept apart from the web routes so every rule a counselor relies on — which status change is
allowed when, which checks come first, when a device counts as the same — is tested without a
browser or a database.
"""

from __future__ import annotations

import re
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

    catalogue: str | None = None
    """"current" when the report was made with the office's own catalogue, "modified" (same
    version, other digest) or "other-version"; None when unknown."""

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
        catalogue=getattr(verification, "catalogue", None),
        kind=kind,
        device=device_label(report) if kind == "browser" and report else None,
    )


SHOWN_RESULT_FIELDS = ("id", "status", "code", "title", "summary", "required")
"""What the dashboard keeps of a listed check result (facts and fixes stay in the report)."""


def summary_to_json(summary: ReportSummary) -> dict[str, Any]:
    """The summary as JSON for the verification cache (inverse: `summary_from_json`)."""
    return {
        "state": summary.state,
        "reasons": [r.as_dict() for r in summary.reasons],
        "notes": [n.as_dict() for n in summary.notes],
        "overall": summary.overall,
        "failing": [{k: r.get(k) for k in SHOWN_RESULT_FIELDS} for r in summary.failing],
        "key_fingerprint": summary.key_fingerprint,
        "generated_at": summary.generated_at,
        "expires_at": summary.expires_at,
        "number_match": summary.number_match,
        "catalogue": summary.catalogue,
        "kind": summary.kind,
        "device": summary.device,
    }


def summary_from_json(data: Mapping[str, Any]) -> ReportSummary:
    return ReportSummary(
        state=str(data["state"]),
        reasons=[Text(**r) for r in data.get("reasons", [])],
        notes=[Text(**n) for n in data.get("notes", [])],
        overall=data.get("overall"),
        failing=list(data.get("failing", [])),
        key_fingerprint=data.get("key_fingerprint"),
        generated_at=data.get("generated_at"),
        expires_at=data.get("expires_at"),
        number_match=data.get("number_match"),
        catalogue=data.get("catalogue"),
        kind=str(data.get("kind") or "pc"),
        device=data.get("device"),
    )


def recheck_after(summary: ReportSummary, now: datetime) -> datetime | None:
    """The next moment the same report's verdict can change by time alone (it stops being in
    the future, or it expires), or None when time cannot change it any more."""
    from precheck.report.format import FUTURE_TOLERANCE_SECONDS, parse_time

    moments = []
    generated = parse_time(summary.generated_at) if summary.generated_at else None
    expires = parse_time(summary.expires_at) if summary.expires_at else None
    if generated is not None:
        moments.append(generated - timedelta(seconds=FUTURE_TOLERANCE_SECONDS))
    if expires is not None:
        moments.append(expires)
    later = [m for m in moments if m > now]
    return min(later) if later else None


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


REPORTED_MAX = 200
"""Characters of a PC's own words shown at most (with an ellipsis), like every user value."""


@dataclass(frozen=True)
class ShownCheck:
    """One check result as the dashboard shows it: the office's words, or the PC's marked."""

    status: str
    text: str
    """The office's catalogue title and message ("title: message"), or the title alone."""
    reported: str | None = None
    """The PC's own words, shown only marked "as written by the PC": set when the office's
    catalogue cannot vouch for them (unknown check or code, or a sentence not its own)."""
    articles: str | None = None
    """The terms' articles the check stands for, from the office's catalogue, in the page's
    language ("第5条(3)" / "Art. 5(3)")."""


def bounded(text: str, limit: int = REPORTED_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pick(value: Any, lang: str) -> str:
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("ja") or "")
    return str(value or "")


def pc_line(result: Mapping[str, Any], lang: str) -> str:
    """The PC's own title and the first line of its summary, bounded."""
    title = _pick(result.get("title"), lang) or str(result.get("id", ""))
    summary = _pick(result.get("summary"), lang).splitlines()
    line = f"{title}: {summary[0]}" if summary and summary[0] else title
    return bounded(line)


def fits_template(template: str, text: str, *, value_max: int = REPORTED_MAX) -> bool:
    """True when `text` is `template` with each `{field}` filled by at most `value_max`
    characters: the sentence is the office's own, only its values came from the PC."""
    import re
    import string

    if len(text) > 4000:
        return False
    pattern = []
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return False
    for literal, field_name, _spec, _conversion in parts:
        pattern.append(re.escape(literal))
        if field_name is not None:
            pattern.append(f"(.{{0,{value_max}}}?)")
    return re.fullmatch("".join(pattern), text, re.DOTALL) is not None


def shown_check(result: Mapping[str, Any], lang: str, catalogue: Any = None) -> ShownCheck:
    """A result in the office's words: the title from the office's catalogue by check id;
    the message when the PC's sentence is the catalogue's sentence for the result's code and
    the code's status is the result's status. Anything else is the PC's, marked as such."""
    if catalogue is None:
        from precheck.catalogue import load_catalogue

        catalogue = load_catalogue()
    status = str(result.get("status", ""))
    spec = catalogue.checks.get(str(result.get("id", "")))
    if spec is None:
        unknown = ui_text("dashboard.check-unknown", id=bounded(str(result.get("id")), 64))
        return ShownCheck(status, unknown.get(lang), pc_line(result, lang))
    title = spec.title.get(lang)
    articles = articles_label(spec.articles, lang)
    code = str(result.get("code", ""))
    template = spec.messages.get(code)
    expected = spec.statuses.get(code)
    summary = _pick(result.get("summary"), lang)
    if (
        template is None
        or (expected is not None and expected.value != status)
        or not fits_template(template.get(lang), summary)
    ):
        return ShownCheck(status, title, pc_line(result, lang), articles)
    first = summary.splitlines()[0] if summary.splitlines() else ""
    text = f"{title}: {bounded(first, 400)}" if first else title
    return ShownCheck(status, text, articles=articles)


_ARTICLE = re.compile(r"第(\d+)条(.*)")


def article_label(article: str, lang: str) -> str:
    """One article of the terms in the page's language: the catalogue writes them the
    Japanese way ("第5条(3)"), an English page says "Art. 5(3)"."""
    match = _ARTICLE.fullmatch(article)
    if match is None:
        return article
    return ui_text("dashboard.article", number=match[1], item=match[2]).get(lang)


def articles_label(articles: Iterable[str], lang: str) -> str:
    separator = "・" if lang == "ja" else ", "
    listed = separator.join(article_label(a, lang) for a in articles)
    return ui_text("dashboard.check-articles", articles=listed).get(lang)


ADMIN_ACTOR = "(admin)"
"""The audit log's actor for changes made with `precheck office user …` at the server."""


def audit_actor(actor: str, lang: str) -> str:
    if actor == ADMIN_ACTOR:
        return ui_text("dashboard.audit.admin").get(lang)
    return actor


def audit_detail(action: str, detail: str | None, lang: str) -> str:
    """An audit entry's detail in words: a status in the office's words, a day in the page's
    date style, a count of files with its unit; anything else (a counselor's name) as is."""
    if not detail:
        return ""
    if action == "status" and detail in STATUSES:
        return ui_text(f"dashboard.status.{detail}").get(lang)
    if action in ("view-day", "export"):
        day = parse_day(detail)
        return format_day(day).get(lang) if day is not None else bounded(detail)
    if action == "verify-upload" and detail.isdigit():
        return ui_text("dashboard.audit.files", count=int(detail)).get(lang)
    return bounded(detail)


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


def format_moment(moment: datetime) -> Text:
    """A moment in the office's time zone (already converted) in the one date style of each
    language: the day as `format_day` writes it, then the time ("12月4日（金） 10:10",
    "Fri 2026-12-04 10:10") — a page mixed "2026-12-04 10:10" and "12月4日（金）"."""
    day = format_day(moment.date())
    hm = moment.strftime("%H:%M")
    return Text(ja=f"{day.ja} {hm}", en=f"{day.en} {hm}")


PAGE_ROWS = 100
"""Bookings one day-view page lists: a page stays quick to render and to read; past 100 the
view pages."""


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_ROWS))


def parse_page(text: str | None) -> int:
    """The page asked for in the query (1 when absent or not a sensible number)."""
    if not text or not text.isdigit() or len(text) > 6:
        return 1
    return max(1, int(text))


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
