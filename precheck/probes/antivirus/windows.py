"""Windows antivirus collector: Security Center's products and Defender's own status.

Both come from the batch's `antivirus` section (host/powershell/antivirus.ps1). Security Center
lists every registered product with its undocumented productState, decoded by bit mask
(parse/security_center.py); Defender's own fields say whether it is the active engine, in
passive mode beside another product, and how old its signatures are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from precheck.host import Host, HostError
from precheck.parse.mpcomputerstatus import defender_status
from precheck.parse.security_center import decode_product_state
from precheck.probes import Context
from precheck.probes.antivirus.facts import age_days, empty, family_of, product

DEFENDER_FAMILY = "microsoft_defender"


def collect(host: Host, ctx: Context) -> dict[str, Any]:
    facts = empty("windows")
    now = host.now()
    try:
        section = host.powershell("antivirus")
    except HostError as exc:
        facts["error"] = (exc.detail or exc.reason)[:200]
        return facts
    data: dict[str, Any] = section if isinstance(section, dict) else {}
    facts["security_center"] = data.get("security_center") is not False
    table = ctx.table("antivirus")
    raw_defender = data.get("defender")
    if isinstance(raw_defender, dict) and "error" in raw_defender:
        facts["defender_error"] = str(raw_defender["error"])[:200]
    elif isinstance(raw_defender, dict):
        facts["defender"] = defender_status(raw_defender)
    threats = data.get("active_threats")
    if isinstance(threats, int) and not isinstance(threats, bool) and 0 <= threats < 100_000:
        facts["active_threats"] = threats
    items = data.get("products")
    for item in (items if isinstance(items, list) else [items] if items else [])[:20]:
        if not isinstance(item, dict):
            continue
        name = str(item.get("name") or "?")
        decoded = decode_product_state(item.get("state"))
        _, family = family_of(table, name, "windows")
        found = product(
            name,
            family,
            state=decoded.state,
            signatures=decoded.signatures,
            microsoft=decoded.microsoft,
            source="SecurityCenter2",
            product_state=item.get("state") if isinstance(item.get("state"), int) else None,
        )
        defender = facts["defender"]
        if family == DEFENDER_FAMILY and defender:
            found["age_days"] = defender["signature_age_days"]
            found["updated"] = defender["signature_updated"]
            if found["age_days"] is None and defender["signature_updated"]:
                found["age_days"] = age_days(
                    now, datetime.fromisoformat(defender["signature_updated"])
                )
        facts["products"].append(found)
    return facts
