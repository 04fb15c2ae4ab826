"""os-support (第5条(3), 第12条(4)): a vendor-supported release with security updates applied.

Linux only in this version: os-release identifies the release, the catalogue's lifecycle table
says until when it is supported, and apt (without root) says whether security updates wait.
Windows and macOS report UNKNOWN with the reason until their collectors exist.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from precheck.host import Host, HostError
from precheck.model import Facts, Phrase, Status, Verdict
from precheck.parse.apt import parse_upgradable
from precheck.parse.os_release import parse_os_release
from precheck.probes import Context

APT_STAMPS = (
    "/var/lib/apt/periodic/update-success-stamp",
    "/var/lib/apt/lists/partial",
    "/var/lib/apt/lists",
)


def collect(host: Host, ctx: Context) -> Facts:
    system = host.platform().system
    facts: Facts = {"system": system, "now": host.now().isoformat()}
    if system != "linux":
        return facts  # Windows and macOS collectors come with their own issue
    text = host.read_file("/etc/os-release") or host.read_file("/usr/lib/os-release")
    if text is None:
        facts["unidentified"] = "no /etc/os-release or /usr/lib/os-release"
        return facts
    release = parse_os_release(text)
    facts["os"] = {
        k.lower(): release[k]
        for k in ("ID", "ID_LIKE", "VERSION_ID", "VERSION_CODENAME", "PRETTY_NAME")
        if k in release
    }
    if release.get("ID") == "debian":
        point = host.read_file("/etc/debian_version")
        if point:
            facts["os"]["debian_version"] = point.strip()
    family = {release.get("ID", ""), *release.get("ID_LIKE", "").split()}
    if "debian" in family or "ubuntu" in family:
        facts["updates"] = _apt_updates(host)
    return facts


def _apt_updates(host: Host) -> dict[str, Any]:
    try:
        result = host.run(["apt", "list", "--upgradable"], timeout=15)
    except HostError as exc:
        return {"source": "apt", "error": exc.reason, "detail": exc.detail}
    if result.rc != 0:
        return {"source": "apt", "error": "failed", "detail": f"apt exited with {result.rc}"}
    upgradable = parse_upgradable(result.stdout)
    security = [u for u in upgradable if u.security]
    stamps = []
    for path in APT_STAMPS:
        try:
            stamp = host.mtime(path)
        except HostError:
            continue
        if stamp is not None:
            stamps.append(stamp)
    return {
        "source": "apt",
        "upgradable": len(upgradable),
        "security_pending": len(security),
        "security_examples": sorted(u.name for u in security)[:5],
        "lists_updated": max(stamps).isoformat() if stamps else None,
    }


def decide(facts: Facts, ctx: Context) -> Verdict:
    if facts["system"] != "linux":
        names = {"windows": "Windows", "darwin": "macOS"}
        return Verdict(
            Status.UNKNOWN,
            "system-not-yet",
            {"system": names.get(facts["system"], facts["system"])},
        )
    if "unidentified" in facts:
        return Verdict(Status.UNKNOWN, "unidentified", {"reason": facts["unidentified"]})
    os_facts: dict[str, str] = facts.get("os", {})
    name = os_facts.get("pretty_name") or os_facts.get("id") or "?"
    if "id" not in os_facts:
        return Verdict(Status.UNKNOWN, "unidentified", {"reason": "os-release has no ID"})
    table = ctx.table("os-lifecycle")
    row = _lifecycle_row(table, os_facts)
    if row is None:
        return Verdict(Status.UNKNOWN, "unknown-release", {"os": name})
    now = datetime.fromisoformat(facts["now"])
    today = now.date()
    until = date.fromisoformat(row["supported_until"])
    as_of = date.fromisoformat(table["as_of"])
    params: dict[str, Any] = {"os": row["name"], "eol": until.isoformat(), "as_of": as_of}
    th = ctx.thresholds
    if today > until:
        return Verdict(Status.FAIL, "eol", params)

    updates: dict[str, Any] = facts.get("updates") or {}
    if updates.get("security_pending", 0) > th["max_pending_security"]:
        return Verdict(
            Status.FAIL,
            "pending-security",
            {
                **params,
                "count": updates["security_pending"],
                "examples": ", ".join(updates.get("security_examples", [])),
            },
        )
    if not updates or "error" in updates:
        reason = (
            updates.get("detail") or updates.get("error")
            if updates
            else Phrase("no-package-manager")
        )
        return Verdict(Status.UNKNOWN, "supported-updates-unknown", {**params, "reason": reason})
    if updates.get("lists_updated"):
        age = (now - datetime.fromisoformat(updates["lists_updated"])).days
        if age > th["apt_lists_max_age_days"]:
            return Verdict(Status.WARN, "lists-stale", {**params, "days": age})
    days_left = (until - today).days
    if days_left <= th["eol_warn_days"]:
        return Verdict(Status.WARN, "eol-soon", {**params, "days": days_left})
    if today - as_of > timedelta(days=th["table_max_age_days"]):
        return Verdict(Status.WARN, "table-stale", {**params, "as_of": as_of.isoformat()})
    return Verdict(Status.PASS, "supported", params)


def _lifecycle_row(table: dict[str, Any], os_facts: dict[str, str]) -> dict[str, Any] | None:
    """Match on ID first; ID_LIKE is only a family hint and never picks a lifecycle."""
    releases: dict[str, Any] = table.get("linux", {}).get(os_facts["id"], {})
    version = os_facts.get("version_id", "")
    row = releases.get(version)
    if row is None and os_facts["id"] in table.get("match_major", {}).get("ids", []):
        row = releases.get(version.split(".")[0])
    return row if isinstance(row, dict) else None
