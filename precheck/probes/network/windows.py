"""Windows: the Wi-Fi link from `netsh wlan show interfaces` (any display language)."""

from __future__ import annotations

from typing import Any

from precheck.host import Host, HostError
from precheck.parse.netsh_wlan import parse_netsh_wlan


def read_link(host: Host) -> dict[str, Any]:
    try:
        result = host.run(["netsh", "wlan", "show", "interfaces"], 10.0)
    except HostError as exc:
        return {"link": "unknown", "source": "netsh", "error": exc.reason, "detail": exc.detail}
    wifi = parse_netsh_wlan(result.stdout)
    if not wifi["connected"] and result.rc != 0:
        # netsh refused (the WLAN service stopped, or Windows 11's Location gate): its reason is
        # in the display language, so it is not read, and "not Wi-Fi" cannot be concluded.
        detail = f"netsh wlan exited with {result.rc}"
        return {"link": "unknown", "source": "netsh", "error": "failed", "detail": detail}
    if not wifi["connected"]:
        # No wireless interface or Wi-Fi not connected: the link in use (if any) is not Wi-Fi.
        return {"link": "not-wifi", "source": "netsh"}
    return {"link": "wifi", "source": "netsh", **wifi}
