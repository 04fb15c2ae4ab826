"""Article 6 booking rules as pure functions over (slot, profile, now).

Everything is decided in the office's time zone (Japan time for Hello Work), whatever the PC's
zone is: a slot typed as `2026-12-01T10:00` means 10:00 in Tonami, and `now` is converted before
any comparison. Open days are weekdays that are neither a national holiday (incl. 振替休日 and
国民の休日, from the pinned `holidays` package) nor one of the profile's closed days (12/29–1/3).

Where the terms are ambiguous the profile decides, and its default is the reading that never lets a
user book a slot the office would refuse (docs/booking.md):

- a window `["10:00", "11:30"]` must hold the whole session, so 11:00 is the last 30-minute start;
- 前々日 and 前日 count office days (`lead_office_days`, `email_deadline_office_days`).

The functions return `Problem`s (a stable code for programs, a Text for people) and never print,
so the office service applies the very same rules to what it receives.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import cache
from typing import Any

from precheck.messages import ui_text
from precheck.model import Text

MAX_CHOICES = 2
"""First and second choice (第1希望, 第2希望)."""


class Severity(StrEnum):
    REFUSED = "refused"
    """The booking cannot go ahead with this slot."""
    WARNING = "warning"
    """The booking may go ahead, but the user must act (usually: call the office)."""


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    text: Text
    choice: int | None = None
    """1 for the first choice, 2 for the second; None when it concerns the choices as a whole."""
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "choice": self.choice,
            "message": self.text.as_dict(),
        }


@dataclass(frozen=True)
class Deadlines:
    confirm_by: date
    """前々日: the booking should be confirmed (by phone) by the end of this day."""
    email_by: datetime
    """前日の正午: the booking email must arrive by this moment (office time zone)."""


def office_zone(profile: dict[str, Any]) -> tzinfo:
    """The office's time zone; on Windows zoneinfo needs the `tzdata` package for this."""
    return _zone(str(profile["timezone"]))


@cache
def _zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def office_now(profile: dict[str, Any], now: datetime | None = None) -> datetime:
    """`now` (aware; default: the real clock) in the office's zone."""
    zone = office_zone(profile)
    if now is None:
        return datetime.now(zone)
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    return now.astimezone(zone)


_SLOT = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[T ]+(\d{1,2}):(\d{2})(?::00)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_slot(text: str, profile: dict[str, Any]) -> datetime | None:
    """A desired start as an aware datetime in the office zone, or None when unreadable.

    `YYYY-MM-DDTHH:MM` without an offset is office time (what a job seeker means); an explicit
    offset (`+09:00`, `Z`) is honoured and converted, which is how the wire format carries it.
    Full-width digits and `／` are accepted, since people type them on Japanese keyboards.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _SLOT.match(cleaned)
    if match is None:
        return None
    year, month, day, hour, minute = (int(match[i]) for i in range(1, 6))
    try:
        naive = datetime(year, month, day, hour, minute)
    except ValueError:
        return None
    offset = match[6]
    zone = office_zone(profile)
    if offset is None:
        return naive.replace(tzinfo=zone)
    aware = datetime.fromisoformat(naive.isoformat() + ("+00:00" if offset == "Z" else offset))
    return aware.astimezone(zone)


def format_slot(slot: datetime, profile: dict[str, Any]) -> str:
    """The wire and file form of a slot: ISO 8601 with the office's offset (`…T10:00:00+09:00`)."""
    return slot.astimezone(office_zone(profile)).isoformat(timespec="seconds")


@cache
def _holidays(year: int, language: str) -> dict[date, str]:
    import holidays

    return dict(holidays.country_holidays("JP", years=year, language=language).items())


def holiday_name(day: date, lang: str = "ja") -> str | None:
    """The name of a national holiday (incl. 振替休日, 国民の休日), else None."""
    return _holidays(day.year, "en_US" if lang == "en" else "ja").get(day)


def closed_reason(day: date, profile: dict[str, Any]) -> Text | None:
    """Why the office is closed on `day`, or None on an open day."""
    if day.weekday() >= 5:
        return ui_text("booking.closed.weekend")
    name = holiday_name(day)
    if name is not None:
        english = holiday_name(day, "en") or name
        return ui_text("booking.closed.holiday", name=Text(ja=name, en=english))
    if day.strftime("%m-%d") in profile["booking"].get("closed_days", []):
        return ui_text("booking.closed.year-end")
    return None


def is_open_day(day: date, profile: dict[str, Any]) -> bool:
    return closed_reason(day, profile) is None


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def windows(profile: dict[str, Any]) -> list[tuple[time, time]]:
    """The bookable windows of an open day, as (start, end) office times."""
    return [(_hhmm(start), _hhmm(end)) for start, end in profile["booking"]["windows"]]


def session_length(profile: dict[str, Any]) -> timedelta:
    return timedelta(minutes=int(profile["booking"]["session_minutes"]))


def in_window(slot: datetime, profile: dict[str, Any]) -> bool:
    """The whole session, start to end, lies inside one bookable window of the slot's day."""
    local = slot.astimezone(office_zone(profile))
    end = local + session_length(profile)
    if end.date() != local.date():
        return False
    return any(start <= local.time() and end.time() <= stop for start, stop in windows(profile))


def office_days_before(day: date, count: int, profile: dict[str, Any], office: bool) -> date:
    """The `count`-th day before `day`: office days when `office`, else calendar days."""
    if not office:
        return day - timedelta(days=count)
    current = day
    for _ in range(count):
        current -= timedelta(days=1)
        while not is_open_day(current, profile):
            current -= timedelta(days=1)
    return current


def deadlines(slot: datetime, profile: dict[str, Any]) -> Deadlines:
    """When a booking for `slot` must be confirmed (前々日) and its email sent (前日の正午)."""
    booking = profile["booking"]
    local = slot.astimezone(office_zone(profile))
    confirm_by = office_days_before(
        local.date(),
        int(booking.get("lead_days", 2)),
        profile,
        bool(booking.get("lead_office_days", False)),
    )
    email_day = office_days_before(
        local.date(),
        int(booking.get("email_deadline_days_before", 1)),
        profile,
        bool(booking.get("email_deadline_office_days", False)),
    )
    email_by = datetime.combine(
        email_day, _hhmm(str(booking.get("email_deadline_time", "12:00"))), office_zone(profile)
    )
    return Deadlines(confirm_by=confirm_by, email_by=email_by)


def phone_text(profile: dict[str, Any]) -> Text:
    """The office phone number for a message, or where to find it when the profile has none."""
    phone = str(profile.get("contact", {}).get("phone", ""))
    if phone:
        return Text(ja=phone, en=phone)
    return ui_text("booking.phone-unknown")


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def check_slot(
    slot: datetime, profile: dict[str, Any], now: datetime, *, choice: int | None = None
) -> list[Problem]:
    """Every problem of one desired slot; an empty list means it may be booked by email now.

    Refusals: a closed day, outside the windows, in the past, or after the email deadline.
    Warning: later than 前々日, so the office may not confirm it in time: call them.
    """
    if slot.tzinfo is None:
        raise ValueError("slot must carry a time zone")
    now = office_now(profile, now)
    local = slot.astimezone(office_zone(profile))
    shown = _when(local)
    problems: list[Problem] = []

    def add(code: str, severity: Severity, **params: Any) -> None:
        problems.append(
            Problem(code, severity, ui_text(f"booking.rule.{code}", **params), choice, params)
        )

    reason = closed_reason(local.date(), profile)
    if reason is not None:
        add("closed-day", Severity.REFUSED, slot=shown, reason=reason)
    elif not in_window(local, profile):
        add(
            "outside-window",
            Severity.REFUSED,
            slot=shown,
            minutes=profile["booking"]["session_minutes"],
            windows="、".join(f"{a:%H:%M}～{b:%H:%M}" for a, b in windows(profile)),
        )
    if local <= now:
        add("past", Severity.REFUSED, slot=shown)
        return problems
    limits = deadlines(local, profile)
    phone = phone_text(profile)
    if now > limits.email_by:
        add(
            "email-deadline",
            Severity.REFUSED,
            slot=shown,
            deadline=_when(limits.email_by),
            phone=phone,
        )
    elif now.date() > limits.confirm_by:
        add(
            "short-notice",
            Severity.WARNING,
            slot=shown,
            confirm_by=limits.confirm_by.isoformat(),
            phone=phone,
        )
    return problems


def check_choices(slots: list[datetime], profile: dict[str, Any], now: datetime) -> list[Problem]:
    """Problems of the desired slots (first choice first) as a whole and one by one."""
    problems: list[Problem] = []
    if not slots:
        problems.append(Problem("no-slot", Severity.REFUSED, ui_text("booking.rule.no-slot")))
        return problems
    if len(slots) > MAX_CHOICES:
        problems.append(
            Problem(
                "too-many-slots",
                Severity.REFUSED,
                ui_text("booking.rule.too-many-slots", most=MAX_CHOICES),
            )
        )
    seen: set[datetime] = set()
    for index, slot in enumerate(slots[:MAX_CHOICES], start=1):
        if slot in seen:
            problems.append(
                Problem(
                    "same-slot-twice",
                    Severity.REFUSED,
                    ui_text("booking.rule.same-slot-twice", slot=_when(slot)),
                    index,
                )
            )
            continue
        seen.add(slot)
        problems.extend(check_slot(slot, profile, now, choice=index))
    return problems


def refused(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.REFUSED for p in problems)


def open_starts(day: date, profile: dict[str, Any]) -> list[datetime]:
    """Session starts on `day` (every session length from each window's start), for prompts."""
    if not is_open_day(day, profile):
        return []
    zone = office_zone(profile)
    length = session_length(profile)
    starts: list[datetime] = []
    for start, stop in windows(profile):
        current = datetime.combine(day, start, zone)
        while (current + length).time() <= stop and (current + length).date() == day:
            starts.append(current)
            current += length
    return starts


def next_bookable(
    profile: dict[str, Any], now: datetime, *, count: int = 5, horizon_days: int = 60
) -> list[datetime]:
    """The first `count` starts that would raise no problem at all if booked now (suggestions)."""
    now = office_now(profile, now)
    found: list[datetime] = []
    for offset in range(horizon_days):
        for start in open_starts(now.date() + timedelta(days=offset), profile):
            if not check_slot(start, profile, now):
                found.append(start)
                if len(found) == count:
                    return found
    return found
