"""The one facts shape the three collectors return.

system   "linux" | "windows" | "darwin"
now      the run's clock (ISO 8601)
found    one entry per installed browser, read without launching it:
           id        the browsers.toml row ("chrome", "firefox-esr", …)
           version   as the browser records it, bounded ("156.0.8078.114", "153.8.0")
           source    where it was read ("dpkg", "application.ini", "registry", "Info.plist")
           installed when the package or file last changed (ISO time), when known: the
                     build-age rule's stand-in for the build date (never older than it)
errors   where a lookup failed and why (bounded), so "none found" is never a silent error
"""

from __future__ import annotations

from typing import Any, TypedDict


class Browser(TypedDict, total=False):
    id: str
    version: str
    source: str
    installed: str


class BrowserFacts(TypedDict, total=False):
    system: str
    now: str
    found: list[Browser]
    errors: list[str]


def add(found: list[dict[str, Any]], entry: dict[str, Any]) -> None:
    """Keep the first reading of each browser (the collectors ask the best source first)."""
    if entry.get("version") and all(f["id"] != entry["id"] for f in found):
        found.append(entry)
