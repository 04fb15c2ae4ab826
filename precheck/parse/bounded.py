"""Bounding machine-supplied values before they reach a fact, a report or a log."""

from __future__ import annotations

MAX_VALUE = 200
MAX_PROGRAMS = 5000


def bound(value: str, limit: int = MAX_VALUE) -> str:
    """`value` cut to `limit` characters with an ellipsis: a hostile or broken machine (a
    package named with 10,000 characters) must not make a report the verifier refuses."""
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"
