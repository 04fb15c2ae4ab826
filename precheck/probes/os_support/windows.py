r"""os-support on Windows: the registry's CurrentVersion key, `systeminfo` when it is unreadable.

Never `platform.release()`: Windows 11 still calls itself 10.0 there; only the build number
(>= 22000) tells Windows 11. The UBR (update build revision) dates the newest monthly update
applied, so the registry answers both questions at once; systeminfo has no UBR and no EditionID.
"""

from __future__ import annotations

from typing import Any

from precheck.host import Host, HostError
from precheck.host.text import bounded
from precheck.model import Facts
from precheck.parse.systeminfo import parse_systeminfo
from precheck.probes import Context

CURRENT_VERSION = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"
TEXT_VALUES = {
    "EditionID": "edition_id",
    "DisplayVersion": "display_version",
    "InstallationType": "installation_type",
    "ProductName": "product_name",
}


def collect(host: Host, ctx: Context) -> Facts:
    facts: Facts = {"system": "windows", "now": host.now().isoformat()}
    reason = ""
    try:
        key = host.registry(CURRENT_VERSION)
    except HostError as exc:
        key, reason = None, f"registry: {exc.reason}"
    if key is not None:
        found = _from_registry(key.values)
        if found is not None:
            facts["os"] = found
            return facts
        reason = "registry: no CurrentBuild"
    try:
        result = host.run(["systeminfo"], timeout=20)
    except HostError as exc:
        facts["unidentified"] = bounded(
            f"{reason or 'registry: missing'}; systeminfo: {exc.reason}"
        )
        return facts
    parsed = parse_systeminfo(result.stdout)
    if "build" not in parsed:
        facts["unidentified"] = bounded(f"{reason}; systeminfo: no OS Version line")
        return facts
    facts["os"] = {
        "source": "systeminfo",
        "build": parsed["build"],
        "product_name": parsed.get("name", ""),
        "installation_type": "Server" if parsed.get("server") else "Client",
    }
    return facts


def _from_registry(values: dict[str, Any]) -> dict[str, Any] | None:
    build = _int(values.get("CurrentBuild")) or _int(values.get("CurrentBuildNumber"))
    if build is None:
        return None
    found: dict[str, Any] = {"source": "registry", "build": build}
    ubr = _int(values.get("UBR"))
    if ubr is not None:
        found["ubr"] = ubr
    for name, field in TEXT_VALUES.items():
        value = values.get(name)
        if isinstance(value, str) and value.strip():
            found[field] = bounded(value.strip())
    return found


def _int(value: Any) -> int | None:
    """A REG_SZ "22631" or a REG_DWORD 4317 as an int; anything else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 1 << 32 else None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 9:
        return int(value.strip())
    return None
