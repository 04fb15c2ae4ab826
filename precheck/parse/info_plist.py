"""A macOS bundle's Contents/Info.plist (XML, or `plutil -convert json` of a binary one)."""

from __future__ import annotations

import json
import plistlib
from typing import Any

from precheck.parse.bounded import bound

KEYS = ("CFBundleIdentifier", "CFBundleExecutable", "CFBundleShortVersionString", "CFBundleName")
MAX_PLIST = 1 << 20


def is_binary_plist(text: str) -> bool:
    """A binary plist read as text: it must be converted (plutil) before it can be parsed."""
    return text.startswith("bplist")


def parse_info_plist(text: str) -> dict[str, str]:
    """The bundle keys precheck uses, from an XML plist or its JSON form; {} when unreadable.

    plistlib's XML reader uses expat, which does not expand external entities, and the text is
    capped, so a hostile bundle cannot make it read files or grow without bound.
    """
    text = text[:MAX_PLIST]
    data: Any = None
    stripped = text.lstrip()
    try:
        if stripped.startswith("{"):
            data = json.loads(stripped)
        elif stripped.startswith("<"):
            data = plistlib.loads(stripped.encode("utf-8"), fmt=plistlib.FMT_XML)
    except (ValueError, TypeError, plistlib.InvalidFileException, RecursionError):
        return {}
    except Exception:  # expat raises its own ExpatError (a ValueError subclass on 3.12+ only)
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: bound(v) for k in KEYS if isinstance(v := data.get(k), str) and v.strip()}
