"""The calendar entry (RFC 5545) for the desired session(s), written by hand.

One VEVENT per choice, STATUS:TENTATIVE, because the office confirms the time by email later
(Article 6(3)); the user deletes the choice that was not confirmed. Times are written in UTC
(`...Z`), which every calendar program shows in its own zone, so no VTIMEZONE has to be shipped.
The description carries the cancellation rule of Article 6(5): cancel by phone; ten minutes late
without contact counts as a cancellation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from precheck import __version__
from precheck.booking import rules
from precheck.messages import ui_text

REMINDER_MINUTES = 30
"""Time to start the meeting app and re-run the check before the session."""


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current = " "
            size = 1
            limit = 75
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _lines(props: Iterable[tuple[str, str]]) -> list[str]:
    return [fold(f"{name}:{value}") for name, value in props]


def build_ics(
    slots: Iterable[datetime],
    profile: dict[str, Any],
    *,
    uid_base: str,
    now: datetime,
    lang: str = "ja",
) -> bytes:
    """The .ics file for the desired slots (first choice first), in `lang` (ja or en)."""
    office = profile["name"][lang if lang in ("ja", "en") else "ja"]
    length = rules.session_length(profile)
    phone = rules.phone_text(profile).get(lang)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//precheck//precheck {__version__}//{lang.upper()}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for choice, slot in enumerate(slots, start=1):
        local = slot.astimezone(rules.office_zone(profile))
        summary = ui_text("booking.ics.summary", office=office, choice=choice).get(lang)
        description = ui_text(
            "booking.ics.description",
            office=office,
            choice=choice,
            start=local.strftime("%Y-%m-%d %H:%M"),
            end=(local + length).strftime("%H:%M"),
            phone=phone,
            minutes=REMINDER_MINUTES,
        ).get(lang)
        alarm = ui_text("booking.ics.alarm", office=office).get(lang)
        lines += ["BEGIN:VEVENT"]
        lines += _lines(
            [
                ("UID", f"{uid_base}-{choice}@precheck"),
                ("DTSTAMP", _utc(now)),
                ("DTSTART", _utc(slot)),
                ("DTEND", _utc(slot + length)),
                ("SUMMARY", escape_text(summary)),
                ("DESCRIPTION", escape_text(description)),
                ("LOCATION", escape_text(ui_text("booking.ics.location").get(lang))),
                ("STATUS", "TENTATIVE"),
                ("TRANSP", "OPAQUE"),
            ]
        )
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY"]
        lines += _lines(
            [
                ("TRIGGER", f"-PT{REMINDER_MINUTES}M"),
                ("DESCRIPTION", escape_text(alarm)),
            ]
        )
        lines += ["END:VALARM", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
