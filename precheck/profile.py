"""The office profile: one office's settings (booking rules, contacts, report validity).

The built-in default is Hello Work Tonami as its terms describe it
(`checks/profiles/hellowork-tonami.toml`); `--profile FILE` loads another office's file,
validated here so a typo gives a message naming the file and field, never a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from precheck.catalogue import CatalogueError
from precheck.model import Text
from precheck.resources import shipped_dir

DEFAULT_PROFILE = "hellowork-tonami"


class ProfileError(CatalogueError):
    """An office profile is unreadable or wrong; the message names the file and field."""


_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "timezone": str,
    "name.ja": str,
    "name.en": str,
    "booking.session_minutes": int,
    "booking.windows": list,
    "booking.lead_days": int,
    "report.validity_days": int,
}


def _get(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def default_profile_path() -> Path:
    """PRECHECK_PROFILE when set (an office that ships precheck with its own profile; the test
    suite, which points every network target at this machine), else the built-in default."""
    chosen = os.environ.get("PRECHECK_PROFILE")
    return (
        Path(chosen) if chosen else shipped_dir("checks") / "profiles" / f"{DEFAULT_PROFILE}.toml"
    )


def load_profile(path: Path | None = None) -> dict[str, Any]:
    """Load and validate a profile; None means the default (see default_profile_path)."""
    path = path or default_profile_path()
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such file") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML ({exc})") from None
    for dotted, kind in _REQUIRED.items():
        value = _get(data, dotted)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ProfileError(f"{path}: field '{dotted}' is missing or has the wrong type")
    problem = _booking_problem(data)
    if problem:
        raise ProfileError(f"{path}: {problem}")
    return data


_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_MMDD = re.compile(r"^(\d\d)-(\d\d)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _minutes(text: Any) -> int | None:
    match = _HHMM.match(text) if isinstance(text, str) else None
    return int(match[1]) * 60 + int(match[2]) if match else None


def _booking_problem(data: dict[str, Any]) -> str | None:
    """The first wrong booking-related field, named; the booking rules trust what passes here."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(data["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        return f"field 'timezone': unknown time zone {data['timezone']!r}"
    booking = data["booking"]
    if booking["session_minutes"] <= 0:
        return "field 'booking.session_minutes' must be a positive number of minutes"
    windows = booking["windows"]
    if not windows:
        return "field 'booking.windows' must list at least one window"
    for index, window in enumerate(windows):
        if not isinstance(window, list) or len(window) != 2:
            return f'field \'booking.windows[{index}]\' must be a pair like ["10:00", "11:30"]'
        start, end = (_minutes(t) for t in window)
        if start is None or end is None:
            return f"field 'booking.windows[{index}]' must hold times as HH:MM (00:00-23:59)"
        if end - start < booking["session_minutes"]:
            return (
                f"field 'booking.windows[{index}]' is shorter than one session "
                f"({booking['session_minutes']} minutes)"
            )
    for name in ("lead_days", "email_deadline_days_before"):
        value = booking.get(name, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"field 'booking.{name}' must be a whole number of days, 0 or more"
    for name in ("lead_office_days", "email_deadline_office_days"):
        if not isinstance(booking.get(name, False), bool):
            return f"field 'booking.{name}' must be true or false"
    if _minutes(booking.get("email_deadline_time", "12:00")) is None:
        return "field 'booking.email_deadline_time' must be a time as HH:MM"
    closed = booking.get("closed_days", [])
    if not isinstance(closed, list):
        return "field 'booking.closed_days' must be a list of MM-DD dates"
    for day in closed:
        match = _MMDD.match(day) if isinstance(day, str) else None
        if not match or not (
            1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= _DAYS_IN_MONTH[int(match[1]) - 1]
        ):
            return f"field 'booking.closed_days': {day!r} is not a date as MM-DD"
    contact = data.get("contact", {})
    if not isinstance(contact, dict):
        return "field 'contact' must be a table"
    for name in ("phone", "booking_email", "terms_url"):
        if not isinstance(contact.get(name, ""), str):
            return f"field 'contact.{name}' must be text (empty when unknown)"
    email = contact.get("booking_email", "")
    if email and not _EMAIL.match(email):
        return f"field 'contact.booking_email': {email!r} is not an email address"
    phone = contact.get("phone", "")
    if phone and not re.fullmatch(r"[0-9+][0-9 ()-]{5,20}", phone):
        return f"field 'contact.phone': {phone!r} is not a phone number"
    for name in ("contact.terms_url", "intake.url", "selfcheck.url", "checks.meeting-app.server"):
        url = _get(data, name) or ""
        if not isinstance(url, str):
            return f"field '{name}' must be text (empty when none)"
        if url and not re.match(r"^https://[^/\s]+", url):
            return f"field '{name}' must be an https:// address (plain http is not accepted)"
    return None


def office_contact(profile: Mapping[str, Any] | None) -> Text:
    """The office and its phone number, for every text that tells the person to call.

    The phone comes from the profile only (never invented); without one, the text says where it
    is published. Filled into check texts as {contact} (runner) and shown by the app.
    """
    from precheck.messages import ui_text

    profile = profile or {}
    name = profile.get("name") or {}
    office = Text(ja=str(name.get("ja", "ハローワーク")), en=str(name.get("en", "Hello Work")))
    phone = str((profile.get("contact") or {}).get("phone", ""))
    if phone:
        return ui_text("contact.with-phone", office=office, phone=phone)
    return ui_text("contact.no-phone", office=office)
