"""`precheck run`: check this machine with the office profile and show what to fix."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from precheck import exitcodes
from precheck.commands import add_lang, add_profile

if TYPE_CHECKING:
    from precheck.catalogue import Catalogue
    from precheck.host import Host

HELP = "このパソコンを確認します / check this computer"


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options shared by `run` and `replay`."""
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--only", action="append", default=[], metavar="ID", help="run only this check (repeatable)"
    )
    add_lang(parser)
    add_profile(parser)


def configure(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument(
        "--save-evidence", type=Path, metavar="FILE", help="also save the evidence bundle to FILE"
    )
    parser.add_argument(
        "--job-seeker-number",
        metavar="NUMBER",
        help="make the report for a booking: it carries only a hash of this number",
    )
    parser.add_argument(
        "--no-report", action="store_true", help="do not write the signed report (docs/report.md)"
    )
    parser.add_argument(
        "--mic",
        action="store_true",
        help="also test the microphone: speak for a few seconds when asked",
    )


def execute(args: argparse.Namespace) -> int:
    from precheck.commands.verify import number_or_usage
    from precheck.host import LiveHost, RecordingHost
    from precheck.i18n import pick_lang

    _number, ok = number_or_usage(args, pick_lang(args.lang))
    if not ok:
        return exitcodes.USAGE
    recorder = RecordingHost() if args.save_evidence else None
    code = check_and_report(recorder or LiveHost(), args, sign=not args.no_report)
    if recorder is not None and code in (exitcodes.READY, exitcodes.NOT_READY):
        from precheck.fsutil import WriteError
        from precheck.messages import ui_text

        lang = pick_lang(args.lang)
        try:
            recorder.save(args.save_evidence)
        except WriteError as exc:
            print(ui_text("error.write", detail=str(exc)).get(lang), file=sys.stderr)
            return exitcodes.WRITE_FAILED
        print(ui_text("evidence-saved", path=args.save_evidence).get(lang), file=sys.stderr)
    return code


def load_rules(profile_path: Path | None, lang: str) -> tuple[dict[str, Any], Catalogue] | int:
    """The office profile and the catalogue, or exit code 2 after saying which is broken (the
    CLI's run and the app start the same way)."""
    from precheck.catalogue import CatalogueError, load_catalogue
    from precheck.messages import ui_text
    from precheck.profile import ProfileError, load_profile

    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        print(ui_text("error.profile", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.USAGE
    try:
        catalogue = load_catalogue()
    except CatalogueError as exc:
        print(ui_text("error.catalogue", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.USAGE
    return profile, catalogue


def check_and_report(host: Host, args: argparse.Namespace, *, sign: bool = False) -> int:
    """Run the checks on `host`, print them, and return the exit code; shared with replay.

    `sign` writes the signed report of this device: only `precheck run` passes it, since a
    replay shows another device's evidence and this device's key must not vouch for it.
    """
    from precheck.host import EvidenceError
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text
    from precheck.render.document import run_document
    from precheck.render.terminal import (
        Progress,
        format_overall,
        format_result,
        text_width,
        use_colour,
        wrap,
    )
    from precheck.runner import run_checks

    lang = pick_lang(args.lang)
    rules = load_rules(args.profile, lang)
    if isinstance(rules, int):
        return rules
    profile, catalogue = rules
    unknown = sorted(set(args.only) - set(catalogue.checks))
    if unknown:
        message = ui_text(
            "error.unknown-check",
            ids=", ".join(unknown),
            known=", ".join(s.id for s in catalogue.ordered()),
        )
        print(message.get(lang), file=sys.stderr)
        return exitcodes.USAGE
    total = len(set(args.only) or catalogue.checks)
    mic = bool(getattr(args, "mic", False)) and (not args.only or "microphone" in args.only)
    if mic:
        spec = catalogue.checks["microphone"]
        seconds = f"{spec.thresholds['max_seconds']:g}"
        print(spec.message("prompt", {"seconds": seconds}).get(lang), file=sys.stderr)
    progress = Progress(total, lang) if not args.json else None
    try:
        run = run_checks(
            host,
            catalogue,
            profile=profile,
            only=args.only,
            on_result=progress.step if progress else None,
            options={"mic": mic},
        )
    except EvidenceError as exc:
        if progress:
            progress.close()
        print(ui_text("error.evidence", detail=exc.text()).get(lang), file=sys.stderr)
        return exitcodes.USAGE
    if progress:
        progress.close()
    saved: dict[str, str] | None = None
    notices: list[str] = []
    failed = False
    if sign:
        from precheck.report.service import save_report

        outcome = save_report(
            run,
            catalogue,
            profile,
            host,
            lang=lang,
            job_seeker_number=args.job_seeker_number,
            partial=bool(args.only),
        )
        saved, notices, failed = outcome.paths, outcome.notices, outcome.failed
    if args.json:
        document = run_document(run, catalogue)
        if sign:
            document["report"] = saved
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        colour, width = use_colour(sys.stdout), text_width()
        print(ui_text("heading").get(lang))
        print()
        for result in run.results:
            print(format_result(result, lang, colour, width))
        print()
        print(format_overall(run.overall, lang, colour, width))
        if run.partial:
            partial = ui_text("run.partial", ids=", ".join(run.left_out)).get(lang)
            print("\n".join(wrap(partial, width - 1)))
        if saved:
            print()
            print(ui_text("report.saved", **saved).get(lang))
    for notice in notices:
        print(notice, file=sys.stderr)
    if failed:
        return exitcodes.WRITE_FAILED
    return exitcodes.READY if run.overall == "ready" else exitcodes.NOT_READY
