"""The booking email of Article 6(2): an RFC 5322 draft with the signed report attached.

The draft is saved as an `.eml` file with `X-Unsent: 1`, the convention by which Outlook and
Thunderbird open a message as a draft to edit and send rather than as a received mail. The job
seeker sends it from their own mail program and account: precheck never sends mail itself.

The body is written for the office, so it is Japanese, listing ①–⑥ in the terms' order; with
`lang="en"` the English version follows the Japanese one for the job seeker's benefit.
"""

from __future__ import annotations

import email.policy
import email.utils
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from precheck import __version__
from precheck.booking import rules
from precheck.booking.form import Booking
from precheck.messages import ui_text
from precheck.model import Text

_WEEKDAYS_JA = "月火水木金土日"


@dataclass(frozen=True)
class ReportFiles:
    """The signed report as it is attached: its bytes, its rendering and what it says."""

    json_path: Path
    json_bytes: bytes
    html: str
    overall: str | None
    """ready / needs-attention / not-ready, from the verified report."""
    state: str
    """The verifier's state (valid, expired, ...); anything but valid is said in the body."""


def describe_slot(slot: datetime, profile: dict[str, Any], lang: str) -> str:
    """`2026年12月3日(木) 10:00～10:30` or `Thu 3 Dec 2026, 10:00–10:30`, office time."""
    local = slot.astimezone(rules.office_zone(profile))
    end = local + rules.session_length(profile)
    if lang == "en":
        return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}–{end:%H:%M}"
    return (
        f"{local.year}年{local.month}月{local.day}日({_WEEKDAYS_JA[local.weekday()]}) "
        f"{local:%H:%M}～{end:%H:%M}"
    )


def verdict_text(report: ReportFiles) -> Text:
    overall = ui_text(f"booking.mail.overall.{report.overall or 'unknown'}")
    if report.state != "valid":
        return ui_text("booking.mail.report-state", overall=overall, state=report.state)
    return overall


def body_text(
    booking: Booking,
    profile: dict[str, Any],
    *,
    report: ReportFiles,
    consent_at: datetime,
    lang: str,
) -> str:
    """The body in Japanese (for the office), followed by English when `lang` is en."""

    def render(language: str) -> str:
        slots = "\n".join(
            ui_text(
                "booking.mail.choice", choice=index, slot=describe_slot(slot, profile, language)
            ).get(language)
            for index, slot in enumerate(booking.slots, start=1)
        )
        interpreter = (
            booking.interpreter
            if booking.interpreter
            else ui_text("booking.mail.nobody").get(language)
        )
        zone = rules.office_zone(profile)
        terms_url = str(profile.get("contact", {}).get("terms_url", "")) or ui_text(
            "booking.mail.terms-page"
        ).get(language)
        ready_note = (
            ""
            if report.overall == "ready" and report.state == "valid"
            else "\n" + ui_text("booking.mail.not-ready").get(language)
        )
        return ui_text(
            "booking.mail.body",
            office=profile["name"][language],
            name=booking.name,
            number=booking.job_seeker_number,
            email=booking.email,
            phone=booking.phone,
            slots=slots,
            topic="\n".join("    " + line for line in booking.topic.splitlines()),
            interpreter=interpreter,
            consent=consent_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            terms_url=terms_url,
            verdict=verdict_text(report).get(language),
            ready_note=ready_note,
            report=report.json_path.name,
            html=report.json_path.with_suffix(".html").name,
            version=__version__,
        ).get(language)

    text = render("ja")
    if lang == "en":
        text += "\n\n" + "-" * 20 + " English " + "-" * 20 + "\n\n" + render("en")
    return text


def subject(booking: Booking, profile: dict[str, Any]) -> str:
    return ui_text(
        "booking.mail.subject",
        name=booking.name,
        slot=describe_slot(booking.slots[0], profile, "ja"),
    ).ja


def compose(
    booking: Booking,
    profile: dict[str, Any],
    *,
    report: ReportFiles,
    consent_at: datetime,
    now: datetime,
    lang: str,
    to: str = "",
) -> EmailMessage:
    """The draft: To the office (empty when unknown), the applicant as From, report attached."""
    message = EmailMessage(policy=email.policy.SMTP)
    to = to or str(profile.get("contact", {}).get("booking_email", ""))
    if to:
        message["To"] = to
    message["From"] = booking.email
    message["Subject"] = subject(booking, profile)
    message["Date"] = email.utils.format_datetime(now)
    message["Message-ID"] = email.utils.make_msgid(domain="precheck.invalid")
    message["X-Unsent"] = "1"
    message["X-Mailer"] = f"precheck {__version__}"
    message.set_content(
        body_text(booking, profile, report=report, consent_at=consent_at, lang=lang)
    )
    message.add_attachment(
        report.json_bytes,
        maintype="application",
        subtype="json",
        filename=report.json_path.name,
    )
    message.add_attachment(
        report.html.encode("utf-8"),
        maintype="text",
        subtype="html",
        filename=report.json_path.with_suffix(".html").name,
    )
    return message


def mailto_url(
    booking: Booking,
    profile: dict[str, Any],
    *,
    report: ReportFiles,
    consent_at: datetime,
    lang: str,
    to: str = "",
) -> str:
    """A `mailto:` link (RFC 6068) for when no program opens `.eml`: no attachment, so the body
    names the report file to attach by hand."""
    to = to or str(profile.get("contact", {}).get("booking_email", ""))
    body = ui_text("booking.mail.attach-by-hand", path=str(report.json_path)).get(lang)
    body += "\n\n" + body_text(booking, profile, report=report, consent_at=consent_at, lang=lang)
    query = urllib.parse.urlencode(
        {"subject": subject(booking, profile), "body": body.replace("\n", "\r\n")},
        quote_via=urllib.parse.quote,
    )
    return f"mailto:{urllib.parse.quote(to, safe='@')}?{query}"
