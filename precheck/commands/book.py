"""`precheck book`: the booking handoff of Article 6, from the form to an email draft.

Interactive by default (prompts in Japanese, English with --lang en); every field also has an
option, so helpdesk staff and tests can run it without a terminal. Order of work: form ①–⑥ and
the Article 6 rules (all errors at once; the typed values are kept as a draft), consent to the
terms (Article 6(2): sending the email counts as agreeing), the signed report (the newest valid
one for this job seeker, else a fresh check), then the .eml draft and .ics entry, opened with
the user's own programs, and, where the office runs one, the HTTPS intake through the outbox.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from precheck import exitcodes
from precheck.commands import add_lang, add_profile
from precheck.prompt import ask as read_answer

HELP = "予約メールの下書きを作ります / prepare the booking email"

_REQUIRED_OPTIONS = {
    "name": "--name",
    "job_seeker_number": "--job-seeker-number",
    "email": "--email",
    "phone": "--phone",
    "slots": "--slot",
    "topic": "--topic",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="① 氏名 / your name")
    parser.add_argument(
        "--job-seeker-number", metavar="NUMBER", help="② 求職番号 / job seeker number"
    )
    parser.add_argument("--email", help="③ メールアドレス / your email address")
    parser.add_argument("--phone", help="④ 電話番号 / your phone number")
    parser.add_argument(
        "--slot",
        action="append",
        default=[],
        metavar="YYYY-MM-DDTHH:MM",
        help="⑤ 希望日時（日本時間、第1希望から、2回まで）/ desired start, Japan time "
        "(first choice first, at most twice)",
    )
    parser.add_argument("--topic", help="⑥ 相談内容 / what to consult about")
    parser.add_argument(
        "--interpreter",
        metavar="TEXT",
        default=None,
        help="同席する通訳・介助者 / interpreter or assistant attending (第12条(3))",
    )
    parser.add_argument(
        "--private-room",
        action="store_true",
        help="個室等を用意することを申告 / declare a private room (第12条(3))",
    )
    parser.add_argument(
        "--yes", action="store_true", help="利用規約に同意する / agree to the terms (第6条(2))"
    )
    parser.add_argument(
        "--to",
        metavar="ADDRESS",
        help="予約用メールアドレス（プロファイルにない場合）/ the office's booking address",
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="保存先 / where to save (default: reports folder)"
    )
    parser.add_argument(
        "--no-open", action="store_true", help="メールソフトで開かない / do not open the draft"
    )
    add_lang(parser)
    add_profile(parser)


@dataclass
class Console:
    """Prompts and messages in one language; `ask` reads a line as input() does, so a pty or a
    pipe can drive it, and a test can pass its own."""

    lang: str
    interactive: bool
    ask: Callable[[str], str] = read_answer
    out: Any = field(default_factory=lambda: sys.stdout)

    def say(self, key: str, **params: Any) -> None:
        print(self.text(key, **params), file=self.out)

    def text(self, key: str, **params: Any) -> str:
        from precheck.messages import ui_text

        return ui_text(key, **params).get(self.lang)

    def prompt(self, key: str, default: str = "", **params: Any) -> str:
        label = self.text(key, **params)
        shown = f"{label} [{default}]: " if default else f"{label}: "
        answer = self.ask(shown).strip()
        return answer or default

    def confirm(self, key: str, default: bool = False, **params: Any) -> bool:
        hint = "[Y/n]" if default else "[y/N]"
        answer = self.ask(f"{self.text(key, **params)} {hint} ").strip().lower()
        if not answer:
            return default
        return answer in ("y", "yes", "はい", "ｙ", "ｙｅｓ")


def execute(args: argparse.Namespace) -> int:
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text
    from precheck.profile import ProfileError, load_profile

    lang = pick_lang(args.lang)
    try:
        profile = load_profile(args.profile)
    except ProfileError as exc:
        print(ui_text("error.profile", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.USAGE
    if args.to is not None:
        from precheck.booking.form import normalize_email

        address = normalize_email(args.to)
        if address is None:  # a list, a header or a typo would go into the To: line as is
            shown = " ".join(str(args.to).split())[:80]
            print(ui_text("booking.cli.bad-to", value=shown).get(lang), file=sys.stderr)
            return exitcodes.USAGE
        args.to = address
    given = _from_args(args)
    missing = [
        option
        for key, option in _REQUIRED_OPTIONS.items()
        if not given.get(key) and key not in ("slots",)
    ]
    if not given["slots"]:
        missing.append(_REQUIRED_OPTIONS["slots"])
    interactive = bool(missing) and sys.stdin.isatty()
    if missing and not interactive:
        print(ui_text("booking.cli.missing", options=" ".join(missing)).get(lang), file=sys.stderr)
        return exitcodes.USAGE
    console = Console(lang=lang, interactive=interactive)
    try:
        return _book(args, profile, given, console)
    except EOFError:
        print(file=sys.stderr)
        console.say("booking.cli.eof")
        return exitcodes.USAGE


def _from_args(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": args.name,
        "job_seeker_number": args.job_seeker_number,
        "email": args.email,
        "phone": args.phone,
        "slots": list(args.slot),
        "topic": args.topic,
        "interpreter": args.interpreter,
    }
    if args.private_room:
        values["private_room"] = True
    return values


def _book(
    args: argparse.Namespace, profile: dict[str, Any], given: dict[str, Any], console: Console
) -> int:
    from precheck.booking import draft

    values: dict[str, Any] = {}
    if console.interactive:
        values.update(draft.load_draft())
        if values:
            console.say("booking.cli.draft-loaded")
    values.update({k: v for k, v in given.items() if v not in (None, [], "")})
    try:
        return _steps(args, profile, given, values, console)
    except (KeyboardInterrupt, EOFError):
        _keep_draft(console, values)  # nothing typed is lost, whenever the user stops
        raise


def _steps(
    args: argparse.Namespace,
    profile: dict[str, Any],
    given: dict[str, Any],
    values: dict[str, Any],
    console: Console,
) -> int:
    from precheck.booking import draft
    from precheck.booking import rules as booking_rules
    from precheck.booking.form import FIELDS, validate_form
    from precheck.booking.service import HandOffOptions, hand_off, report_for
    from precheck.fsutil import WriteError
    from precheck.profile import office_contact

    if console.interactive:
        console.say(
            "booking.cli.intro",
            office=profile["name"][console.lang],
            contact=office_contact(profile),
        )
        _ask_fields(console, profile, values, [k for k in FIELDS if k not in _given_keys(given)])

    while True:
        now = booking_rules.office_now(profile)
        booking, errors = validate_form(values, profile, now)
        _show_errors(console, errors)
        if booking is None:
            _keep_draft(console, values)
            if not console.interactive:
                return exitcodes.BOOKING_REFUSED
            bad = [
                k for k in FIELDS if any(e.field == k for e in errors if e.severity == "refused")
            ]
            _ask_fields(console, profile, values, bad)
            continue
        warned = any(e.severity == "warning" for e in errors)
        if warned and console.interactive and not console.confirm("booking.cli.go-on", True):
            _ask_fields(console, profile, values, ["slots"])
            continue
        break

    consent_at = _consent(args, profile, console)
    if consent_at is None:
        _keep_draft(console, values)
        return exitcodes.BOOKING_NO_CONSENT

    try:
        report = report_for(
            profile,
            booking.job_seeker_number,
            console,
            lambda number: _fresh_report(args, number, console),
        )
    except WriteError as exc:
        _keep_draft(console, values)
        console.say("error.write", detail=str(exc))
        return exitcodes.WRITE_FAILED
    if isinstance(report, int):
        _keep_draft(console, values)
        return report

    try:
        options = HandOffOptions(out=args.out, to=args.to or "", open_programs=not args.no_open)
        code = hand_off(profile, booking, report, consent_at, console, options).code
    except WriteError as exc:
        _keep_draft(console, values)
        console.say("error.write", detail=str(exc))
        return exitcodes.WRITE_FAILED
    if code in (exitcodes.READY, exitcodes.BOOKING_QUEUED):
        draft.delete_draft()
    else:
        _keep_draft(console, values)
    return code


def _given_keys(given: dict[str, Any]) -> set[str]:
    return {k for k, v in given.items() if v not in (None, [], "")}


def _ask_fields(
    console: Console, profile: dict[str, Any], values: dict[str, Any], keys: list[str]
) -> None:
    """Ask for `keys` in the form's order, offering what is already there as the default."""
    from precheck.booking import rules as booking_rules
    from precheck.booking.mail import describe_slot

    for key in keys:
        if key == "slots":
            now = booking_rules.office_now(profile)
            suggestions = booking_rules.next_bookable(profile, now, count=4)
            console.say(
                "booking.cli.slot-help",
                windows="、".join(
                    f"{a:%H:%M}～{b:%H:%M}" for a, b in booking_rules.windows(profile)
                ),
                examples=", ".join(
                    f"{s:%Y-%m-%dT%H:%M} ({describe_slot(s, profile, console.lang)})"
                    for s in suggestions
                ),
            )
            old = list(values.get("slots") or [])
            first = console.prompt("booking.cli.ask.slot1", old[0] if old else "")
            second = console.prompt("booking.cli.ask.slot2", old[1] if len(old) > 1 else "")
            values["slots"] = [s for s in (first, second) if s]
        elif key == "private_room":
            values["private_room"] = console.confirm(
                "booking.cli.ask.private_room", values.get("private_room") is True
            )
        elif key == "interpreter":
            values["interpreter"] = console.prompt(
                "booking.cli.ask.interpreter", str(values.get("interpreter") or "")
            )
        else:
            values[key] = console.prompt(f"booking.cli.ask.{key}", str(values.get(key) or ""))


def _show_errors(console: Console, errors: list[Any]) -> None:
    from precheck.booking.form import errors_by_field

    grouped = errors_by_field(errors)
    if not grouped:
        return
    refused = any(e.severity == "refused" for e in errors)
    console.say("booking.cli.errors" if refused else "booking.cli.warnings")
    for name, found in grouped.items():
        label = console.text(f"booking.cli.label.{name}")
        for error in found:
            mark = "✗" if error.severity == "refused" else "⚠"
            message = error.text.get(console.lang)
            prefix = "" if message.startswith(label[:1]) else f"[{label}] "
            print(f"  {mark} {prefix}{message}", file=console.out)


def _keep_draft(console: Console, values: dict[str, Any]) -> None:
    from precheck.booking import draft
    from precheck.fsutil import WriteError

    try:
        path = draft.save_draft(values)
    except WriteError as exc:
        console.say("booking.cli.draft-failed", detail=str(exc))
        return
    console.say("booking.cli.draft-saved", path=path)


def _consent(
    args: argparse.Namespace, profile: dict[str, Any], console: Console
) -> datetime | None:
    """Show the terms' page and a summary, then take explicit agreement; its time, or None."""
    from precheck.booking import rules as booking_rules
    from precheck.booking.service import consent_summary

    consent_summary(profile, console)
    if args.yes:
        console.say("booking.consent.given-by-option")
        return booking_rules.office_now(profile)
    if not console.interactive:
        console.say("booking.consent.needs-yes")
        return None
    if console.confirm("booking.consent.ask"):
        return booking_rules.office_now(profile)
    console.say("booking.consent.declined")
    return None


def _fresh_report(args: argparse.Namespace, number: str, console: Console) -> int:
    """Check this PC through `precheck run`'s own code path, signing the report for `number`."""
    from precheck.commands.run import check_and_report
    from precheck.host import LiveHost

    run_args = argparse.Namespace(
        json=False, only=[], lang=console.lang, profile=args.profile, job_seeker_number=number
    )
    return check_and_report(LiveHost(), run_args, sign=True)
