"""Making the signed report from a run on this device.

Only `precheck run` calls this (and the booking step, for a fresh report): a replay is another
device's evidence, and signing it with this device's key would vouch for what this device never
saw, so `precheck replay` never makes a report.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from precheck import __version__
from precheck.catalogue import Catalogue
from precheck.fsutil import WriteError
from precheck.host import Host
from precheck.jobseeker import normalize_job_seeker_number, number_hash
from precheck.model import overall
from precheck.report import device
from precheck.report.format import FORMAT, VERSION, japan_time, utc_now
from precheck.report.keys import DeviceKey, device_salt, load_device_key
from precheck.report.sign import CanonicalError, sign
from precheck.runner import RunResult


class ReportError(Exception):
    """A report could not be made or saved; the message says why, for the user."""


def make_report(
    run: RunResult,
    catalogue: Catalogue,
    profile: Mapping[str, Any],
    *,
    job_seeker_number: str | None = None,
    now: datetime | None = None,
    host: Host | None = None,
    key: DeviceKey | None = None,
) -> dict[str, Any]:
    """The signed report of `run` (a JSON object; docs/report.md, reports/report.schema.json).

    `job_seeker_number` (any spelling `normalize_job_seeker_number` accepts) puts only its
    SHA-256 in the report, for a booking. `now` (aware) is the generation time, default the
    clock. `host` answers the device summary when the load check did not run. `key` defaults
    to this device's key, made on first use. Raises ReportError with a plain reason.
    """
    validity = profile.get("report", {}).get("validity_days")
    if not isinstance(validity, int) or isinstance(validity, bool) or not 1 <= validity <= 366:
        raise ReportError(f"report.validity_days must be 1 to 366 days, not {validity!r}")
    hashed = None
    if job_seeker_number is not None:
        normalized = normalize_job_seeker_number(job_seeker_number)
        if normalized is None:
            raise ReportError("the job seeker number is not 5 digits, a hyphen and 1–8 digits")
        hashed = number_hash(normalized)
    generated = now or utc_now()
    if generated.tzinfo is None:
        raise ReportError("the report time must carry a time zone")
    try:
        key = key or load_device_key()
        device_hash, basis = device.device_id(device_salt(), device.machine_id())
    except WriteError as exc:
        raise ReportError(f"the device key cannot be saved: {exc}") from exc
    name = profile.get("name", {})
    body: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "tool_version": __version__,
        "profile": {
            "id": str(profile.get("id", "")),
            "version": profile.get("version") if isinstance(profile.get("version"), str) else None,
            "name": {"ja": str(name.get("ja", "")), "en": str(name.get("en", ""))},
        },
        "catalogue": {
            "version": catalogue.version,
            "as_of": catalogue.as_of,
            "digest": catalogue.digest,
        },
        "generated_at": japan_time(generated),
        "expires_at": japan_time(generated + timedelta(days=validity)),
        "validity_days": validity,
        "device": {
            "id": device_hash,
            "id_basis": basis,
            "key_status": key.status,
            **device.summary(run, host),
        },
        "job_seeker_number_sha256": hashed,
        # the verdict of the results it holds: `precheck run --only` never signs (commands/run.py),
        # while tests sign a one-check run so as not to run every check
        "overall": overall(run.results).value,
        "results": [r.as_dict() for r in run.results],
    }
    try:
        return sign(body, key)
    except CanonicalError as exc:
        raise ReportError(f"a check's facts cannot be signed: {exc}") from exc
