"""The report contract in code: names, limits, Japan time and the JSON Schema in `reports/`.

The schema file is the one definition of the format (docs/report.md explains it); the verifier
validates against that very file, so the documentation and the code cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
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
"""The PC report's schema; a phone's browser self-check record has its own in reports/."""


@cache
def schema(name: str = REPORT_SCHEMA) -> dict[str, Any]:
    from precheck.resources import shipped_dir

    path = shipped_dir("reports") / name
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(name: str = REPORT_SCHEMA) -> Any:
    """jsonschema's validator, built once: it names every problem and where it is."""
    import jsonschema

    cls = jsonschema.validators.validator_for(schema(name))
    cls.check_schema(schema(name))
    return cls(schema(name))


@cache
def _compiled(name: str = REPORT_SCHEMA) -> Callable[[Any], Any]:
    """The same schema file compiled once to Python code by fastjsonschema.

    jsonschema interprets the schema for every report (about 2.5 ms for a 9 KiB report, 72 %
    of verifying it); the compiled check takes about 0.17 ms. The schemas use only keywords
    that mean the same in draft 7, which fastjsonschema implements, and in 2020-12 (a test
    holds the two to the same answers on valid and broken reports).
    """
    import fastjsonschema

    return fastjsonschema.compile(schema(name))


def schema_errors(report: Any, name: str = REPORT_SCHEMA) -> list[str]:
    """Every place where `report` breaks the schema `name`, as `path: message`, first ten at
    most.

    A conforming report (nearly all) is passed by the compiled check alone; only a refused one
    is walked by jsonschema for the messages. Either refusing is enough to refuse.
    """
    import fastjsonschema

    try:
        _compiled(name)(report)
        return []
    except fastjsonschema.JsonSchemaValueException as exc:
        fallback = f"{exc.name}: {exc.message[:200]}"
    except RecursionError:
        return ["(top): nested too deeply"]
    try:
        errors = sorted(_validator(name).iter_errors(report), key=lambda e: list(e.absolute_path))
    except RecursionError:
        return ["(top): nested too deeply"]
    out = []
    for error in errors[:10]:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        out.append(f"{where}: {error.message[:200]}")
    return out or [fallback]
