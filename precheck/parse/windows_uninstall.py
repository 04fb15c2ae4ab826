"""One Windows Uninstall registry key's values to the fields of an installed program.

Apps & features lists a key by its DisplayName; DisplayIcon (`"C:\\…\\app.exe",0`) names the
program's main executable, the name the tables match on. Only the file name is kept, never the
folder: a per-user install lives under the user's home.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from precheck.parse.bounded import bound

_EXE = re.compile(r"([^\\/:\"*?<>|]+\.exe)\b", re.IGNORECASE)


def exe_name(location: str) -> str | None:
    """The .exe file name in a DisplayIcon-style value (quoted, with `,index`), or None."""
    found = None
    for match in _EXE.finditer(location[:2000]):
        found = match.group(1).strip()
    return bound(found) if found else None


def uninstall_entry(values: Mapping[str, Any]) -> tuple[str, str | None, str | None] | None:
    """(display name, version, exe name), or None for a key with no DisplayName (not listed)."""
    name = values.get("DisplayName")
    if not isinstance(name, str) or not name.strip():
        return None
    version = values.get("DisplayVersion")
    icon = values.get("DisplayIcon")
    exe = exe_name(icon) if isinstance(icon, str) else None
    return (
        bound(name),
        bound(version) if isinstance(version, str) and version.strip() else None,
        exe,
    )
