"""`precheck outbox`: bookings waiting for the office's intake service; show, resend, remove."""

from __future__ import annotations

import argparse
import sys

from precheck import exitcodes
from precheck.commands import add_lang

HELP = "送信待ちの予約を表示・再送します / show and resend waiting bookings"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--send", action="store_true", help="再送する / send again now")
    parser.add_argument(
        "--remove", metavar="KEY", help="この予約を送信待ちから消す / drop this waiting booking"
    )
    add_lang(parser)


def execute(args: argparse.Namespace) -> int:
    from precheck.booking import outbox
    from precheck.fsutil import WriteError
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text

    lang = pick_lang(args.lang)

    def say(key: str, **params: object) -> None:
        print(ui_text(key, **params).get(lang))

    if args.remove:
        if outbox.remove(args.remove):
            say("booking.outbox.removed", entry=args.remove)
            return exitcodes.READY
        print(ui_text("booking.outbox.no-such", entry=args.remove).get(lang), file=sys.stderr)
        return exitcodes.USAGE
    try:
        results = outbox.send_all() if args.send else []
    except WriteError as exc:
        print(ui_text("error.write", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.WRITE_FAILED
    for entry, result in results:
        say("booking.outbox.line-result", entry=entry.key, message=result.message.get(lang))
    found, broken = outbox.entries()
    for problem in broken:
        print(ui_text("booking.outbox.broken", detail=str(problem)).get(lang), file=sys.stderr)
    if not found:
        say("booking.outbox.empty")
        return exitcodes.USAGE if broken else exitcodes.READY
    say("booking.outbox.heading", count=len(found), folder=outbox.outbox_dir())
    for entry in found:
        applicant = entry.payload.get("applicant", {})
        slots = entry.payload.get("slots", [])
        error = entry.last_error or {}
        say(
            "booking.outbox.line",
            entry=entry.key,
            state=ui_text(f"booking.outbox.state.{entry.state}").get(lang),
            name=applicant.get("name", "?") if isinstance(applicant, dict) else "?",
            slots=", ".join(str(s) for s in slots) if isinstance(slots, list) else "?",
            created=entry.created_at,
            attempts=entry.attempts,
            url=entry.url,
            error=error.get(lang, "") if isinstance(error, dict) else "",
        )
    if any(e.state == outbox.Outcome.REJECTED.value for e in found):
        return exitcodes.BOOKING_REFUSED
    return exitcodes.BOOKING_QUEUED
