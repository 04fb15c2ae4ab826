"""Match a Wi-Fi name against checks/tables/wifi-free-japan.toml, keeping only what may be shown.

The name itself leaves this function only when it IS a public network's name from the table;
for a pattern match only the matched part (e.g. `FREE`) is kept, since a home network may
happen to contain it; otherwise the name is dropped.
"""

from __future__ import annotations

import re
from typing import Any


def match_ssid(ssid: str | None, withheld: bool, table: dict[str, Any]) -> dict[str, Any]:
    if ssid is None:
        return {"ssid_state": "withheld" if withheld else None, "ssid_name": None}
    folded = ssid.casefold()
    for row in table.get("ssids", []):
        if str(row.get("ssid", "")).casefold() == folded:
            state = (
                "public-ended"
                if row.get("status") == "ended"
                else "public"
                if row.get("verified")
                else "public-unverified"
            )
            return {
                "ssid_state": state,
                "ssid_name": str(row["ssid"]),
                "operator": str(row.get("operator", ""))[:120],
            }
    for row in table.get("patterns", []):
        try:
            found = re.search(str(row.get("pattern", "")), ssid, re.IGNORECASE)
        except re.error:
            continue
        if found and found.group(0):
            return {"ssid_state": "pattern", "ssid_name": None, "pattern": found.group(0)[:40]}
    return {"ssid_state": "other", "ssid_name": None}
