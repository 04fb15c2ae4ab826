"""The booking handoff as services the CLI (`precheck book`) and the desktop app call alike.

Moved out of `precheck/commands/book.py` without changing what it does or says: the consent
summary, the choice of report (newest valid one for this job seeker, else a fresh one), and the
handoff (.eml draft, .ics entry, the user's own programs, the office's intake through the
outbox). Messages go through `Say`, so the CLI prints them and the app shows them on its page:
one set of rules and words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from precheck import exitcodes

if TYPE_CHECKING:
    from precheck.booking.form import Booking
    from precheck.booking.mail import ReportFiles


class Say(Protocol):
    """Where the handoff's messages go, in one language (book.Console, or the app's page)."""

    lang: str

    def say(self, key: str, **params: Any) -> None: ...

    def text(self, key: str, **params: Any) -> str: ...


@dataclass(frozen=True)
class HandOffOptions:
    out: Path | None = None
    """Where the .eml and .ics go (default: the reports folder)."""
    to: str = ""
    """The office's booking address when the profile has none (`--to`)."""
    open_programs: bool = True
    """Open the draft and calendar entry with the user's default programs."""


@dataclass(frozen=True)
class HandOff:
    code: int
    """exitcodes.READY, BOOKING_QUEUED or BOOKING_REFUSED (from the intake)."""
    eml_path: Path
    ics_path: Path


def consent_summary(profile: Mapping[str, Any], say: Say) -> None:
    """Say the terms' page (or where to read the terms) and what agreeing means (Art. 6(2))."""
    contact = profile.get("contact", {})
    where = contact.get("where", {})
    terms = str(contact.get("terms_url", "")) or say.text(
        "booking.consent.terms-unknown", where=str(where.get(say.lang, ""))
    )
    say.say("booking.consent.summary", terms=terms, office=profile["name"][say.lang])


def report_for(
    profile: Mapping[str, Any], number: str, say: Say, fresh: Callable[[str], int]
) -> ReportFiles | int:
    """The report to attach: the newest valid one for this job seeker, else a fresh check.

    A report made without this job seeker's number (or for another) does not verify for the
    booking, so it is passed over and `fresh(number)` makes a new one (the CLI runs the checks;
    the app signs the run it just showed). Returns mail.ReportFiles, or an exit code when no
    report could be made.
    """
    from precheck.booking.mail import ReportFiles
    from precheck.report.html import render_html
    from precheck.report.store import latest_report
    from precheck.report.verify import read_limited, verify_report

    def attach(path: Path) -> ReportFiles | None:
        try:
            data = read_limited(path)
        except OSError:
            return None
        verification = verify_report(data, job_seeker_number=number)
        if verification.report is None:
            return None
        return ReportFiles(
            json_path=path,
            json_bytes=data,
            html=_html_beside(path)
            or render_html(verification.report, say.lang, verification=verification),
            overall=verification.overall,
            state=verification.state,
        )

    path = latest_report(job_seeker_number=number)
    found = attach(path) if path is not None else None
    if found is not None and found.state == "valid":
        say.say("booking.report.using", path=path)
        return found
    say.say("booking.report.running")
    code = fresh(number)
    path = latest_report(job_seeker_number=number)
    found = attach(path) if path is not None else None
    if code not in (exitcodes.READY, exitcodes.NOT_READY) or found is None:
        say.say("booking.report.failed", code=code)
        return code if code not in (exitcodes.READY, exitcodes.NOT_READY) else exitcodes.USAGE
    say.say("booking.report.using", path=path)
    return found


def _html_beside(path: Path) -> str | None:
    try:
        return path.with_suffix(".html").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def hand_off(
    profile: Mapping[str, Any],
    booking: Booking,
    report: ReportFiles,
    consent_at: datetime,
    say: Say,
    options: HandOffOptions,
) -> HandOff:
    """Write the .eml and .ics, open them, and submit to the intake service when there is one.

    Raises fsutil.WriteError when a file cannot be written (the caller keeps the draft).
    """
    import json

    from precheck.booking import ics, mail, opener, outbox, payload
    from precheck.booking import rules as booking_rules
    from precheck.fsutil import write_atomic
    from precheck.paths import reports_dir
    from precheck.profile import office_contact

    profile = dict(profile)
    lang = say.lang
    now = booking_rules.office_now(profile)
    out_dir: Path = options.out or reports_dir()
    stamp = booking.slots[0].strftime("%Y%m%d-%H%M")
    key = payload.new_idempotency_key()
    to = options.to
    message = mail.compose(
        booking, profile, report=report, consent_at=consent_at, now=now, lang=lang, to=to
    )
    eml_path = out_dir / f"precheck-booking-{stamp}.eml"
    ics_path = out_dir / f"precheck-booking-{stamp}.ics"
    write_atomic(eml_path, message.as_bytes(), private=True)
    calendar = ics.build_ics(booking.slots, profile, uid_base=key, now=now, lang=lang)
    write_atomic(ics_path, calendar, private=True)

    def done(code: int) -> HandOff:
        return HandOff(code, eml_path, ics_path)

    say.say("booking.done.saved", eml=eml_path, ics=ics_path)
    for index, slot in enumerate(booking.slots, start=1):
        say.say("booking.done.choice", choice=index, slot=mail.describe_slot(slot, profile, lang))
    # One email carries every choice, so it must meet the earliest of their deadlines.
    due, choice = min(
        (booking_rules.deadlines(slot, profile).email_by, index)
        for index, slot in enumerate(booking.slots, start=1)
    )
    say.say(
        "booking.done.deadline-earliest" if len(booking.slots) > 1 else "booking.done.deadline",
        choice=choice,
        deadline=due.strftime("%Y-%m-%d %H:%M"),
        contact=office_contact(profile),
    )
    say.say("booking.done.verdict", verdict=mail.verdict_text(report).get(lang))
    address = to or str(profile.get("contact", {}).get("booking_email", ""))
    if not address:
        where = profile.get("contact", {}).get("where", {})
        say.say("booking.done.no-address", where=str(where.get(lang, "")))
    if options.open_programs:
        if opener.open_with_default(str(eml_path), "message/rfc822"):
            say.say("booking.done.opened")
        else:
            link = mail.mailto_url(
                booking, profile, report=report, consent_at=consent_at, lang=lang, to=to
            )
            if opener.open_with_default(link, "x-scheme-handler/mailto"):
                say.say("booking.done.mailto", path=report.json_path)
            else:
                say.say("booking.done.no-mail-program", eml=eml_path, path=report.json_path)
        opener.open_with_default(str(ics_path), "text/calendar")

    url = str(profile.get("intake", {}).get("url", ""))
    if not url:
        return done(exitcodes.READY)
    body = payload.build_payload(
        booking,
        report=json.loads(report.json_bytes),
        consent_at=consent_at,
        profile=profile,
        idempotency_key=key,
        now=now,
    )
    say.say("booking.intake.sending", url=url)
    _, result = outbox.deliver(body, url)
    say.say("booking.intake.result", message=result.message.get(lang))
    if result.outcome is outbox.Outcome.SENT:
        return done(exitcodes.READY)
    if result.outcome is outbox.Outcome.REJECTED:
        return done(exitcodes.BOOKING_REFUSED)
    say.say("booking.intake.queued")
    return done(exitcodes.BOOKING_QUEUED)
