"""The signed report: made on the job seeker's PC, verified by counselors and the office service.

The interface other parts build on (keep names and signatures stable):

    make_report(run, catalogue, profile, *, job_seeker_number=None, now=None) -> dict
    write_report(report) -> (json_path, html_path)
    verify_report(data: bytes, *, now=None, job_seeker_number=None) -> Verification
    verify_file(path, *, now=None, job_seeker_number=None) -> Verification
    render_html(report, lang, *, verification=None) -> str
    latest_report(directory=None) -> Path | None

Format: docs/report.md and reports/report.schema.json. What the signature proves and what it
cannot: docs/threat-model.md. Heavy libraries (cryptography, rfc8785, jsonschema) are imported
inside the functions that use them.
"""

from precheck.report.html import render_html
from precheck.report.make import ReportError, make_report
from precheck.report.store import latest_report, report_bytes, write_report
from precheck.report.verify import STATES, Verification, verify_file, verify_report

__all__ = [
    "STATES",
    "ReportError",
    "Verification",
    "latest_report",
    "make_report",
    "render_html",
    "report_bytes",
    "verify_file",
    "verify_report",
    "write_report",
]
