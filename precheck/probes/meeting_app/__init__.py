"""meeting-app (第4条, 第12条(4)): Tele Office is installed and the office's server answers.

The installed half reads the shared software inventory (precheck/inventory: Windows Uninstall
keys and MSIX, macOS bundles), matched against tables/meeting-app.toml; the sources name no
macOS or Linux client, so macOS is a WARN "not confirmed" and Linux is SKIPPED with that reason.
The server half is one HTTPS request through the network check's Host method (`net:https:`),
certificate verified against the public roots, to the server the office profile names
(`[checks.meeting-app] server`); with none, the check says the server was not tested.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from precheck.host import Host
from precheck.inventory import inventory
from precheck.inventory.match import match_rows
from precheck.model import Facts, Status, Verdict
from precheck.probes import Context

OS_NAMES = {"windows": "Windows", "darwin": "macOS", "linux": "Linux"}


def _server(ctx: Context) -> str:
    checks = ctx.profile.get("checks", {})
    section = checks.get("meeting-app", {}) if isinstance(checks, Mapping) else {}
    return str(section.get("server", "")) if isinstance(section, Mapping) else ""


def collect(host: Host, ctx: Context) -> Facts:
    system = host.platform().system
    facts: Facts = {"system": system}
    if system == "linux":
        return facts  # no client exists: nothing to look for, and the server would not help
    server = _server(ctx)
    if server:
        facts["server"] = server
        facts["answer"] = host.net_fetch(server, float(ctx.thresholds["server_timeout_seconds"]))
    table = ctx.table(str(ctx.thresholds["app_table"]))
    rows = [r for r in table.get("apps", []) if system in r.get("platforms", [])]
    facts.update(found_in(inventory(host), rows, system))
    return facts


def found_in(inv: Any, rows: list[Mapping[str, Any]], system: str) -> dict[str, Any]:
    """What of the table's rows the inventory holds: names and sources, never a path."""
    matches = match_rows(rows, inv, system)
    return {
        "looked_for": [str(r["name"]) for r in rows],
        "found": [
            {
                "name": m.name,
                "installed": sorted({p.source for p in m.installed}),
                "running": bool(m.running),
                "version": next((p.version for p in m.installed if p.version), None),
            }
            for m in matches
        ],
        "unreadable": list(inv.unreadable),
    }


def decide(facts: Facts, ctx: Context) -> Verdict:
    system = facts["system"]
    if system == "linux":
        return Verdict(Status.SKIPPED, "no-linux-client")
    server = facts.get("server")
    answer: dict[str, Any] = facts.get("answer") or {}
    if server:
        error = answer.get("error")
        if error and str(error).startswith("tls-"):
            return Verdict(Status.FAIL, "server-tls-error", {"server": server, "reason": error})
        if error:
            return Verdict(Status.FAIL, "server-unreachable", {"server": server, "reason": error})
        if (answer.get("status") or 500) >= 500:
            reason = f"HTTP {answer.get('status')}"
            return Verdict(Status.FAIL, "server-unreachable", {"server": server, "reason": reason})
    if system not in ctx.thresholds["confirmed_systems"]:
        return Verdict(Status.WARN, "platform-unconfirmed", {"os": OS_NAMES.get(system, system)})
    if not facts.get("found"):
        return Verdict(Status.WARN, "not-found")
    if not server:
        return Verdict(Status.UNKNOWN, "server-not-configured")
    return Verdict(Status.PASS, "ok", {"server": server})
