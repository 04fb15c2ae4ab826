"""A day's bookings as CSV for the office's own records, openable by Excel in Japan.

UTF-8 with a byte-order mark: Japanese Excel opens a BOM-less CSV as Shift_JIS and shows
mojibake. The file carries what a counselor needs for the day — never report internals
(facts, device keys, signatures): only the verification state and the overall verdict.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from precheck.messages import ui_text
from precheck.office.dashboard.views import BookingFacts, ReportSummary

COLUMNS = (
    "date",
    "time",
    "name",
    "number",
    "email",
    "phone",
    "topic",
    "assistant",
    "status",
    "report",
    "verdict",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """A value Excel shows as text: one that would start a formula gets a leading apostrophe.

    Names, topics and phone numbers come from the public; `=HYPERLINK(...)` in a name must not
    become a live formula on a counselor's PC (CSV injection).
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def bookings_csv(rows: Sequence[tuple[BookingFacts, str, ReportSummary]], lang: str) -> bytes:
    """The CSV bytes (UTF-8 with BOM, CRLF line ends as Excel writes them) for `rows`.

    Each row is a booking, its current status and its report summary, in slot order.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([ui_text(f"dashboard.csv.{c}").get(lang) for c in COLUMNS])
    for booking, status, report in rows:
        writer.writerow([cell(v) for v in _values(booking, status, report, lang)])
    return out.getvalue().encode("utf-8-sig")


def _values(booking: BookingFacts, status: str, report: ReportSummary, lang: str) -> Iterable[str]:
    verdict = (report.verdict or ui_text("dashboard.no-verdict")).get(lang)
    return (
        booking.start.date().isoformat(),
        booking.start.strftime("%H:%M"),
        booking.name,
        booking.number,
        booking.email,
        booking.phone,
        booking.topic,
        booking.assistant,
        ui_text(f"dashboard.status.{status}").get(lang),
        report.label.get(lang),
        verdict,
    )
