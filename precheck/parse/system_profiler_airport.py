"""`system_profiler -json SPAirPortDataType` (macOS 10.15 and later, incl. 14.4+ where `airport`
no longer works): the current network of the Wi-Fi interface and its security mode.

Without Location Services permission macOS 14.4+ prints `<redacted>` for the network's name
while still giving its security mode, so the check can judge security but not the name.
"""

from __future__ import annotations

import json
from typing import Any

from precheck.parse.wifi import WifiLink, bound, not_connected

_MODES = {
    "none": "open",
    "owe": "owe",
    "owe_transition": "owe",
    "wep": "wep",
    "dynamic_wep": "wep",
    "wpa_personal": "wpa",
    "wpa_enterprise": "wpa",
    "wpa_personal_mixed": "wpa2",
    "wpa2_personal": "wpa2",
    "wpa2_personal_mixed": "wpa2",
    "wpa2_enterprise": "wpa2",
    "wpa3_personal": "wpa3",
    "wpa3_transition": "wpa3",
    "wpa3_enterprise": "wpa3",
}
_WITHHELD = {"<redacted>", "<private>", ""}
MAX_BYTES = 4 << 20


def classify(mode: str) -> str:
    return _MODES.get(mode.removeprefix("spairport_security_mode_"), "unknown")


def parse_airport_json(text: str) -> WifiLink | None:
    """The connected Wi-Fi link; not connected when none is; None when the text is not this
    command's JSON (the caller then says the security could not be read)."""
    try:
        data = json.loads(text[:MAX_BYTES])
        interfaces = data["SPAirPortDataType"][0]["spairport_airport_interfaces"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if not isinstance(interfaces, list):
        return None
    for item in interfaces:
        if not isinstance(item, dict) or str(item.get("_name", "")).startswith(("awdl", "llw")):
            continue
        current: Any = item.get("spairport_current_network_information")
        if not isinstance(current, dict) or "spairport_security_mode" not in current:
            continue
        name = str(current.get("_name", ""))
        mode = str(current.get("spairport_security_mode", ""))
        return {
            "connected": True,
            "ssid": None if name in _WITHHELD else bound(name),
            "ssid_withheld": name in _WITHHELD,
            "security": classify(mode),
            "label": bound(mode.removeprefix("spairport_security_mode_")),
        }
    return not_connected()
