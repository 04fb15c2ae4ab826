"""`precheck replay FILE`: show what a user's saved evidence makes precheck say, on any OS.

A replay never writes a signed report: the evidence is another device's, and this device's
key must only vouch for checks this device ran (check_and_report is called without `sign`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from precheck import exitcodes
from precheck.commands.run import add_common, check_and_report

HELP = "保存した証跡から結果を再現します / replay saved evidence"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", type=Path, help="evidence bundle from `precheck run --save-evidence`"
    )
    add_common(parser)


def execute(args: argparse.Namespace) -> int:
    from precheck.host import EvidenceError, ReplayHost, load_bundle
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text

    try:
        bundle = load_bundle(args.file)
    except EvidenceError as exc:
        print(
            ui_text("error.evidence", detail=exc.text()).get(pick_lang(args.lang)), file=sys.stderr
        )
        return exitcodes.USAGE
    return check_and_report(ReplayHost(bundle, str(args.file)), args)
