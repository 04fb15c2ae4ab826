"""Verifying a report: is it genuine, fresh, of a known format, and for this job seeker?

One function for everyone who trusts a report: `precheck verify` (counselors), the office
service (posted reports), the booking step (the report it attaches). It never raises and never
prints: every problem becomes a state and reasons in Japanese and English.

The order is fixed: size and JSON (unreadable) → format and version (unknown-format) → the
signature (invalid) → the schema and internal consistency (unknown-format) → time (future,
expired) → job seeker number (number-mismatch). `report` is only handed out once the signature
is good, so nobody can display a tampered report by mistake.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from precheck.jobseeker import normalize_job_seeker_number, number_hash
from precheck.messages import ui_text
from precheck.model import CheckResult, Status, Text, overall
from precheck.report import browser_check
from precheck.report.format import (
    FORMAT,
    FUTURE_TOLERANCE_SECONDS,
    MAX_REPORT_BYTES,
    SUPPORTED_VERSIONS,
    parse_time,
    schema_errors,
    utc_now,
)
from precheck.report.sign import check_signature

STATES = (
    "valid",
    "invalid",
    "expired",
    "future",
    "unknown-format",
    "unreadable",
    "number-mismatch",
)
"""Every `Verification.state`; only "valid" means the report can be relied on for a booking."""

PROBLEM_STATUSES = ("FAIL", "WARN", "UNKNOWN")
"""What `Verification.failing` lists: what a counselor should ask about (SKIPPED is counted)."""


@dataclass
class Verification:
    """The answer about one report; `as_dict()` is what `precheck verify --json` prints."""

    state: str
    reasons: list[Text] = field(default_factory=list)
    report: dict[str, Any] | None = None
    key_fingerprint: str | None = None
    number_hash: str | None = None
    number_match: bool | None = None
    catalogue: str | None = None
    notes: list[Text] = field(default_factory=list)
    kind: str = "pc"
    """"pc" for a report made by precheck on a PC, "browser" for the office's signed record of
    a phone's browser self-check (precheck.report.browser_check): shown as such, never as a PC
    report."""

    @property
    def valid(self) -> bool:
        return self.state == "valid"

    @property
    def overall(self) -> str | None:
        return None if self.report is None else str(self.report["overall"])

    @property
    def failing(self) -> list[dict[str, Any]]:
        """The results a counselor should look at (FAIL, WARN, UNKNOWN), in report order."""
        if self.report is None:
            return []
        return [r for r in self.report["results"] if r["status"] in PROBLEM_STATUSES]

    @property
    def skipped(self) -> int:
        if self.report is None:
            return 0
        return sum(r["status"] == "SKIPPED" for r in self.report["results"])

    def as_dict(self) -> dict[str, Any]:
        report = self.report or {}
        return {
            "state": self.state,
            "valid": self.valid,
            "reasons": [r.as_dict() for r in self.reasons],
            "notes": [n.as_dict() for n in self.notes],
            "overall": self.overall,
            "failing": [
                {"id": r["id"], "status": r["status"], "required": r["required"]}
                for r in self.failing
            ],
            "skipped": self.skipped,
            "generated_at": report.get("generated_at"),
            "expires_at": report.get("expires_at"),
            "key_fingerprint": self.key_fingerprint,
            "key_status": report.get("device", {}).get("key_status"),
            "device_id": report.get("device", {}).get("id"),
            "catalogue": self.catalogue,
            "number_hash": self.number_hash,
            "number_match": self.number_match,
            "kind": self.kind,
        }


class _Unreadable(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Duplicate keys are refused: parsers disagree on which one wins, a signature cannot."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Unreadable(f"the key {key!r} appears twice")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise _Unreadable(f"{name} is not a JSON number")


def parse(data: bytes) -> tuple[Any, list[Text]]:
    """The JSON value, or (None, the reasons the bytes are not JSON)."""
    if len(data) > MAX_REPORT_BYTES:
        return None, [ui_text("report.reason.too-large", size=len(data), limit=MAX_REPORT_BYTES)]
    try:
        text = data.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except UnicodeDecodeError:
        return None, [ui_text("report.reason.not-utf8")]
    except json.JSONDecodeError as exc:
        return None, [ui_text("report.reason.not-json", detail=f"{exc.msg}, line {exc.lineno}")]
    except _Unreadable as exc:
        return None, [ui_text("report.reason.not-json", detail=str(exc))]
    except RecursionError:
        return None, [ui_text("report.reason.not-json", detail="nested too deeply")]
    return value, []


def _catalogue_state(report: dict[str, Any]) -> tuple[str | None, list[Text]]:
    from precheck.catalogue import CatalogueError, load_catalogue

    try:
        mine = load_catalogue()
    except (CatalogueError, OSError):  # a broken installation: say nothing rather than guess
        return None, []
    theirs = report["catalogue"]
    if theirs["version"] == mine.version and theirs["digest"] == mine.digest:
        return "current", []
    if theirs["version"] == mine.version:
        return "modified", [ui_text("report.note.catalogue-modified", version=mine.version)]
    return "other-version", [
        ui_text("report.note.catalogue-other", theirs=theirs["version"], mine=mine.version)
    ]


def _consistency(report: dict[str, Any]) -> list[Text]:
    """What the schema cannot say: the verdict follows from the results, the dates agree."""
    reasons = []
    results = [CheckResult.from_dict(r) for r in report["results"]]
    ids = [r.id for r in results]
    if len(set(ids)) != len(ids):
        reasons.append(ui_text("report.reason.duplicate-check"))
    if overall(results).value != report["overall"]:
        reasons.append(ui_text("report.reason.overall", overall=report["overall"]))
    generated = parse_time(report["generated_at"])
    expires = parse_time(report["expires_at"])
    days = timedelta(days=report["validity_days"])
    if generated is None or expires is None or expires - generated != days:
        reasons.append(ui_text("report.reason.dates"))
    if any(r.status is Status.PASS and r.remediation is not None for r in results):
        reasons.append(ui_text("report.reason.remediation"))
    return reasons


def verify_report(
    data: bytes,
    *,
    now: datetime | None = None,
    job_seeker_number: str | None = None,
    office_key: str | None = None,
) -> Verification:
    """Check one report's bytes; see the module docstring for the order and the states.

    `now` (aware) is the time to judge freshness at, default the clock. `job_seeker_number`
    (any spelling the booking form accepts) must then match the report's number hash.
    A browser self-check record (a phone's) is verified by its own rules; `office_key`, the
    fingerprint of the office's own key, pins who may have signed it.
    """
    report, reasons = parse(data)
    if reasons:
        return Verification("unreadable", reasons)
    if isinstance(report, dict) and report.get("format") == browser_check.FORMAT:
        record = browser_check.verify_record(report, now=now, office_key=office_key)
        checked = record.report is not None and job_seeker_number is not None
        if checked and not _number_matches(record, str(job_seeker_number)):
            record.state = "number-mismatch" if record.state == "valid" else record.state
        return record
    if not isinstance(report, dict) or report.get("format") != FORMAT:
        return Verification("unknown-format", [ui_text("report.reason.not-report")])
    version = report.get("version")
    if version not in SUPPORTED_VERSIONS or isinstance(version, bool):
        return Verification(
            "unknown-format", [ui_text("report.reason.version", version=str(version)[:20])]
        )
    key_fingerprint, reasons = check_signature(report)
    if key_fingerprint is None:
        return Verification("invalid", reasons)
    problems = schema_errors(report)
    if problems:
        return schema_refusal(problems, key_fingerprint)
    inconsistent = _consistency(report)
    if inconsistent:
        return Verification("unknown-format", inconsistent, None, key_fingerprint)

    result = Verification("valid", [], report, key_fingerprint)
    result.number_hash = report["job_seeker_number_sha256"]
    result.catalogue, result.notes = _catalogue_state(report)
    if report["device"]["key_status"] != "existing":
        result.notes.append(ui_text(f"report.note.key-{report['device']['key_status']}"))
    moment = now or utc_now()
    generated = parse_time(report["generated_at"])
    expires = parse_time(report["expires_at"])
    assert generated is not None and expires is not None  # _consistency checked them
    states: list[str] = []
    if generated > moment + timedelta(seconds=FUTURE_TOLERANCE_SECONDS):
        states.append("future")
        result.reasons.append(ui_text("report.reason.future"))
    if moment >= expires:
        states.append("expired")
        result.reasons.append(ui_text("report.reason.expired"))
    if job_seeker_number is not None and not _number_matches(result, job_seeker_number):
        states.append("number-mismatch")
    if states:
        result.state = states[0]
    return result


def schema_refusal(problems: list[str], fingerprint: str, kind: str = "pc") -> Verification:
    """A signed document that breaks its schema: its signature held, its content is unusable."""
    detail = "; ".join(problems[:3])
    return Verification(
        "unknown-format",
        [ui_text("report.reason.schema", detail=detail)],
        None,
        fingerprint,
        kind=kind,
    )


def _number_matches(result: Verification, job_seeker_number: str) -> bool:
    """Compare the number the counselor typed with the hash a genuine report or record holds."""
    normalized = normalize_job_seeker_number(job_seeker_number)
    if normalized is None:
        result.number_match = False
        result.reasons.append(ui_text("report.reason.number-invalid"))
    elif result.number_hash is None:
        result.number_match = False
        result.reasons.append(ui_text("report.reason.number-absent"))
    else:
        result.number_match = number_hash(normalized) == result.number_hash
        if not result.number_match:
            result.reasons.append(ui_text("report.reason.number-mismatch"))
    return bool(result.number_match)


def read_limited(path: Path) -> bytes:
    """At most MAX_REPORT_BYTES + 1 bytes of `path`: a huge or endless file is never read whole.

    Raises OSError like `open` does.
    """
    with open(path, "rb") as handle:
        return handle.read(MAX_REPORT_BYTES + 1)


def verify_file(
    path: Path, *, now: datetime | None = None, job_seeker_number: str | None = None
) -> Verification:
    """`verify_report` of a file, with unreadable files (missing, no permission) as states."""
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            return Verification(
                "unreadable",
                [ui_text("report.reason.too-large", size=size, limit=MAX_REPORT_BYTES)],
            )
        data = read_limited(path)
    except FileNotFoundError:
        return Verification("unreadable", [ui_text("report.reason.no-file")])
    except IsADirectoryError:
        return Verification("unreadable", [ui_text("report.reason.folder")])
    except PermissionError:
        return Verification("unreadable", [ui_text("report.reason.permission")])
    except OSError as exc:
        return Verification(
            "unreadable", [ui_text("report.reason.os", detail=exc.strerror or str(exc))]
        )
    return verify_report(data, now=now, job_seeker_number=job_seeker_number)
