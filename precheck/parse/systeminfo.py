"""`systeminfo` (English and Japanese labels): the OS name, build and configuration lines.

Only the fallback when the registry cannot be read: systeminfo has no UBR and no EditionID, so
it identifies the release but never the patch level. Lines are matched by their label, which
is translated (`OS Name:` / `OS 名:`), so other languages give no fields and the check says
UNKNOWN with the reason rather than guessing.
"""

from __future__ import annotations

import itertools
import re

from precheck.host.text import bounded

MAX_LINES = 400
"""A real systeminfo prints about 40 lines plus one per hotfix; the OS lines come first."""

_LABELS = {
    "name": ("OS Name", "OS 名"),
    "version": ("OS Version", "OS バージョン"),
    "configuration": ("OS Configuration", "OS 構成"),
}
_BUILD = re.compile(r"\b10\.0\.(\d{4,6})\b|\b\d+\.\d+\.(\d{4,6})\b")


def parse_systeminfo(text: str) -> dict[str, object]:
    """`name`, `build` (int), `server` (bool) when their lines are present; never raises."""
    found: dict[str, str] = {}
    for line in itertools.islice(text.splitlines(), MAX_LINES):
        label, sep, value = line.partition(":")
        if not sep:
            continue
        label = label.strip()
        for field, names in _LABELS.items():
            if label in names and field not in found:
                found[field] = bounded(value.strip())
    facts: dict[str, object] = {}
    if "name" in found:
        facts["name"] = found["name"]
    match = _BUILD.search(found.get("version", ""))
    if match:
        facts["build"] = int(match.group(1) or match.group(2))
    if "configuration" in found:
        conf = found["configuration"]
        facts["server"] = "Server" in conf or "サーバー" in conf or "Domain Controller" in conf
    return facts
