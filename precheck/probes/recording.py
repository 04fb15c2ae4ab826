"""recording (第12条(2), advisory): is a screen or audio recorder running?

The terms forbid recording the session by any means. A running recorder is no proof of a
recording, OS-bundled recorders are always installed, and a phone camera is invisible to any
check (research §6), so this only ever warns, and only for a recorder that runs; one that is
installed but idle is a reminder inside a PASS. Matching is the shared inventory's
(precheck/inventory/match.py) on tables/recording.toml.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from precheck.host import Host
from precheck.inventory import Inventory, inventory
from precheck.inventory.match import match_rows
from precheck.model import Facts, Status, Text, Verdict
from precheck.probes import Context


def collect(host: Host, ctx: Context) -> Facts:
    return facts_from(inventory(host), ctx.table("recording"), host.platform().system)


def facts_from(inv: Inventory, table: Mapping[str, Any], system: str) -> Facts:
    running: list[dict[str, Any]] = []
    installed: list[dict[str, Any]] = []
    for m in match_rows(table["programs"], inv, system):
        if m.running:
            running.append({"id": m.id, "name": m.name, "processes": list(m.running)})
        elif m.installed and not m.row.get("builtin"):
            installed.append({"id": m.id, "name": m.name})
    problem = next((u for u in inv.unreadable if u.startswith("processes:")), None)
    return {"system": system, "running": running, "installed": installed, "unreadable": problem}


def _names(items: list[dict[str, Any]]) -> Text:
    names = [i["name"] for i in items]
    return Text(ja="、".join(names), en=", ".join(names))


def decide(facts: Facts, ctx: Context) -> Verdict:
    th = ctx.thresholds
    if facts["unreadable"]:
        return Verdict(Status.UNKNOWN, "unreadable", {"reason": facts["unreadable"]})
    if facts["running"] and th["warn_running"]:
        return Verdict(Status.WARN, "running", {"programs": _names(facts["running"])})
    idle = facts["installed"] + (facts["running"] if not th["warn_running"] else [])
    if idle:  # `warn_installed = false`: the catalogue has no warning for an idle recorder
        return Verdict(Status.PASS, "installed-not-running", {"programs": _names(idle)})
    return Verdict(Status.PASS, "none")
