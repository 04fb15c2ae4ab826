"""macOS `socketfilterfw --getglobalstate`, `--getstealthmode` and `--listapps`.

Wordings differ by release: `Firewall is enabled. (State = 1)`; stealth mode `Firewall stealth
mode is on|off` (macOS 26) or `Stealth mode enabled|disabled` (older). The state number is
0 off, 1 on, 2 block all incoming (research/posture.md §4.1).
"""

from __future__ import annotations

import re

_STATE = re.compile(r"\(State = ([0-9])\)")
_APPS = re.compile(r"(?i)(?:ALF: )?total number of apps = ([0-9]{1,6})")
MAX_TEXT = 1 << 20


def global_state(text: str) -> int | None:
    match = _STATE.search(text[:MAX_TEXT])
    if match:
        return int(match[1])
    lowered = text[:4096].lower()
    if "firewall is disabled" in lowered:
        return 0
    return None


def stealth_mode(text: str) -> bool | None:
    lowered = text[:4096].lower()
    if "stealth mode is on" in lowered or "stealth mode enabled" in lowered:
        return True
    if "stealth mode is off" in lowered or "stealth mode disabled" in lowered:
        return False
    return None


def app_count(text: str) -> int | None:
    """How many apps have an entry (allowed or blocked) in the Application Firewall."""
    match = _APPS.search(text[:MAX_TEXT])
    return int(match[1]) if match else None
