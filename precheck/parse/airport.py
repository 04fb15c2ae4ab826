"""`airport -I` (macOS up to 14.3; from 14.4 it prints only a deprecation notice).

`link auth` is the security of the association (`wpa2-psk`, `none`…); `802.11 auth` is the
802.11 authentication algorithm (almost always `open`) and says nothing about encryption.
"""

from __future__ import annotations

from precheck.parse.wifi import MAX_LINES, WifiLink, bound, not_connected


def classify(link_auth: str) -> str:
    value = link_auth.lower()
    for token, name in (("owe", "owe"), ("wpa3", "wpa3"), ("sae", "wpa3"), ("wpa2", "wpa2")):
        if token in value:
            return name
    if "wpa" in value:
        return "wpa"
    if "wep" in value:
        return "wep"
    if value in ("none", "open"):
        return "open"
    return "unknown"


def parse_airport_info(text: str) -> WifiLink | None:
    """The link, not connected, or None when no field of `airport -I` is in the text."""
    fields: dict[str, str] = {}
    for raw in text.splitlines()[:MAX_LINES]:
        key, sep, value = raw.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    if "state" not in fields and "link auth" not in fields:
        return None
    if fields.get("state") != "running" or "link auth" not in fields:
        return not_connected()
    ssid = fields.get("SSID", "")
    return {
        "connected": True,
        "ssid": bound(ssid) if ssid and ssid != "<redacted>" else None,
        "ssid_withheld": not ssid or ssid == "<redacted>",
        "security": classify(fields["link auth"]),
        "label": bound(fields["link auth"]),
    }
