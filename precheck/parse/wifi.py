"""The one shape every Wi-Fi parser returns, and the bounds they share.

Windows, macOS and Linux name the security of a Wi-Fi link differently (and Windows translates
it); each parser maps its own words onto the small vocabulary here, so the network check decides
once for all three.
"""

from __future__ import annotations

from typing import TypedDict

SECURITY = ("open", "owe", "wep", "wpa", "wpa2", "wpa3", "unknown")
"""open: no encryption; owe: Enhanced Open (encrypted, anyone may join); wep: broken;
wpa: WPA/TKIP; wpa2, wpa3: WPA2/WPA3 personal or enterprise; unknown: could not tell."""

MAX_VALUE = 200
MAX_LINES = 20_000


class WifiLink(TypedDict):
    """The Wi-Fi link in use as a parser read it. `ssid` stays inside the producer: the network
    check replaces it with a match result before anything is recorded (docs/evidence.md)."""

    connected: bool
    ssid: str | None  # None when not connected or withheld by the OS
    ssid_withheld: bool  # the OS printed a placeholder instead of the name (Location permission)
    security: str  # one of SECURITY
    label: str  # the security words as the tool printed them, bounded, for the helpdesk


def bound(text: str, limit: int = MAX_VALUE) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def not_connected() -> WifiLink:
    return {
        "connected": False,
        "ssid": None,
        "ssid_withheld": False,
        "security": "unknown",
        "label": "",
    }
