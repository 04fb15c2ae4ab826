"""Where reports go: the job seeker's documents folder, a signed .json and its .html beside it.

Both files are written atomically (fsutil.write_atomic). The pair is all or nothing: when the
HTML cannot be written after the JSON was, the JSON is removed again, so the folder never holds
a report without its readable copy, nor half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from precheck.fsutil import WriteError, write_atomic
from precheck.paths import reports_dir
from precheck.report.format import parse_time

PREFIX = "precheck-report-"


def report_bytes(report: dict[str, Any]) -> bytes:
    """The file form of a report: UTF-8, indented for people; the signature does not mind."""
    return json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _stem(report: dict[str, Any], directory: Path) -> str:
    """precheck-report-YYYYMMDD-HHMMSS (Japan time), with -2, -3… if that name is taken."""
    moment = parse_time(report.get("generated_at"))
    stamp = moment.strftime("%Y%m%d-%H%M%S") if moment else "undated"
    stem, n = f"{PREFIX}{stamp}", 1
    while (directory / f"{stem}.json").exists() or (directory / f"{stem}.html").exists():
        n += 1
        stem = f"{PREFIX}{stamp}-{n}"
    return stem


def write_report(
    report: dict[str, Any], directory: Path | None = None, *, lang: str = "ja"
) -> tuple[Path, Path]:
    """Save the signed report and its HTML rendering; return (json_path, html_path).

    `directory` defaults to `precheck.paths.reports_dir()` (Documents/precheck). `lang` is the
    language the HTML opens in (it carries both). Raises fsutil.WriteError, leaving nothing.
    """
    from precheck.report.html import render_html

    directory = directory or reports_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"{directory}: {exc.strerror or exc}") from exc
    stem = _stem(report, directory)
    json_path, html_path = directory / f"{stem}.json", directory / f"{stem}.html"
    page = render_html(report, lang).encode("utf-8")
    write_atomic(json_path, report_bytes(report))
    try:
        write_atomic(html_path, page)
    except WriteError:
        with contextlib.suppress(OSError):
            os.unlink(json_path)
        raise
    return json_path, html_path


def latest_report(
    directory: Path | None = None, *, job_seeker_number: str | None = None
) -> Path | None:
    """The newest report in `directory` (default: reports_dir()) that verifies as valid now.

    Expired, tampered and unreadable files are passed over, and with `job_seeker_number` so
    are reports made for another number or none (a booking can only use its own); None when
    there is no valid one.
    """
    from precheck.report.verify import verify_file

    directory = directory or reports_dir()
    try:
        candidates = sorted(directory.glob(f"{PREFIX}*.json"))
    except OSError:
        return None
    best: tuple[Any, Path] | None = None
    for path in candidates:
        verification = verify_file(path, job_seeker_number=job_seeker_number)
        if not verification.valid or verification.report is None:
            continue
        moment = parse_time(verification.report["generated_at"])
        if moment is not None and (best is None or moment > best[0]):
            best = (moment, path)
    return best[1] if best else None
