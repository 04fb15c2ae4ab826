"""The booking form ①–⑥ of Article 6(2), plus the Article 12(3) declarations.

`validate_fields` checks what a person typed, field by field, and reports every error at once
(never only the first), in Japanese and English. It is pure and knows no clock, so the office
service uses it for what it receives; `validate_form` adds the time rules of `rules.py`.

People copy numbers from paper and phones: full-width digits, full-width `＠`, and any dash-like
character are accepted and normalised (NFKC) rather than refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from precheck.booking import rules
from precheck.jobseeker import normalize_job_seeker_number
from precheck.messages import ui_text
from precheck.model import Text

SHORT_LOWER_PART = 6
"""Hello Work's form takes up to 8 digits after the first 5, and real numbers have 7 (research
japan-and-catalogues.md §1); third parties describe the card as 5 then 6–8 digits. A shorter
second part is more likely a typo, so it is a warning, never a refusal."""

FIELDS = (
    "name",
    "job_seeker_number",
    "email",
    "phone",
    "slots",
    "topic",
    "interpreter",
    "private_room",
)
"""Form fields in the terms' order: ① name ② 求職番号 ③ email ④ phone ⑤ slots ⑥ topic, then
the Article 12(3) items (interpreter or assistant attending; private room declared)."""

NAME_MAX = 100
TOPIC_MAX = 500
INTERPRETER_MAX = 200
EMAIL_MAX = 254

_DASHES = "‐‑‒–—―−ーｰ－"
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    text: Text
    severity: rules.Severity = rules.Severity.REFUSED

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.text.as_dict(),
        }


@dataclass(frozen=True)
class Booking:
    """A validated, normalised booking request (what the email and the payload carry)."""

    name: str
    job_seeker_number: str
    email: str
    phone: str
    slots: tuple[datetime, ...]
    topic: str
    interpreter: str = ""
    private_room: bool = True
    notes: tuple[FieldError, ...] = field(default=(), compare=False)
    """Warnings that do not stop the booking (short notice, a short job seeker number)."""


def _clean(value: Any) -> str:
    """NFKC-normalised, trimmed text; line breaks kept (topics may have several lines)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "\n".join(line.strip() for line in text.strip().splitlines())


def _has_control(text: str, allow_newlines: bool) -> bool:
    allowed = "\n" if allow_newlines else ""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def normalize_email(value: Any) -> str | None:
    text = _clean(value)
    if not text or len(text) > EMAIL_MAX or not _EMAIL.match(text):
        return None
    local, _, domain = text.rpartition("@")
    if len(local) > 64 or ".." in text or local.startswith(".") or local.endswith("."):
        return None
    if any(label.startswith("-") or label.endswith("-") for label in domain.split(".")):
        return None
    return text


def normalize_phone(value: Any) -> str | None:
    """A Japanese phone number as digits and hyphens (`090-1234-5678`), or None.

    Accepted: domestic numbers starting with 0 (10 digits for fixed lines, 0120 and 0570;
    11 digits for 070/080/090 mobiles, 050 IP phones, 020 and 0800), also written as +81
    without the leading 0. Spaces, brackets and dash variants are accepted; the grouping the
    person typed is kept because area-code lengths vary and they know theirs.
    """
    text = _clean(value)
    text = "".join("-" if ch in _DASHES else ch for ch in text)
    text = re.sub(r"[\s()]+", "-", text).strip("-")
    text = re.sub(r"-+", "-", text)
    if text.startswith("+81"):
        text = "0" + text[3:].lstrip("-")
    if not re.fullmatch(r"[0-9-]+", text):
        return None
    digits = text.replace("-", "")
    if not digits.startswith("0") or digits.startswith("00"):
        return None
    if digits.startswith(("0120", "0570")):
        expected = 10
    elif digits.startswith(("070", "080", "090", "050", "020", "0800")):
        expected = 11
    else:
        expected = 10
    return text if len(digits) == expected else None


def _truthy(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _clean(value).lower()
    if text in ("yes", "y", "true", "1", "はい", "有", "あり"):
        return True
    if text in ("no", "n", "false", "0", "いいえ", "無", "なし", ""):
        return False
    return None


def _error(name: str, code: str, **params: Any) -> FieldError:
    return FieldError(name, code, ui_text(f"booking.field.{name}.{code}", **params))


def validate_fields(
    raw: Mapping[str, Any], profile: dict[str, Any]
) -> tuple[Booking | None, list[FieldError]]:
    """Check and normalise the form fields (no clock involved); all errors, per field.

    `raw["slots"]` is a list of strings (`YYYY-MM-DDTHH:MM`, office time unless an offset is
    given) or datetimes. Returns the booking when nothing is refused, and every error and
    warning found either way.
    """
    errors: list[FieldError] = []

    name = _clean(raw.get("name"))
    if not name:
        errors.append(_error("name", "missing"))
    elif len(name) > NAME_MAX:
        errors.append(_error("name", "too-long", most=NAME_MAX))
    elif _has_control(name, allow_newlines=False):
        errors.append(_error("name", "invalid"))

    typed_number = _clean(raw.get("job_seeker_number"))
    number = normalize_job_seeker_number(typed_number) if typed_number else None
    if not typed_number:
        errors.append(_error("job_seeker_number", "missing"))
    elif number is None:
        errors.append(_error("job_seeker_number", "invalid"))
    elif len(number) < len("00000-") + SHORT_LOWER_PART:
        errors.append(
            FieldError(
                "job_seeker_number",
                "short",
                ui_text("booking.field.job_seeker_number.short", number=number),
                rules.Severity.WARNING,
            )
        )

    email = normalize_email(raw.get("email"))
    if not _clean(raw.get("email")):
        errors.append(_error("email", "missing"))
    elif email is None:
        errors.append(_error("email", "invalid"))

    phone = normalize_phone(raw.get("phone"))
    if not _clean(raw.get("phone")):
        errors.append(_error("phone", "missing"))
    elif phone is None:
        errors.append(_error("phone", "invalid"))

    slots: list[datetime] = []
    raw_slots = raw.get("slots") or []
    if isinstance(raw_slots, str):
        raw_slots = [raw_slots]
    typed_slots = [s for s in raw_slots if not (isinstance(s, str) and not s.strip())]
    if not typed_slots:
        errors.append(_error("slots", "missing"))
    elif len(typed_slots) > rules.MAX_CHOICES:
        errors.append(_error("slots", "too-many", most=rules.MAX_CHOICES))
    for index, value in enumerate(typed_slots[: rules.MAX_CHOICES], start=1):
        if isinstance(value, datetime) and value.tzinfo is not None:
            slots.append(value.astimezone(rules.office_zone(profile)))
            continue
        parsed = rules.parse_slot(value, profile) if isinstance(value, str) else None
        if parsed is None:
            errors.append(_error("slots", "invalid", choice=index, value=str(value)))
        else:
            slots.append(parsed)

    topic = _clean(raw.get("topic"))
    if not topic:
        errors.append(_error("topic", "missing"))
    elif len(topic) > TOPIC_MAX:
        errors.append(_error("topic", "too-long", most=TOPIC_MAX, length=len(topic)))
    elif _has_control(topic, allow_newlines=True):
        errors.append(_error("topic", "invalid"))

    interpreter = _clean(raw.get("interpreter"))
    if len(interpreter) > INTERPRETER_MAX:
        errors.append(_error("interpreter", "too-long", most=INTERPRETER_MAX))
    elif _has_control(interpreter, allow_newlines=False):
        errors.append(_error("interpreter", "invalid"))

    private_room = _truthy(raw.get("private_room"))
    if private_room is not True:
        errors.append(_error("private_room", "required"))

    if any(e.severity is rules.Severity.REFUSED for e in errors):
        return None, errors
    assert number is not None and email is not None and phone is not None
    booking = Booking(
        name=name,
        job_seeker_number=number,
        email=email,
        phone=phone,
        slots=tuple(slots),
        topic=topic,
        interpreter=interpreter,
        private_room=True,
        notes=tuple(errors),
    )
    return booking, errors


def slot_errors(problems: list[rules.Problem]) -> list[FieldError]:
    """Rule problems as errors of the `slots` field (so a form shows them in one place)."""
    return [FieldError("slots", p.code, p.text, p.severity) for p in problems]


def validate_form(
    raw: Mapping[str, Any], profile: dict[str, Any], now: datetime
) -> tuple[Booking | None, list[FieldError]]:
    """Fields and the Article 6 time rules for `now`; the booking only when nothing is refused."""
    booking, errors = validate_fields(raw, profile)
    slots = list(booking.slots) if booking else _parsed_slots(raw, profile)
    if slots:
        errors.extend(slot_errors(rules.check_choices(slots, profile, now)))
    if booking is None or any(e.severity is rules.Severity.REFUSED for e in errors):
        return None, errors
    return replace(booking, notes=tuple(errors)), errors


def _parsed_slots(raw: Mapping[str, Any], profile: dict[str, Any]) -> list[datetime]:
    """The readable slots of a form that has other errors, so their rule errors show too."""
    values = raw.get("slots") or []
    if isinstance(values, str):
        values = [values]
    parsed = [
        rules.parse_slot(v, profile) for v in values[: rules.MAX_CHOICES] if isinstance(v, str)
    ]
    return [p for p in parsed if p is not None]


def errors_by_field(errors: list[FieldError]) -> dict[str, list[FieldError]]:
    """Errors grouped per field, in the form's order."""
    grouped: dict[str, list[FieldError]] = {}
    for name in FIELDS:
        found = [e for e in errors if e.field == name]
        if found:
            grouped[name] = found
    return grouped
