"""Linux firewall collector: who is in charge, and what the input hooks really do.

What a user can read without root comes first (`systemctl is-active`, ufw's and firewalld's
configuration files); the ruleset itself (`nft -j list ruleset`, else `iptables-save`) needs
root, and it is the ground truth: a service that says "active" over an accept-all ruleset still
lets everything in. When the ruleset is unreadable, the facts name the exact command to run.
"""

from __future__ import annotations

import re
from typing import Any

from precheck.host import Host, HostError
from precheck.parse.iptables_save import parse_iptables_save
from precheck.parse.nft import InputHook, parse_nft_json
from precheck.parse.ufw import shell_values, ufw_default_input, ufw_enabled
from precheck.probes import Context
from precheck.probes.firewall.facts import add_listeners, bound, empty

UFW_CONF = "/etc/ufw/ufw.conf"
UFW_DEFAULTS = "/etc/default/ufw"
FIREWALLD_CONF = "/etc/firewalld/firewalld.conf"
FIREWALLD_ZONES = ("/etc/firewalld/zones", "/usr/lib/firewalld/zones")
NFT = ["nft", "-j", "list", "ruleset"]
IPTABLES = ["iptables-save"]
_ZONE_TARGET = re.compile(r"<zone\b[^>]*\btarget=\"([A-Za-z%-]{1,20})\"")
_DENIED = ("operation not permitted", "permission denied", "must be root")


def collect(host: Host, ctx: Context) -> dict[str, Any]:
    facts = empty("linux")
    facts["services"] = _services(host, ctx.thresholds["linux_tools"])
    facts["ufw"] = _ufw(host)
    facts["firewalld_zone"] = _firewalld_zone(host) if facts["services"].get("firewalld") else None
    _ruleset(host, facts)
    facts["firewall"] = _in_charge(facts)
    add_listeners(host, facts)
    return facts


def _in_charge(facts: dict[str, Any]) -> str:
    """firewalld or ufw when their own state says so, else what holds the ruleset."""
    services = facts["services"]
    ufw = facts["ufw"] or {}
    if services.get("firewalld"):
        return "firewalld"
    if ufw.get("enabled") or (services.get("ufw") and ufw.get("enabled") is not False):
        return "ufw"
    return str(facts.get("ruleset") or "nftables")


def _services(host: Host, tools: list[str]) -> dict[str, bool | None]:
    """`systemctl is-active` prints one word per unit (active, inactive, failed, …); no root.

    The units are the catalogue's `linux_tools`, in its order.
    """
    try:
        result = host.run(["systemctl", "is-active", *tools], timeout=10)
    except HostError:
        return {name: None for name in tools}
    words = result.stdout.split()
    if len(words) != len(tools):
        return {name: None for name in tools}
    return {name: word == "active" for name, word in zip(tools, words, strict=True)}


def _ufw(host: Host) -> dict[str, Any] | None:
    try:
        conf = host.read_file(UFW_CONF)
        if conf is None:
            return None  # ufw is not installed
        defaults = host.read_file(UFW_DEFAULTS)
    except HostError:
        return None
    return {
        "enabled": ufw_enabled(conf),
        "default_input": ufw_default_input(defaults) if defaults else None,
    }


def _firewalld_zone(host: Host) -> dict[str, Any] | None:
    """The default zone and its target; target ACCEPT (the `trusted` zone) lets everything in."""
    try:
        conf = host.read_file(FIREWALLD_CONF)
    except HostError:
        return None
    zone = shell_values(conf).get("DefaultZone", "public") if conf else "public"
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", zone):
        return {"name": bound(zone, 40), "target": None}
    for folder in FIREWALLD_ZONES:
        try:
            text = host.read_file(f"{folder}/{zone}.xml")
        except HostError:
            continue
        if text is not None:
            match = _ZONE_TARGET.search(text[:65536])
            return {"name": zone, "target": match[1].upper() if match else "default"}
    return {"name": zone, "target": None}


def _ruleset(host: Host, facts: dict[str, Any]) -> None:
    try:
        result = host.run(NFT, timeout=10)
    except HostError as exc:
        if exc.reason != "missing":
            facts["error"] = f"nft: {exc.detail or exc.reason}"
            return
        _iptables(host, facts)
        return
    facts["sources"].append("cmd:nft -j list ruleset")
    if result.rc != 0:
        if any(word in result.stderr.lower() for word in _DENIED):
            facts["needs_admin"] = "sudo nft list ruleset"
        else:
            facts["error"] = bound("nft: " + (result.stderr.strip() or f"exit code {result.rc}"))
        return
    ruleset = parse_nft_json(result.stdout)
    if not ruleset.ok:
        facts["error"] = "nft printed no JSON ruleset"
        return
    facts["ruleset"] = "nftables"
    _summarise(facts, ruleset.hooks)


def _iptables(host: Host, facts: dict[str, Any]) -> None:
    try:
        result = host.run(IPTABLES, timeout=10)
    except HostError as exc:
        facts["error"] = f"iptables-save: {exc.detail or exc.reason}"
        return
    facts["sources"].append("cmd:iptables-save")
    if result.rc != 0 or any(word in result.stderr.lower() for word in _DENIED):
        facts["needs_admin"] = "sudo iptables-save"
        return
    hook = parse_iptables_save(result.stdout)
    facts["ruleset"] = "iptables"
    _summarise(facts, [hook] if hook else [])


def _summarise(facts: dict[str, Any], hooks: list[InputHook]) -> None:
    """Inbound is filtered when any input hook filters (parse/nft.py says what that means)."""
    facts["hooks"] = [
        {"where": bound(f"{h.family} {h.table} {h.chain}", 120), "policy": h.policy,
         "drops": h.drops, "path": h.path}
        for h in hooks[:50]
    ]  # fmt: skip
    facts["enabled"] = bool(hooks)
    if hooks:
        facts["inbound"] = "block" if any(h.filtering for h in hooks) else "allow"
    facts["exceptions"] = sum(h.exceptions for h in hooks)
    facts["broad_rules"] = [
        bound(f"{h.family} {h.table} {h.chain}", 120) for h in hooks if h.broad
    ][:20]
