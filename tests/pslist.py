"""Read PowerShell's Format-List and wmic /format:list text back into records, for tests.

Real published Windows outputs are mostly list-formatted console text, while precheck's
PowerShell sections return plain data (host/powershell/*.ps1). The Windows replay tests build a
section's value from such a real text with these helpers, and say so where they do: the values
are the published ones, only the console formatting is undone.
"""

from __future__ import annotations

import re

_LIST = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\s*:\s?(.*)$")
_WMIC = re.compile(r"^([A-Za-z][A-Za-z0-9]*)=(.*)$")


def format_list(text: str) -> list[dict[str, str]]:
    """`Name : value` records separated by blank lines; wrapped values are joined."""
    records: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last = ""
    for line in text.splitlines():
        if not line.strip():
            if current:
                records.append(current)
                current = {}
            continue
        match = _LIST.match(line)
        if match and not line.startswith(" "):
            last = match[1]
            current[last] = match[2].strip()
        elif current and line.startswith(" ") and last:
            current[last] += line.strip()
    if current:
        records.append(current)
    return records


def wmic_list(text: str) -> dict[str, str]:
    """`Name=value` lines (wmic /format:list) of one instance."""
    found = {}
    for line in text.splitlines():
        match = _WMIC.match(line.strip())
        if match:
            found[match[1]] = match[2].strip()
    return found


def as_bool(value: str) -> bool:
    assert value.upper() in ("TRUE", "FALSE"), value
    return value.upper() == "TRUE"
