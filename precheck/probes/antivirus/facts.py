"""The one facts shape every antivirus collector returns (plain JSON, kept in the report).

system           "windows", "darwin" or "linux"
products         every product found: [{name, family, state, signatures, age_days, updated,
                 microsoft, source}] where state is on, off, snoozed, expired or unknown,
                 signatures up-to-date, out-of-date or unknown (as the product reports it),
                 age_days the age of its definitions in whole days (None: not known), family
                 the product family of tables/antivirus.toml the office profile decides on
security_center  Windows: whether Security Center answered (False on Server SKUs)
defender         Windows: Defender's own status (parse/mpcomputerstatus.py), or None
defender_error   Windows: why Get-MpComputerStatus gave nothing, or None
active_threats   Windows: how many threats Defender still holds as active (Get-MpThreat,
                 IsActive), or None when it could not be asked; never their names or paths
error            why nothing could be read, or None
"""

from __future__ import annotations

import shlex
from datetime import datetime
from typing import Any

from precheck.host import Host, HostError
from precheck.parse.mdatp import parse_mdatp_health


def empty(system: str) -> dict[str, Any]:
    return {
        "system": system,
        "products": [],
        "security_center": None,
        "defender": None,
        "defender_error": None,
        "active_threats": None,
        "error": None,
    }


def product(name: str, family: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name[:100],
        "family": family,
        "state": "unknown",
        "signatures": "unknown",
        "age_days": None,
        "updated": None,
        "microsoft": False,
        "source": None,
    }
    base.update(fields)
    return base


def age_days(now: datetime, then: datetime) -> int:
    return max(0, (now - then).days)


def family_of(table: dict[str, Any], name: str, system: str) -> tuple[str, str]:
    """(product id, family) of a product named by the system; unknown ones are other_products."""
    for row in table["products"]:
        if system in row["platforms"] and name in row.get("windows_display_names", []):
            return row["id"], row["family"]
    return "", "other_products"


MDATP = "microsoft-defender-endpoint"


def mdatp_products(host: Host, table: dict[str, Any], system: str) -> list[dict[str, Any]]:
    """Microsoft Defender for Endpoint, through the commands its table row names.

    Not installed: absent. Installed but not answering with its health JSON: listed with an
    unknown state, so it can never count as on.
    """
    row = next((r for r in table["products"] if r["id"] == MDATP), None)
    if row is None or system not in row["platforms"]:
        return []
    for command in row.get("commands", []):
        try:
            result = host.run(shlex.split(command), timeout=15)
        except HostError as exc:
            if exc.reason == "missing":
                continue
            return [product(row["name"], row["family"], source=command)]
        health = parse_mdatp_health(result.stdout)
        if health is None:
            return [product(row["name"], row["family"], source=command)]
        realtime = health["realtime"]
        updated = health["updated"]
        return [
            product(
                row["name"], row["family"],
                state="on" if realtime else "off" if realtime is False else "unknown",
                signatures="up-to-date" if health["definitions"] == "upToDate" else "out-of-date",
                age_days=age_days(host.now(), datetime.fromisoformat(updated)) if updated else None,
                updated=updated, microsoft=row["microsoft"], source=command,
                passive=health["passive"],
            )
        ]  # fmt: skip
    return []
