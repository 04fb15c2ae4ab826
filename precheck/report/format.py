"""The report contract in code: names, limits, Japan time and the JSON Schema in `reports/`.

The schema file is the one definition of the format (docs/report.md explains it); the verifier
validates against that very file, so the documentation and the code cannot drift apart.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, tzinfo
from functools import cache
from typing import Any

FORMAT = "precheck-report"
VERSION = 1
SUPPORTED_VERSIONS = (1,)

MAX_REPORT_BYTES = 4 << 20
"""Reports above 4 MiB are refused unread: a real one is about 10 KiB (facts included)."""

FUTURE_TOLERANCE_SECONDS = 300
"""A report up to five minutes "from the future" is accepted: PC clocks drift by that much."""

SIGNATURE_ALGORITHM = "Ed25519"
KEY_STATUSES = ("new", "replaced", "existing")


def japan_tz() -> tzinfo:
    """Japan time from the IANA database (the tzdata package on Windows, which has none)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Tokyo")


def japan_time(moment: datetime) -> str:
    """ISO 8601 in Japan time to the second, e.g. 2026-11-24T21:10:00+09:00."""
    if moment.tzinfo is None:
        raise ValueError("a report time must carry its time zone")
    return moment.astimezone(japan_tz()).replace(microsecond=0).isoformat()


def parse_time(text: Any) -> datetime | None:
    """The aware datetime of a report timestamp, or None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def utc_now() -> datetime:
    return datetime.now(UTC)


REPORT_SCHEMA = "report.schema.json"


@cache
def schema(name: str = REPORT_SCHEMA) -> dict[str, Any]:
    from precheck.resources import data_dir

    path = data_dir("reports") / name
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(name: str = REPORT_SCHEMA) -> Any:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema(name))
    cls.check_schema(schema(name))
    return cls(schema(name))


def schema_errors(report: Any, name: str = REPORT_SCHEMA) -> list[str]:
    """Every place where `report` breaks the schema `name` in reports/, as `path: message`,
    first ten at most."""
    errors = sorted(_validator(name).iter_errors(report), key=lambda e: list(e.absolute_path))
    out = []
    for error in errors[:10]:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        out.append(f"{where}: {error.message[:200]}")
    return out
