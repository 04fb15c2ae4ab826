"""A macOS bundle's Contents/Info.plist (XML, or `plutil -convert xml1` of a binary one)."""

from __future__ import annotations

import plistlib
from typing import Any

from precheck.parse.bounded import bound

KEYS = ("CFBundleIdentifier", "CFBundleExecutable", "CFBundleShortVersionString", "CFBundleName")
MAX_PLIST = 1 << 20


def is_binary_plist(text: str) -> bool:
    """A binary plist read as text: it must be converted (plutil) before it can be parsed."""
    return text.startswith("bplist")


def parse_info_plist(text: str) -> dict[str, str]:
    """The bundle keys precheck uses, from an XML plist; {} when it is not one.

    plistlib's XML reader uses expat, which does not expand external entities, and the text is
    capped, so a hostile bundle cannot make it read files or grow without bound.
    """
    stripped = text[:MAX_PLIST].lstrip()
    if not stripped.startswith("<"):
        return {}
    try:
        data: Any = plistlib.loads(stripped.encode("utf-8", "replace"), fmt=plistlib.FMT_XML)
    except Exception:  # expat's ExpatError, InvalidFileException, ValueError, RecursionError…
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: bound(v) for k in KEYS if isinstance(v := data.get(k), str) and v.strip()}
