"""`netsh wlan show interfaces` (Windows): the connected Wi-Fi interface and its security.

netsh translates its labels and some values into the display language (fr `Authentification :
Ouvrir`, ja `認証 : WPA2-パーソナル`), so this parser never reads a label except the two that no
sample translates (`GUID`, `SSID`). It finds the authentication and cipher lines by position:
they are the two lines after the radio type, whose value (`802.11ax`) is the same in every
language. It decides the security from tokens no translation changes (`WPA3`, `WPA2`, `OWE`,
`CCMP`, `WEP`), and calls a link open only when the cipher is none of the known cipher names.
"""

from __future__ import annotations

import re

from precheck.parse.wifi import MAX_LINES, MAX_VALUE, WifiLink, bound, not_connected

_RADIO = re.compile(r"^802\.11\w*$")
_CIPHERS = ("CCMP", "GCMP", "TKIP", "BIP")
# Placeholders Windows prints instead of a name it withholds; none seen in a sample yet.
_WITHHELD = {"", "<redacted>"}


def _pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for raw in text.splitlines()[:MAX_LINES]:
        key, sep, value = raw.partition(":")
        if sep:
            pairs.append((key.strip()[:MAX_VALUE], value.strip()[:MAX_VALUE]))
    return pairs


def classify(auth: str, cipher: str) -> str:
    """Security from the authentication and cipher values, whatever the display language."""
    a, c = auth.upper(), cipher.upper()
    if "OWE" in a:
        return "owe"
    if "WPA3" in a:
        return "wpa3"
    if "WPA2" in a:
        return "wpa2"
    if "WPA" in a:
        return "wpa"
    if c.startswith("WEP"):
        return "wep"
    if not c or any(c.startswith(name) for name in _CIPHERS):
        return "unknown"
    return "open"  # no WPA/OWE authentication and a cipher that is "None" in some language


def parse_interfaces(text: str) -> list[WifiLink]:
    """One entry per interface block (a block holds one `GUID` line)."""
    blocks: list[list[tuple[str, str]]] = []
    for key, value in _pairs(text):
        if key == "GUID" or not blocks:
            blocks.append([])
        blocks[-1].append((key, value))
    links = []
    for block in blocks:
        if not any(key == "GUID" for key, _ in block):
            continue
        ssid = next((value for key, value in block if key == "SSID"), None)
        radio = next((i for i, (_, value) in enumerate(block) if _RADIO.match(value)), None)
        if ssid is None:
            links.append(not_connected())
            continue
        auth = block[radio + 1][1] if radio is not None and radio + 1 < len(block) else ""
        cipher = block[radio + 2][1] if radio is not None and radio + 2 < len(block) else ""
        links.append(
            {
                "connected": True,
                "ssid": None if ssid in _WITHHELD else bound(ssid),
                "ssid_withheld": ssid in _WITHHELD,
                "security": classify(auth, cipher),
                "label": bound(f"{auth} / {cipher}"),
            }
        )
    return links


def parse_netsh_wlan(text: str) -> WifiLink:
    """The first connected interface, or a not-connected link when there is none."""
    return next((link for link in parse_interfaces(text) if link["connected"]), not_connected())
