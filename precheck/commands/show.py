"""`precheck show FILE`: read a signed report as a person would, in the terminal or as HTML.

The report is verified first and its state heads the output; a report whose signature fails
is never rendered (its content could say anything), only why it was refused. Exit codes as
`precheck verify` (0 valid, 1 not valid, 2 usage), and 3 when the HTML cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from precheck import exitcodes
from precheck.commands import add_lang

if TYPE_CHECKING:
    from precheck.report.verify import Verification

HELP = "報告書を表示します / show a signed report"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="report file (.json); - reads standard input")
    parser.add_argument(
        "--html", metavar="OUT", help="write the report as one HTML page to OUT (- for stdout)"
    )
    parser.add_argument(
        "--job-seeker-number", metavar="NUMBER", help="also check the report is for this number"
    )
    add_lang(parser)


def execute(args: argparse.Namespace) -> int:
    from precheck.commands.verify import number_or_usage, verify_one
    from precheck.fsutil import WriteError, write_atomic
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text
    from precheck.render.terminal import use_colour
    from precheck.report.html import render_html

    lang = pick_lang(args.lang)
    number, ok = number_or_usage(args, lang)
    if not ok:
        return exitcodes.USAGE
    verification = verify_one(args.file, number)
    code = exitcodes.ALL_VALID if verification.valid else exitcodes.SOME_INVALID
    if verification.report is None or args.html is None or verification.kind == "browser":
        print(format_report(verification, lang, use_colour(sys.stdout)))
        return code
    page = render_html(verification.report, lang, verification=verification)
    if args.html == "-":
        sys.stdout.write(page)
        return code
    out = Path(args.html)
    folder = out.parent.resolve()
    if not folder.is_dir():
        print(ui_text("show.error.no-folder", folder=folder).get(lang), file=sys.stderr)
        return exitcodes.WRITE_FAILED
    try:
        write_atomic(out, page.encode("utf-8"), make_folders=False)
    except WriteError as exc:
        print(
            ui_text("show.error.write", folder=folder, detail=str(exc)).get(lang), file=sys.stderr
        )
        return exitcodes.WRITE_FAILED
    print(args.html)
    return code


def format_browser_record(v: Verification, lang: str) -> str:
    """A phone's browser self-check: each finding in this catalogue's words, the user's
    declarations kept apart as declared (shown instead of an HTML page: there is no PC report)."""
    from precheck.commands.verify import state_line
    from precheck.messages import ui_text
    from precheck.report.html import when

    record = v.report or {}

    def t(key: str, **params: object) -> str:
        return ui_text(key, **params).get(lang)

    lines = [state_line(v, lang), *(n.get(lang) for n in v.notes)]
    lines += [f"{t('report.html.generated')}: {when(record['made_at'], lang)}", ""]
    for r in record["results"]:
        label = t(f"status.{r['status']}")
        said = t(f"selfcheck.code.{r['code']}", **(r["params"] or {}))
        lines.append(f"{label}  {said}")
    lines += ["", t("selfcheck.declared.title")]
    for field, value in record["declared"].items():
        lines.append(
            f"  {t(f'selfcheck.question.{field}')} {t(f'selfcheck.answer.{field}.{value}')}"
        )
    return "\n".join(lines)


def format_report(v: Verification, lang: str, colour: bool) -> str:
    """The verification state, then (when the signature held) the report as `precheck run`."""
    if v.kind == "browser" and v.report is not None:
        return format_browser_record(v, lang)
    from precheck.commands.verify import state_line
    from precheck.messages import ui_text
    from precheck.model import CheckResult
    from precheck.render.terminal import format_overall, format_result, paint, text_width
    from precheck.report.html import gigabytes, when

    mark = paint(state_line(v, lang), "1;32" if v.valid else "1;31", colour)
    lines = [mark, *(f"  {r.get(lang)}" for r in v.reasons), *(f"  {n.get(lang)}" for n in v.notes)]
    report = v.report
    if report is None:
        return "\n".join(lines)

    def t(key: str, **params: object) -> str:
        return ui_text(key, **params).get(lang)

    device = report["device"]
    os_info = device["os"]
    lines += [
        "",
        t("report.html.heading"),
        f"{t('report.html.generated')}: {when(report['generated_at'], lang)}",
        f"{t('report.html.expires')}: {when(report['expires_at'], lang)}",
        f"{t('report.html.office')}: {report['profile']['name'][lang] or report['profile']['id']}",
        f"{t('report.html.booking')}: "
        + (
            t("report.html.booking-yes", hash=report["job_seeker_number_sha256"][:16])
            if report["job_seeker_number_sha256"]
            else t("report.html.booking-no")
        ),
        f"{t('report.html.os')}: {os_info['system']} {os_info['release']} ({os_info['machine']})"
        f" / {t('report.html.cpu')}: {device['cpu_model'] or '-'}"
        f" / {t('report.html.memory')}: {gigabytes(device['memory_total'])}",
        f"{t('report.html.device-id')}: {device['id']}",
        f"{t('report.html.key')}: {v.key_fingerprint}"
        f" ({t('report.key-status.' + device['key_status'])})",
        # key_status is the signer's own word; continuity is known only from earlier reports
        t("report.key-continuity"),
        "",
    ]
    width = text_width()
    lines += [
        format_result(CheckResult.from_dict(r), lang, colour, width) for r in report["results"]
    ]
    lines += ["", format_overall(report["overall"], lang, colour, width)]
    return "\n".join(lines)
