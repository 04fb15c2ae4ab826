"""`precheck verify FILE...`: is each report genuine, fresh, known, and for this job seeker?

For counselors and for scripts: one row per file and a summary, or `--json`. Exit codes
(exitcodes.py): 0 every report valid, 1 at least one not, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from precheck import exitcodes
from precheck.commands import add_lang

if TYPE_CHECKING:
    from precheck.report.verify import Verification

HELP = "報告書の署名と期限を確かめます / verify signed reports"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="report files (.json); - reads standard input"
    )
    parser.add_argument(
        "--job-seeker-number",
        metavar="NUMBER",
        help="the job seeker number the reports must be for (e.g. 12345-67890123)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    add_lang(parser)


def number_or_usage(args: argparse.Namespace, lang: str) -> tuple[str | None, bool]:
    """(the number, ok): a malformed --job-seeker-number is a usage error, said plainly."""
    from precheck.jobseeker import normalize_job_seeker_number
    from precheck.messages import ui_text

    raw = getattr(args, "job_seeker_number", None)
    if raw is None:
        return None, True
    normalized = normalize_job_seeker_number(raw)
    if normalized is None:
        print(ui_text("report.error.number", number=raw).get(lang), file=sys.stderr)
        return None, False
    return normalized, True


def verify_one(name: str, number: str | None) -> Verification:
    from precheck.report.format import MAX_REPORT_BYTES
    from precheck.report.verify import verify_file, verify_report

    if name == "-":
        data = sys.stdin.buffer.read(MAX_REPORT_BYTES + 1)
        return verify_report(data, job_seeker_number=number)
    return verify_file(Path(name), job_seeker_number=number)


def execute(args: argparse.Namespace) -> int:
    from precheck.i18n import pick_lang

    lang = pick_lang(args.lang)
    number, ok = number_or_usage(args, lang)
    if not ok:
        return exitcodes.USAGE
    checked = [(name, verify_one(name, number)) for name in args.files]
    if args.json:
        json.dump(as_json(checked), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_table(checked, lang))
    all_valid = all(v.valid for _, v in checked)
    return exitcodes.ALL_VALID if all_valid else exitcodes.SOME_INVALID


def _signing_keys(checked: list[tuple[str, Verification]]) -> int:
    """How many device keys signed the readable reports: more than one is worth a counselor's
    notice when the files are meant to come from one job seeker's PC."""
    return len({v.key_fingerprint for _, v in checked if v.report is not None})


def as_json(checked: list[tuple[str, Verification]]) -> dict[str, Any]:
    return {
        "reports": [{"file": name, **v.as_dict()} for name, v in checked],
        "summary": {
            "total": len(checked),
            "valid": sum(v.valid for _, v in checked),
            "invalid": sum(not v.valid for _, v in checked),
            "keys": _signing_keys(checked),
        },
    }


def _pad(text: str, width: int) -> str:
    from precheck.render.terminal import display_width

    return text + " " * max(0, width - display_width(text))


def state_line(v: Verification, lang: str) -> str:
    """✓ or ✗ and the state's name: the mark says valid or not even where colour is off."""
    from precheck.messages import ui_text

    kind = " " + ui_text("selfcheck.kind-short").get(lang) if v.kind == "browser" else ""
    return ("✓ " if v.valid else "✗ ") + ui_text(f"report.state.{v.state}").get(lang) + kind


def _problems(v: Verification, lang: str) -> str:
    """A valid report's problem checks; otherwise the first reason it is not valid."""
    if not v.valid:
        return v.reasons[0].get(lang) if v.reasons else "-"
    return ", ".join(f"{r['id']}({r['status']})" for r in v.failing) or "-"


def format_table(checked: list[tuple[str, Verification]], lang: str) -> str:
    """One row per report, then reasons and notes beyond the first, then the summary."""
    from precheck.messages import ui_text
    from precheck.render.terminal import display_width
    from precheck.report.html import when

    def t(key: str, **params: Any) -> str:
        return ui_text(key, **params).get(lang)

    header = [
        t("report.verify.col-state"),
        t("report.verify.col-file"),
        t("report.verify.col-overall"),
        t("report.verify.col-generated"),
        t("report.verify.col-skipped"),
        t("report.verify.col-key"),
        t("report.verify.col-problems"),
    ]
    rows = [header]
    for name, v in checked:
        report = v.report
        rows.append(
            [
                state_line(v, lang),
                name,
                t(f"report.overall-short.{v.overall}") if v.overall else "-",
                when(report.get("generated_at") or report["made_at"], "en")[:16] if report else "-",
                # checks this version could not do: "ready" with many of them means less
                f"{v.skipped}/{len(report['results'])}" if report else "-",
                (v.key_fingerprint or "-")[:16],
                _problems(v, lang),
            ]
        )
    widths = [max(display_width(row[i]) for row in rows) for i in range(6)]
    lines = [
        "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:6])) + "  " + row[6]
        for row in rows
    ]
    details = []
    for name, v in checked:
        extra = v.reasons[1:] + v.notes
        if v.number_match:
            extra.append(ui_text("report.verify.number", state=t("report.verify.match")))
        details += [f"  {name}: {text.get(lang)}" for text in extra]
    if details:
        lines += ["", *details]
    valid = sum(v.valid for _, v in checked)
    lines += ["", t("report.verify.summary", total=len(checked), valid=valid)]
    keys = _signing_keys(checked)
    if keys > 1:
        lines.append(t("report.verify.keys", count=keys))
    return "\n".join(lines)
