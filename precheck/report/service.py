"""Sign and save a run's report: one service the CLI (`precheck run`) and the app call alike.

Moved out of the CLI layer so the desktop app signs exactly as `precheck run` does; the caller
decides how to show the paths and notices (terminal lines, or a page).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from precheck.catalogue import Catalogue
    from precheck.host import Host
    from precheck.runner import RunResult


@dataclass(frozen=True)
class Saved:
    """What signing produced: the paths (None when nothing was written), the notices to show
    (key created or replaced, a partial run, an error) and whether it failed."""

    paths: dict[str, str] | None
    notices: list[str] = field(default_factory=list)
    failed: bool = False


def save_report(
    run: RunResult,
    catalogue: Catalogue,
    profile: Mapping[str, Any],
    host: Host,
    *,
    lang: str,
    job_seeker_number: str | None = None,
    partial: bool = False,
) -> Saved:
    """Sign and write this run's report with this device's key.

    `partial` (a run limited by --only) writes nothing: a report must say every check.
    """
    from precheck.fsutil import WriteError
    from precheck.messages import ui_text
    from precheck.report.keys import load_device_key
    from precheck.report.make import ReportError, make_report
    from precheck.report.store import write_report

    if partial:
        return Saved(None, [ui_text("report.partial").get(lang)])
    try:
        key = load_device_key()
        report = make_report(
            run, catalogue, dict(profile), job_seeker_number=job_seeker_number, host=host, key=key
        )
        json_path, html_path = write_report(report, lang=lang)
    except ReportError as exc:
        return Saved(None, [ui_text("report.error.make", detail=str(exc)).get(lang)], True)
    except WriteError as exc:
        return Saved(None, [ui_text("report.error.write", detail=str(exc)).get(lang)], True)
    notices = []
    if key.status != "existing":
        message = ui_text(
            f"report.key-{key.status}", fingerprint=key.fingerprint[:16], problem=key.problem
        )
        notices.append(message.get(lang))
    return Saved({"json": str(json_path), "html": str(html_path)}, notices)
