"""One top-level value of an XML property list (Info.plist), as a string.

plistlib refuses entity declarations, so a hostile file cannot expand; binary or broken
plists give None.
"""

from __future__ import annotations

import plistlib

MAX_INPUT = 1 << 20


def plist_value(text: str, key: str) -> str | None:
    try:
        data = plistlib.loads(text[:MAX_INPUT].encode("utf-8"), fmt=plistlib.FMT_XML)
    except Exception:  # plistlib raises many kinds (ExpatError, ValueError, InvalidFileException)
        return None
    value = data.get(key) if isinstance(data, dict) else None
    return str(value)[:100] if isinstance(value, (str, int, float)) else None
