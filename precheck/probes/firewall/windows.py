"""Windows firewall collector: the batch's `firewall` section, else netsh's text.

PowerShell gives language-independent values (see host/powershell/firewall.ps1). When it is
blocked (ConstrainedLanguage, policy), `netsh advfirewall show currentprofile` is read instead:
it prints the block of every profile in force, in the user's language, so its parser knows the
English and Japanese labels and leaves anything else unknown.
"""

from __future__ import annotations

from typing import Any

from precheck.host import Host, HostError
from precheck.parse.netsh_advfirewall import parse_netsh_profiles
from precheck.parse.security_center import decode_product_state
from precheck.probes import Context
from precheck.probes.firewall.facts import add_listeners, bound, empty

NAME = "Windows Defender Firewall"
NETSH = ["netsh", "advfirewall", "show", "currentprofile"]
# Get-NetConnectionProfile NetworkCategory -> Get-NetFirewallProfile Name
CATEGORY_PROFILE = {"public": "public", "private": "private", "domainauthenticated": "domain"}


def collect(host: Host, ctx: Context) -> dict[str, Any]:
    facts = empty("windows")
    facts["firewall"] = NAME
    try:
        section = host.powershell("firewall")
    except HostError as exc:
        facts["powershell_error"] = bound(exc.detail or exc.reason)
        _from_netsh(host, facts)
    else:
        _from_section(section, facts)
    add_listeners(host, facts)
    return facts


def _from_section(section: Any, facts: dict[str, Any]) -> None:
    facts["sources"].append("ps:batch firewall")
    data: dict[str, Any] = section if isinstance(section, dict) else {}
    connected = {
        CATEGORY_PROFILE.get(str(c).lower(), "") for c in _as_list(data.get("connected"))
    } - {""}
    profiles = [p for p in _as_list(data.get("profiles")) if isinstance(p, dict)]
    if not profiles:
        facts["error"] = "Get-NetFirewallProfile returned no profile"
        return
    in_force = [p for p in profiles if str(p.get("name", "")).lower() in connected] or profiles
    facts["profiles_in_force"] = sorted(str(p.get("name", "")).lower() for p in in_force)
    states = [str(p.get("enabled", "")).lower() for p in in_force]
    facts["profiles_off"] = sorted(
        str(p.get("name", "")).lower()
        for p, s in zip(in_force, states, strict=True)
        if s == "false"
    )
    unknown = [s for s in states if s not in ("true", "false")]
    facts["enabled"] = None if unknown else not facts["profiles_off"]
    inbound = [str(p.get("inbound", "")).lower() for p in in_force]
    facts["inbound"] = (
        "allow" if "allow" in inbound else "block" if all(i == "block" for i in inbound) else None
    )
    rules = data.get("allow_rules")
    facts["exceptions"] = rules if isinstance(rules, int) and rules >= 0 else None
    facts["broad_rules"] = [bound(r, 100) for r in _as_list(data.get("broad_rules"))][:20]
    facts["third_party"] = _products(data.get("products"))
    ports = data.get("open_ports")
    if isinstance(ports, (list, int)):
        facts["open_ports"] = [p for p in _as_list(ports) if isinstance(p, int)][:500]


def _from_netsh(host: Host, facts: dict[str, Any]) -> None:
    try:
        result = host.run(NETSH, timeout=10)
    except HostError as exc:
        facts["error"] = bound(f"netsh: {exc.detail or exc.reason}")
        return
    facts["sources"].append("cmd:" + " ".join(NETSH))
    profiles = parse_netsh_profiles(result.stdout)
    if not profiles:
        facts["error"] = bound("netsh printed no profile: " + result.stdout.strip()[:80])
        return
    facts["profiles_in_force"] = [p.name for p in profiles]
    facts["profiles_off"] = [p.name for p in profiles if p.enabled is False]
    facts["enabled"] = (
        None if any(p.enabled is None for p in profiles) else not facts["profiles_off"]
    )
    inbound = [p.inbound for p in profiles]
    facts["inbound"] = (
        "allow" if "allow" in inbound else "block" if all(i == "block" for i in inbound) else None
    )


def _products(value: Any) -> list[dict[str, Any]]:
    found = []
    for item in _as_list(value)[:20]:
        if not isinstance(item, dict):
            continue
        decoded = decode_product_state(item.get("state"))
        found.append(
            {"name": bound(item.get("name") or "?", 100), "state": decoded.state,
             "microsoft": decoded.microsoft}
        )  # fmt: skip
    return found


def _as_list(value: Any) -> list[Any]:
    """ConvertTo-Json prints a one-element array as the element itself."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
