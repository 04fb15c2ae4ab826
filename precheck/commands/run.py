"""`precheck run`: check this machine with the office profile and show what to fix."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from precheck import exitcodes

HELP = "このパソコンを確認します / check this computer"


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options shared by `run` and `replay`."""
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--only", action="append", default=[], metavar="ID", help="run only this check (repeatable)"
    )
    parser.add_argument("--lang", choices=("ja", "en"), help="language (default: from the locale)")
    parser.add_argument(
        "--profile", type=Path, metavar="FILE", help="office profile (default: Hello Work Tonami)"
    )


def configure(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument(
        "--save-evidence", type=Path, metavar="FILE", help="also save the evidence bundle to FILE"
    )


def execute(args: argparse.Namespace) -> int:
    from precheck.host import LiveHost, RecordingHost

    recorder = RecordingHost() if args.save_evidence else None
    code = check_and_report(recorder or LiveHost(), args)
    if recorder is not None and code in (exitcodes.READY, exitcodes.NOT_READY):
        from precheck.catalogue import ui_text
        from precheck.fsutil import WriteError
        from precheck.i18n import pick_lang

        lang = pick_lang(args.lang)
        try:
            recorder.save(args.save_evidence)
        except WriteError as exc:
            print(ui_text("error.write", detail=str(exc)).get(lang), file=sys.stderr)
            return exitcodes.WRITE_FAILED
        print(ui_text("evidence-saved", path=args.save_evidence).get(lang), file=sys.stderr)
    return code


def check_and_report(
    host: object, args: argparse.Namespace, *, on_run: Callable[..., None] | None = None
) -> int:
    """Run the checks on `host`, print them, and return the exit code; shared with replay.

    `on_run(run, catalogue, profile)` receives the finished run (the booking step makes its
    signed report from it) before the exit code is decided.
    """
    from precheck.catalogue import CatalogueError, load_catalogue, ui_text
    from precheck.host import EvidenceError, Host
    from precheck.i18n import pick_lang
    from precheck.render.document import run_document
    from precheck.render.terminal import Progress, format_overall, format_result, use_colour
    from precheck.runner import run_checks

    assert isinstance(host, Host)
    lang = pick_lang(args.lang)
    from precheck.profile import ProfileError, load_profile

    try:
        profile = load_profile(args.profile)
    except ProfileError as exc:
        print(ui_text("error.profile", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.USAGE
    try:
        catalogue = load_catalogue()
    except CatalogueError as exc:
        print(ui_text("error.catalogue", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.USAGE
    unknown = sorted(set(args.only) - set(catalogue.checks))
    if unknown:
        message = ui_text(
            "error.unknown-check",
            ids=", ".join(unknown),
            known=", ".join(s.id for s in catalogue.ordered()),
        )
        print(message.get(lang), file=sys.stderr)
        return exitcodes.USAGE
    total = len((args.only and set(args.only)) or catalogue.checks)
    progress = Progress(total, lang) if not args.json else None
    try:
        run = run_checks(
            host,
            catalogue,
            profile=profile,
            only=args.only,
            on_result=progress.step if progress else None,
        )
    except EvidenceError as exc:
        if progress:
            progress.close()
        print(ui_text("error.evidence", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.USAGE
    if progress:
        progress.close()
    if on_run is not None:
        on_run(run, catalogue, profile)
    if args.json:
        json.dump(run_document(run, catalogue), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        colour = use_colour(sys.stdout)
        print(ui_text("heading").get(lang))
        print()
        for result in run.results:
            print(format_result(result, lang, colour))
        print()
        print(format_overall(run.overall, lang, colour))
    return exitcodes.READY if run.overall == "ready" else exitcodes.NOT_READY
