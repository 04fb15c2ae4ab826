"""macOS firewall collector: the Application Firewall through `socketfilterfw` (no admin needed).

From macOS 15 the state is no longer in com.apple.alf.plist, so the tool itself is asked
(research/posture.md §4.1).
"""

from __future__ import annotations

from typing import Any

from precheck.host import Host, HostError
from precheck.parse.socketfilterfw import app_count, global_state, stealth_mode
from precheck.probes import Context
from precheck.probes.firewall.facts import add_listeners, bound, empty

TOOL = "/usr/libexec/ApplicationFirewall/socketfilterfw"
NAME = "macOS Application Firewall"


def collect(host: Host, ctx: Context) -> dict[str, Any]:
    facts = empty("darwin")
    facts["firewall"] = NAME
    try:
        state = host.run([TOOL, "--getglobalstate"], timeout=10)
    except HostError as exc:
        facts["error"] = bound(f"socketfilterfw: {exc.detail or exc.reason}")
        return facts
    facts["sources"].append(f"cmd:{TOOL} --getglobalstate")
    value = global_state(state.stdout)
    facts["global_state"] = value
    if value is None:
        facts["error"] = bound(
            "socketfilterfw said: " + (state.stdout.strip() or state.stderr)[:80]
        )
    else:
        facts["enabled"] = value >= ctx.thresholds["macos_min_global_state"]
        facts["inbound"] = "block" if value == 2 else None
    for flag, key, parse in (
        ("--getstealthmode", "stealth", stealth_mode),
        ("--listapps", "exceptions", app_count),
    ):
        try:
            facts[key] = parse(host.run([TOOL, flag], timeout=10).stdout)
        except HostError:
            facts[key] = None
    add_listeners(host, facts)
    return facts
