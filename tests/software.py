"""Replay bundles of Windows and macOS software, built from real published listings.

The listings in tests/data/samples are turned into the Host answers a real machine holding
those programs gives (`reg:` keys with their values, `dir:` listings, `file:` Info.plists), so
the real collectors in precheck/inventory read them. Only the run's process list and the
empty folders are supplied by the test itself (a replay needs some process list).
"""

from __future__ import annotations

import re
from typing import Any

from precheck.inventory.windows import ROOTS
from tests.bundles import ok
from tests.conftest import sample

WINDOWS = {"system": "windows", "release": "10", "version": "10.0.22631", "machine": "amd64"}
DARWIN = {"system": "darwin", "release": "23.5.0", "version": "Darwin 23.5.0", "machine": "arm64"}
BUNDLE_BASE = {"format": "precheck-evidence", "version": 1}


def get_itemproperty_blocks(text: str) -> list[dict[str, str]]:
    """`Get-ItemProperty … | Select-Object A, B` list output: blank-line separated blocks."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if current:
                blocks.append(current)
            current = {}
            continue
        name, _, value = line.partition(":")
        current[name.strip()] = value.strip()
    return blocks


def nsis_uninstall_values(text: str, instdir: str) -> tuple[str, dict[str, Any]]:
    """The subkey name and values an NSIS script's `WriteRegStr/WriteRegDWORD … Uninstall\\X`
    lines leave in the registry, with $INSTDIR standing for the folder it installs to."""
    subkey = ""
    values: dict[str, Any] = {}
    pattern = re.compile(
        r'WriteReg(Str|DWORD) HKLM "[^"]*\\Uninstall\\([^"]+)" "([^"]+)" (\'[^\']*\'|"[^"]*"|\d+)'
    )
    for match in pattern.finditer(text):
        kind, subkey, name, raw = match.groups()
        value = raw[1:-1].replace("$INSTDIR", instdir) if kind == "Str" else int(raw)
        values[name] = value
    return subkey, values


def windows_bundle(
    programs: dict[str, dict[str, Any]], processes: list[str], root: int = 0
) -> dict[str, Any]:
    """Uninstall subkeys (name → values) under ROOTS[root]; the other roots empty."""
    entries: dict[str, Any] = {
        "sys:platform": ok(WINDOWS),
        "sys:now": ok("2026-11-24T03:00:00+00:00"),
        "sys:processes": ok(processes),
        "ps:batch": ok({"appx": {"ok": []}}),
    }
    for index, (_source, path) in enumerate(ROOTS):
        subkeys = sorted(programs) if index == root else []
        entries["reg:" + path] = ok({"values": {}, "subkeys": subkeys})
    base = ROOTS[root][1]
    for sub, values in programs.items():
        entries[f"reg:{base}\\{sub}"] = ok({"values": values, "subkeys": []})
    return {**BUNDLE_BASE, "entries": entries}


def published_windows_programs() -> dict[str, dict[str, Any]]:
    """The programs of the PowerShell docs' Uninstall listing, keyed by their ProdID."""
    found = {}
    for block in get_itemproperty_blocks(
        sample("windows/uninstall-get-itemproperty-list-en-us.txt")
    ):
        found[block["ProdID"]] = {
            k: v for k, v in block.items() if k in ("DisplayName", "Publisher", "DisplayVersion")
        }
    return found


def ls_l_names(text: str) -> list[str]:
    """Entry names of `ls -l` lines (the ninth field on, so names with spaces stay whole)."""
    names = []
    for line in text.splitlines():
        parts = line.split(None, 8)
        if len(parts) == 9:
            names.append(parts[8])
    return sorted(names)


def darwin_bundle(
    applications: list[str], plists: dict[str, str], processes: list[str]
) -> dict[str, Any]:
    """/Applications holding `applications`; Info.plist text for the bundles in `plists`; the
    other bundles' plists and ~/Applications absent; non-bundle folders empty."""
    entries: dict[str, Any] = {
        "sys:platform": ok(DARWIN),
        "sys:now": ok("2026-11-24T03:00:00+00:00"),
        "sys:processes": ok(processes),
        "dir:/Applications": ok(sorted(applications)),
        "dir:~/Applications": ok(None),
    }
    for name in applications:
        if name.endswith(".app"):
            entries[f"file:/Applications/{name}/Contents/Info.plist"] = ok(plists.get(name))
        elif "." not in name:
            entries[f"dir:/Applications/{name}"] = ok([])
    return {**BUNDLE_BASE, "entries": entries}
