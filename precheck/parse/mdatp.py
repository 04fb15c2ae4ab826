"""`mdatp health --output json`: Microsoft Defender for Endpoint on macOS and Linux.

Settings come as `{"value": …, "isManaged": …}` objects, `definitionsStatus` as
`{"$type": "upToDate"}`, `definitionsUpdated` as milliseconds since 1970 in a string
(glpi-project/glpi-agent resources/linux/antivirus/defender-101.23062.0010.json;
learn.microsoft.com defender-endpoint health-status).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

MAX_INPUT = 1 << 20


def _value(data: dict[str, Any], key: str) -> Any:
    item = data.get(key)
    return item.get("value") if isinstance(item, dict) else item


def parse_mdatp_health(text: str) -> dict[str, Any] | None:
    """Plain facts, or None when the text is not mdatp's health JSON."""
    try:
        data = json.loads(text[:MAX_INPUT])
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or "healthy" not in data:
        return None
    status = data.get("definitionsStatus")
    status_type = status.get("$type") if isinstance(status, dict) else status
    updated = None
    raw = data.get("definitionsUpdated")
    if (
        isinstance(raw, (str, int))
        and str(raw).isascii()
        and str(raw).isdigit()
        and len(str(raw)) <= 15
    ):
        try:
            updated = datetime.fromtimestamp(int(raw) / 1000, UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            updated = None
    realtime = _value(data, "realTimeProtectionEnabled")
    passive = _value(data, "passiveModeEnabled")
    return {
        "healthy": data.get("healthy") if isinstance(data.get("healthy"), bool) else None,
        "definitions": str(status_type)[:40] if status_type is not None else None,
        "updated": updated,
        "realtime": realtime if isinstance(realtime, bool) else None,
        "passive": passive if isinstance(passive, bool) else None,
        "version": str(data.get("appVersion", ""))[:40] or None,
    }
