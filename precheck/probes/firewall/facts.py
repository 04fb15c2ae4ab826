"""The one facts shape every firewall collector returns (plain JSON, kept in the report).

system          "windows", "darwin" or "linux"
firewall        the firewall that is in charge, by name ("Windows Defender Firewall",
                "ufw", "firewalld", "nftables", "iptables", "Application Firewall"), or None
enabled         True on, False off, None could not be read
inbound         the default for incoming connections: "block", "allow" or None
profiles_off    Windows: the profiles in force whose firewall is off ("public", …)
third_party     Windows: firewalls registered with Security Center, [{name, state}]
exceptions      enabled inbound allow rules (None: not counted)
broad_rules     names of allow rules for any program, port and address (at most 20)
needs_admin     the exact command that would read what could not be read, or None
error           why the state could not be read, or None
sources         the keys the verdict rests on, for the helpdesk
listeners       non-loopback listening sockets: [{proto, port, scope, process}]
listeners_error why the sockets could not be listed, or None
"""

from __future__ import annotations

from typing import Any

from precheck.host import Host, HostError

MAX_NAME = 200


def bound(text: Any, limit: int = MAX_NAME) -> str:
    """A machine-supplied name, cut to `limit` characters with an ellipsis."""
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def empty(system: str) -> dict[str, Any]:
    return {
        "system": system,
        "firewall": None,
        "enabled": None,
        "inbound": None,
        "profiles_off": [],
        "third_party": [],
        "exceptions": None,
        "broad_rules": [],
        "needs_admin": None,
        "error": None,
        "sources": [],
        "open_ports": None,
        "listeners": [],
        "listeners_error": None,
    }


def add_listeners(host: Host, facts: dict[str, Any]) -> None:
    """Sockets other computers can reach (Art. 5(4) "minimal services"); loopback is private."""
    try:
        listening = host.listening()
    except HostError as exc:
        facts["listeners_error"] = exc.reason
        return
    facts["listeners"] = [
        {"proto": item.proto, "port": item.port, "scope": item.scope,
         "process": bound(item.process, 60) if item.process else None}
        for item in listening
        if item.scope != "loopback"
    ][:200]  # fmt: skip
