"""file-sharing (第5条(5)): no file-sharing (P2P) software installed or running.

The per-OS work is the shared software inventory (precheck/inventory); this module matches it
against tables/file-sharing.toml by exact identifiers and decides. Ports are not a signal:
the research sources no client's default port, and a port would at most support a match.
Facts keep only the matched programs: their table name, kind, where they were found (source,
never a path) and the process names seen running.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from precheck.host import Host
from precheck.inventory import Inventory, inventory
from precheck.inventory.match import PACKAGE_SOURCES, Match, match_rows
from precheck.model import Facts, Phrase, Status, Text, Verdict
from precheck.probes import Context


def _fact(m: Match, kind: str) -> dict[str, Any]:
    return {
        "id": m.id,
        "name": m.name,
        "kind": kind,
        "installed": [
            {"name": p.name, "source": p.source, "ident": p.ident[:100]} for p in m.installed
        ],
        "running": list(m.running),
        "unverified": m.unverified,
        "packages": sorted({p.ident for p in m.installed if p.source in PACKAGE_SOURCES}),
    }


def collect(host: Host, ctx: Context) -> Facts:
    return facts_from(inventory(host), ctx.table("file-sharing"), host.platform().system)


def facts_from(inv: Inventory, table: Mapping[str, Any], system: str) -> Facts:
    """The facts of an inventory: pure, so near misses are tested without a machine."""
    found = [_fact(m, str(m.row["kind"])) for m in match_rows(table["programs"], inv, system)]
    near = [
        _fact(m, "near-miss")
        for m in match_rows(table.get("near_misses", []), inv, system)
        if m.row.get("decision") == "confirm"
    ]
    return {
        "system": system,
        "looked_for": len(table["programs"]),
        "found": found,
        "private_sync": near,
        "unreadable": list(inv.unreadable),
    }


def _joined(values: list[str]) -> Text:
    return Text(ja="、".join(values), en=", ".join(values))


REMOVE_COMMANDS = {
    "dpkg": "sudo apt remove",
    "rpm": "sudo rpm -e",
    "snap": "sudo snap remove",
    "flatpak": "flatpak uninstall",
}
"""How each Linux source removes what it installed: a flatpak or snap find gets its own tool's
command, not apt's (which would answer "not installed"). AppImages are files with no remover."""


def _remove_commands(items: list[dict[str, Any]]) -> str:
    """The commands that remove these finds, one per tool ("sudo apt remove a b; flatpak …")."""
    by_tool: dict[str, set[str]] = {}
    for item in items:
        for found in item["installed"]:
            tool = REMOVE_COMMANDS.get(found["source"])
            ident = found.get("ident") or ""
            if tool and ident:
                by_tool.setdefault(tool, set()).add(ident)
    return "; ".join(
        f"{tool} {' '.join(sorted(by_tool[tool]))}"
        for tool in REMOVE_COMMANDS.values()
        if tool in by_tool
    )


def _params(items: list[dict[str, Any]]) -> dict[str, Any]:
    phrases = [
        Phrase("item-running" if item["running"] else "item-installed", {"name": item["name"]})
        for item in items
    ]
    names = [item["name"] for item in items]
    return {
        "programs": phrases,
        "names": _joined(names),
        # nothing a package tool installed (an AppImage, a process only): the names, for apt
        "remove": _remove_commands(items) or f"{REMOVE_COMMANDS['dpkg']} {' '.join(names)}",
    }


def decide(facts: Facts, ctx: Context) -> Verdict:
    th = ctx.thresholds
    when_installed = bool(th["fail_when_installed"])
    found = [f for f in facts["found"] if when_installed or f["running"]]
    fail_kinds, warn_kinds = set(th["fail_kinds"]), set(th["warn_kinds"])
    verified_fails = [
        f
        for f in found
        if f["kind"] in fail_kinds and (not f["unverified"] or th["unverified_names_fail"])
    ]
    if verified_fails:
        return Verdict(Status.FAIL, "found", _params(verified_fails))
    capable = [f for f in found if f["kind"] in warn_kinds]
    if capable:
        return Verdict(Status.WARN, "p2p-capable", _params(capable))
    unconfirmed = [f for f in found if f["kind"] in fail_kinds]
    if unconfirmed:
        return Verdict(Status.WARN, "unconfirmed", _params(unconfirmed))
    if facts["private_sync"] and th["near_miss_confirm_warns"]:
        return Verdict(Status.WARN, "private-sync", _params(facts["private_sync"]))
    if facts["unreadable"]:
        return Verdict(Status.UNKNOWN, "incomplete", {"reason": "; ".join(facts["unreadable"])})
    return Verdict(Status.PASS, "none", {"count": facts["looked_for"]})
