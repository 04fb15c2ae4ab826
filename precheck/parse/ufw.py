"""ufw's own configuration files, readable without root.

`/etc/ufw/ufw.conf` holds `ENABLED=yes|no` (set by `ufw enable`/`ufw disable`); `/etc/default/ufw`
holds `DEFAULT_INPUT_POLICY="DROP"|"REJECT"|"ACCEPT"` (set by `ufw default … incoming`). Both are
shell-style `KEY=value` files (ufw.conf(5), ufw(8)).
"""

from __future__ import annotations

MAX_LINES = 10_000


def shell_values(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in text.splitlines()[:MAX_LINES]:
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()[:100]] = value.strip().strip("\"'")[:200]
    return values


def ufw_enabled(text: str) -> bool | None:
    value = shell_values(text).get("ENABLED", "").lower()
    return {"yes": True, "no": False}.get(value)


def ufw_default_input(text: str) -> str | None:
    value = shell_values(text).get("DEFAULT_INPUT_POLICY", "").lower()
    return value if value in ("drop", "reject", "accept") else None
