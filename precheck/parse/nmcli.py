"""NetworkManager's `nmcli` in terse mode (`-t`), run under LC_ALL=C (nmcli translates values).

Terse output separates fields with `:` and escapes a `:` or `\\` inside a value with `\\`.
"""

from __future__ import annotations

from precheck.parse.wifi import MAX_LINES, WifiLink, bound, not_connected

WIFI_LIST_FIELDS = ("IN-USE", "BSSID", "SSID", "MODE", "CHAN", "RATE", "SIGNAL", "BARS", "SECURITY")
"""The field order `nmcli -t -f IN-USE,BSSID,SSID,MODE,CHAN,RATE,SIGNAL,BARS,SECURITY device
wifi list` prints (the default set of nmcli 1.2x–1.5x, as in the sample)."""

_LINK_TYPES = {
    "802-11-wireless": "wifi",
    "wifi": "wifi",
    "802-3-ethernet": "wired",
    "ethernet": "wired",
    "gsm": "mobile",
    "cdma": "mobile",
    "bluetooth": "mobile",
}


def split_terse(line: str) -> list[str]:
    fields, current, escaped = [], [], False
    for char in line:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    return fields


def classify(security: str) -> str:
    tokens = security.upper().split()
    if not tokens or tokens == ["(NONE)"] or tokens == ["--"]:
        return "open"
    if any(t.startswith("OWE") for t in tokens):
        return "owe"
    for token, name in (("WPA3", "wpa3"), ("WPA2", "wpa2"), ("WPA1", "wpa"), ("WEP", "wep")):
        if token in tokens:
            return name
    if tokens == ["802.1X"]:
        return "wep"  # 802.1X without WPA is dynamic WEP (libnm NM.Utils.SecurityType)
    return "unknown"


def parse_wifi_list(text: str) -> WifiLink:
    """The access point marked in use (`*`), or not connected."""
    for raw in text.splitlines()[:MAX_LINES]:
        fields = split_terse(raw)
        if len(fields) < len(WIFI_LIST_FIELDS) or fields[0].strip() != "*":
            continue
        ssid, security = fields[2], fields[-1]
        return {
            "connected": True,
            "ssid": bound(ssid) if ssid else None,
            "ssid_withheld": not ssid,
            "security": classify(security),
            "label": bound(security) or "(none)",
        }
    return not_connected()


def parse_active_types(text: str) -> list[tuple[str, str]]:
    """(link kind, device) of each active connection in `nmcli -t connection show --active`
    (NAME:UUID:TYPE:DEVICE); loopback, VPN and bridges are left out."""
    found = []
    for raw in text.splitlines()[:MAX_LINES]:
        fields = split_terse(raw)
        for index, value in enumerate(fields):
            kind = _LINK_TYPES.get(value)
            if kind:
                device = fields[index + 1] if index + 1 < len(fields) else ""
                found.append((kind, bound(device, 40)))
                break
    return found


def parse_metered(text: str) -> str:
    """`GENERAL.METERED` of `nmcli device show DEV` (pretty or terse): yes, no or unknown."""
    for raw in text.splitlines()[:MAX_LINES]:
        key, sep, value = raw.partition(":")
        if sep and key.strip() == "GENERAL.METERED":
            word = value.strip().split(" ")[0].lower()
            return word if word in ("yes", "no") else "unknown"
    return "unknown"
