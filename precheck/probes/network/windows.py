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
    if not wifi["connected"]:
        # No wireless interface, the WLAN service stopped, or Wi-Fi not connected: the link in
        # use (if any) is not Wi-Fi. netsh prints this in the display language, so no text is read.
        return {"link": "not-wifi", "source": "netsh"}
    return {"link": "wifi", "source": "netsh", **wifi}
