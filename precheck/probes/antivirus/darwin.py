"""macOS antivirus collector: XProtect's definitions version and when they last changed.

`system_profiler SPInstallHistoryDataType` takes seconds; the bundle's own Info.plist holds the
version (CFBundleShortVersionString) and its modification time says when the definitions were
installed. macOS 15 keeps the primary copy under /var/protected/xprotect and the old path only as
a fallback that can lag (research/posture.md §4.2), so every path of the table is read and the
newest version wins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from precheck.host import Host, HostError
from precheck.parse.plist import plist_value
from precheck.probes import Context
from precheck.probes.antivirus.facts import age_days, empty, mdatp_products, product

APPLICATIONS = "/Applications"


def collect(host: Host, ctx: Context) -> dict[str, Any]:
    facts = empty("darwin")
    now = host.now()
    table = ctx.table("antivirus")
    row = next(r for r in table["products"] if r["family"] == "macos_xprotect")
    copies = []
    for bundle in row.get("paths", []):
        info = f"{bundle}/Contents/Info.plist"
        try:
            text = host.read_file(info)
            changed = host.mtime(info) if text is not None else None
        except HostError as exc:
            copies.append({"path": bundle, "error": exc.reason})
            continue
        version = plist_value(text or "", "CFBundleShortVersionString")
        if text is not None:
            copies.append(
                {"path": bundle, "version": version,
                 "changed": changed.isoformat() if changed else None}
            )  # fmt: skip
    facts["xprotect"] = copies
    readable = [c for c in copies if c.get("version") and c.get("changed")]
    if readable:
        best = max(readable, key=lambda c: (_number(c["version"]), c["changed"]))
        facts["products"].append(
            product(
                f"XProtect {best['version']}",
                "macos_xprotect",
                state="on",
                age_days=age_days(now, datetime.fromisoformat(best["changed"])),
                updated=best["changed"],
                microsoft=False,
                source=best["path"],
            )
        )
    elif copies:
        facts["products"].append(product("XProtect", "macos_xprotect", source="Info.plist"))
    facts["products"].extend(mdatp_products(host, table, "darwin"))
    facts["products"].extend(_applications(host, table))
    return facts


def _applications(host: Host, table: dict[str, Any]) -> list[dict[str, Any]]:
    """Products found only by their app bundle in /Applications: named, state unknown."""
    try:
        installed = set(host.list_dir(APPLICATIONS) or [])
    except HostError:
        return []
    return [
        product(row["name"], row["family"], source=APPLICATIONS)
        for row in table["products"]
        if "darwin" in row["platforms"] and installed & set(row.get("macos_apps", []))
    ]


def _number(version: str) -> int:
    digits = version.split(".")[0]
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) < 10 else -1
