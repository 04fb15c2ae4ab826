"""`netsh advfirewall show allprofiles` (or `currentprofile`): each profile's state and policy.

netsh prints in the user's language. English blocks read `Public Profile Settings:`,
`State  ON`, `Firewall Policy  BlockInbound,AllowOutbound` (samples/windows/netsh-advfirewall-*).
The Japanese words below (プロファイル設定, 状態, オン/オフ, ファイアウォール ポリシー) follow the
Japanese Windows UI; no complete published Japanese capture was found (samples/INDEX.md notes
the same), so anything not recognised stays unknown and never counts as on. The policy values
(BlockInbound, AllowInbound, …) are not translated by netsh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINES = 5_000

_PROFILE = re.compile(
    r"^(?:(Domain|Private|Public) Profile Settings:|"
    r"(ドメイン|プライベート|パブリック)\s*プロファイル設定\s*[:：])"
)
_JA_PROFILES = {"ドメイン": "domain", "プライベート": "private", "パブリック": "public"}
_STATE_LABELS = ("State", "状態")
_POLICY_LABELS = ("Firewall Policy", "ファイアウォール ポリシー", "ファイアウォール　ポリシー")
_ON = {"ON": True, "OFF": False, "オン": True, "オフ": False}


@dataclass
class NetshProfile:
    name: str  # domain, private or public
    enabled: bool | None = None
    inbound: str | None = None  # block, allow or None


def parse_netsh_profiles(text: str) -> list[NetshProfile]:
    profiles: list[NetshProfile] = []
    current: NetshProfile | None = None
    for raw in text.splitlines()[:MAX_LINES]:
        line = raw.strip()[:300]
        match = _PROFILE.match(line)
        if match:
            name = (match[1] or "").lower() or _JA_PROFILES[match[2]]
            current = NetshProfile(name)
            profiles.append(current)
            continue
        if current is None:
            continue
        for label in _STATE_LABELS:
            if line.startswith(label) and current.enabled is None:
                value = line[len(label) :].strip()
                current.enabled = _ON.get(value.upper() if value.isascii() else value)
        for label in _POLICY_LABELS:
            if line.startswith(label) and current.inbound is None:
                value = line[len(label) :].strip().lower()
                if "blockinbound" in value or "blockinboundalways" in value:
                    current.inbound = "block"
                elif "allowinbound" in value:
                    current.inbound = "allow"
    return profiles
