"""The browser self-check record: what a phone's browser check found, signed by the office.

A phone cannot run precheck, so the office's own server serves the check page (Article 2(3))
and signs the record with the office's key. Three parts are kept apart because they deserve
different trust: `server_observed` (what the office's server saw itself: the User-Agent and
client hints it received, the round trips and upload it timed), `page_reported` (what the page
measured on the phone: camera, microphone and network figures; the server cannot see a camera)
and `declared` (the user's answers about what a browser cannot see). A counselor is shown such
a record as "checked in the browser", never as a PC report.

The envelope is the report's (Ed25519 over RFC 8785, `precheck.report.sign`); the JSON Schema is
`reports/browser-check.schema.json`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from precheck.messages import ui_text
from precheck.report.format import FUTURE_TOLERANCE_SECONDS, parse_time, utc_now
from precheck.report.keys import DeviceKey
from precheck.report.sign import check_signature, sign

if TYPE_CHECKING:
    from precheck.report.verify import Verification

FORMAT = "precheck-browser-check"
VERSION = 1
SCHEMA = "browser-check.schema.json"
REQUIRED = {"os-support": True, "camera": True, "network": True, "microphone": False}
"""As on a PC: the microphone check is advisory."""

ADMITS = {"antivirus": ("no",), "file_sharing": ("some",), "wifi": ("public",)}
"""Declarations that say a condition of the terms is not met."""


def overall_of(results: list[Mapping[str, Any]], declared: Mapping[str, str]) -> str:
    """The PC rule (model.overall) over dict results, with the user's declarations counted:
    a declaration can make a record worse (it admits a problem), never better."""
    if any(r["required"] and r["status"] == "FAIL" for r in results):
        return "not-ready"
    admitted = any(declared.get(k) in v for k, v in ADMITS.items())
    unsure = any(v == "unknown" for v in declared.values())
    if admitted:
        return "not-ready"
    if unsure or any(r["status"] != "PASS" for r in results):
        return "needs-attention"
    return "ready"


def make_record(body: Mapping[str, Any], key: DeviceKey) -> dict[str, Any]:
    """`body` holds every member but `overall` and `signature`; both are added here."""
    record = dict(body)
    record["overall"] = overall_of(record["results"], record["declared"])
    return sign(record, key)


def schema_errors(record: Any) -> list[str]:
    from precheck.report.format import schema_errors as errors_of

    return errors_of(record, SCHEMA)


def verify_record(
    record: dict[str, Any], *, now: datetime | None = None, office_key: str | None = None
) -> Verification:
    """A Verification (kind "browser") of a parsed record whose format is FORMAT.

    `office_key` is the fingerprint of the office's own key, where the caller knows it (the
    office service): a record signed by any other key is invalid, since anyone can make a key.
    """
    from precheck.report.verify import Verification, schema_refusal

    if record.get("version") != VERSION or isinstance(record.get("version"), bool):
        version = str(record.get("version"))[:20]
        return Verification(
            "unknown-format", [ui_text("report.reason.version", version=version)], kind="browser"
        )
    fingerprint, reasons = check_signature(record)
    if fingerprint is None:
        return Verification("invalid", reasons, kind="browser")
    if office_key is not None and fingerprint != office_key:
        return Verification(
            "invalid", [ui_text("selfcheck.reason.other-key")], None, fingerprint, kind="browser"
        )
    problems = schema_errors(record)
    if problems:
        return schema_refusal(problems, fingerprint, kind="browser")
    made, expires = parse_time(record["made_at"]), parse_time(record["expires_at"])
    if made is None or expires is None or expires <= made:
        return Verification(
            "unknown-format", [ui_text("report.reason.dates")], None, fingerprint, kind="browser"
        )
    if record["overall"] != overall_of(record["results"], record["declared"]):
        return Verification(
            "unknown-format", [ui_text("report.reason.overall")], None, fingerprint, kind="browser"
        )
    result = Verification("valid", [], record, fingerprint, kind="browser")
    result.number_hash = record.get("job_seeker_number_sha256")
    result.notes.append(ui_text("selfcheck.note.browser", device=device_label(record)))
    if office_key is None:
        result.notes.append(ui_text("selfcheck.note.key-unpinned", fingerprint=fingerprint[:16]))
    moment = now or utc_now()
    if made > moment + timedelta(seconds=FUTURE_TOLERANCE_SECONDS):
        result.state = "future"
        result.reasons.append(ui_text("report.reason.future"))
    elif moment >= expires:
        result.state = "expired"
        result.reasons.append(ui_text("report.reason.expired"))
    return result


def device_label(record: Mapping[str, Any]) -> str:
    """ "iOS 26 (Safari 26)" — from the record's derived device facts, bounded by the schema."""
    device = record.get("device") or {}
    names = {"ios": "iOS", "ipados": "iPadOS", "android": "Android"}
    family = str(device.get("family") or "?")
    name = names.get(family, family)
    if device.get("major") is not None:
        name = f"{name} {device['major']}"
    browser = device.get("browser")
    return f"{name} ({browser})" if browser else name
