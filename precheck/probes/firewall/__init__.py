"""firewall (第5条(4), 第12条(4)): the personal firewall is on for every network in force, blocks
incoming connections by default, and the PC offers other computers only what it needs.

`collect` picks the collector for the system; `decide` is pure. A state that could not be read
is UNKNOWN with the reason (or the exact command that would read it), never a pass; an input
hook that accepts everything is a FAIL whatever service claims to be active.
"""

from __future__ import annotations

from typing import Any

from precheck.host import Host
from precheck.model import Facts, Phrase, Status, Verdict
from precheck.probes import Context


def collect(host: Host, ctx: Context) -> Facts:
    system = host.platform().system
    if system == "windows":
        from precheck.probes.firewall import windows as backend
    elif system == "darwin":
        from precheck.probes.firewall import darwin as backend  # type: ignore[no-redef]
    else:
        from precheck.probes.firewall import linux as backend  # type: ignore[no-redef]
    facts: Facts = backend.collect(host, ctx)
    return facts


def _profiles(names: list[str]) -> list[Phrase]:
    return [Phrase(f"profile-{name}") for name in names if name in ("domain", "private", "public")]


def decide(facts: Facts, ctx: Context) -> Verdict:
    system = facts["system"]
    name = facts.get("firewall") or "?"
    verdict = _state(facts, name, system)
    if verdict is not None:
        return verdict
    return _exposure(facts, name, ctx)


def _state(facts: Facts, name: str, system: str) -> Verdict | None:
    """A FAIL or UNKNOWN about the firewall itself, or None when it is on and blocks."""
    if system == "windows":
        off = facts.get("profiles_off") or []
        third = [p for p in facts.get("third_party") or [] if not p.get("microsoft")]
        if off or facts.get("enabled") is False:
            on = [p for p in third if p.get("state") == "on"]
            if on:
                return Verdict(Status.PASS, "on-third-party", {"product": on[0]["name"]})
            unknown = [p for p in third if p.get("state") == "unknown"]
            if unknown:
                return Verdict(
                    Status.UNKNOWN, "third-party-unknown", {"product": unknown[0]["name"]}
                )
            return Verdict(Status.FAIL, "profile-off", {"profiles": _profiles(off)})
    if system == "linux":
        return _linux_state(facts, name)
    if facts.get("needs_admin"):
        return Verdict(
            Status.UNKNOWN, "needs-admin", {"firewall": name, "command": facts["needs_admin"]}
        )
    if facts.get("enabled") is None:
        return Verdict(Status.UNKNOWN, "state-unknown", {"reason": facts.get("error") or "?"})
    if facts["enabled"] is False:
        return Verdict(Status.FAIL, "off", {"firewall": name})
    if facts.get("inbound") == "allow":
        where: list[Phrase] | str = _profiles(facts.get("profiles_in_force") or []) or name
        return Verdict(Status.FAIL, "allow-all", {"where": where})
    return None


def _linux_state(facts: Facts, name: str) -> Verdict | None:
    ufw = facts.get("ufw") or {}
    services = facts.get("services") or {}
    zone = facts.get("firewalld_zone") or {}
    if services.get("firewalld") and zone.get("target") == "ACCEPT":
        return Verdict(Status.FAIL, "allow-all", {"where": f"firewalld zone {zone.get('name')}"})
    if facts.get("enabled") is None:
        none_active = bool(services) and all(v is False for v in services.values())
        if facts.get("needs_admin") and ufw.get("enabled") is False and none_active:
            # Without root the rules stay unread, but ufw's own file says it is off and no
            # firewall service runs: that is an answer, not a reason to send the user to sudo.
            return Verdict(Status.FAIL, "off", {"firewall": "ufw"})
        if facts.get("needs_admin"):
            return Verdict(
                Status.UNKNOWN, "needs-admin", {"firewall": name, "command": facts["needs_admin"]}
            )
        return Verdict(Status.UNKNOWN, "state-unknown", {"reason": facts.get("error") or "?"})
    claimed = bool(services.get("firewalld") or ufw.get("enabled") or services.get("nftables"))
    if facts.get("inbound") != "block":
        if ufw and ufw.get("enabled") is False and not services.get("firewalld"):
            return Verdict(Status.FAIL, "off", {"firewall": "ufw"})
        if facts["enabled"] is False and not claimed:
            return Verdict(Status.FAIL, "no-firewall", {})
        hooks = [h["where"] for h in facts.get("hooks") or []]
        where = ", ".join(hooks[:3]) or f"{name}: no input rules"
        return Verdict(Status.FAIL, "allow-all", {"where": where})
    return None


def _exposure(facts: Facts, name: str, ctx: Context) -> Verdict:
    """The firewall is on: now the exceptions it allows and the services that listen."""
    th = ctx.thresholds
    count = facts.get("exceptions")
    if isinstance(count, int) and count > th["max_inbound_exceptions"]:
        return Verdict(
            Status.WARN, "many-exceptions", {"count": count, "max": th["max_inbound_exceptions"]}
        )
    broad = facts.get("broad_rules") or []
    if broad and th["warn_broad_rules"] and facts["system"] != "darwin":
        return Verdict(Status.WARN, "broad-rule", {"rules": ", ".join(broad[:5])})
    listeners = facts.get("listeners") or []
    open_ports = facts.get("open_ports")
    if open_ports is not None:
        listeners = [item for item in listeners if item.get("port") in open_ports]
    exposed = exposed_services(listeners, ctx.table("exposed-services"))
    if exposed:
        return Verdict(Status.WARN, "exposed-services", {"services": exposed})
    exceptions = (
        Phrase("exceptions-count", {"count": count})
        if isinstance(count, int)
        else Phrase("exceptions-uncounted")
    )
    return Verdict(Status.PASS, "on", {"firewall": name, "exceptions": exceptions})


def exposed_services(listeners: list[dict[str, Any]], table: dict[str, Any]) -> list[Phrase]:
    """One phrase per listed service another computer could reach, in the table's order."""
    open_ports = {(item.get("proto"), item.get("port")): item for item in listeners}
    found = []
    for row in table["ports"]:
        item = open_ports.get((row["proto"], row["port"]))
        if item is not None:
            found.append(
                Phrase(
                    f"service-{row['category']}",
                    {"name": row["name"], "port": row["port"], "proto": row["proto"]},
                )
            )
    return found
