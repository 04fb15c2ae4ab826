"""os-release(5): shell-style KEY=value lines, values optionally quoted with shell escapes."""

from __future__ import annotations

import shlex


def parse_os_release(text: str) -> dict[str, str]:
    """Keys as written (ID, VERSION_ID, …); comments, blank lines and broken lines are skipped."""
    fields: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip()
        if not key.replace("_", "").isalnum():
            continue
        try:
            parts = shlex.split(value, comments=False, posix=True)
        except ValueError:
            parts = [value.strip().strip("\"'")]
        fields[key] = " ".join(parts) if parts else ""
    return fields
