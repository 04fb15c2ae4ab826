"""Evidence bundles built in tests from real published outputs (tests/data/samples)."""

from __future__ import annotations

from typing import Any

from precheck.host import ReplayHost
from precheck.host.evidence import FORMAT, VERSION, validate_bundle


def ok(value: Any) -> dict[str, Any]:
    return {"ok": value}


def error(reason: str, detail: str = "") -> dict[str, Any]:
    return {"error": reason, "detail": detail}


def linux_bundle(
    entries: dict[str, dict[str, Any]] | None = None, *, now: str = "2026-11-24T03:00:00+00:00"
) -> dict[str, Any]:
    """A Linux machine's bundle: its platform and clock plus `entries`."""
    base: dict[str, dict[str, Any]] = {
        "sys:platform": ok(
            {"system": "linux", "release": "6.1.0", "version": "#1 SMP", "machine": "x86_64"}
        ),
        "sys:now": ok(now),
    }
    return {"format": FORMAT, "version": VERSION, "entries": {**base, **(entries or {})}}


def replay(bundle: dict[str, Any]) -> ReplayHost:
    validate_bundle(bundle, "test bundle")
    return ReplayHost(bundle)


def system_bundle(
    system: str,
    entries: dict[str, dict[str, Any]] | None = None,
    *,
    now: str = "2026-11-24T03:00:00+00:00",
    release: str = "10",
) -> dict[str, Any]:
    """A Windows ("windows") or macOS ("darwin") machine's bundle, like `linux_bundle`."""
    base: dict[str, dict[str, Any]] = {
        "sys:platform": ok(
            {"system": system, "release": release, "version": "", "machine": "amd64"}
        ),
        "sys:now": ok(now),
        "sys:listening": ok([]),
    }
    return {"format": FORMAT, "version": VERSION, "entries": {**base, **(entries or {})}}
