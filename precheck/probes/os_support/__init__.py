"""os-support (第5条(3), 第12条(4)): a vendor-supported release with security updates applied.

`collect` picks the collector for the machine's system (linux.py, windows.py, darwin.py), each
returning the one facts shape of facts.py; `decide` is pure: facts and the catalogue's tables and
thresholds to a verdict, so every system's judgement is tested with facts alone, on any OS.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from precheck.host import Host
from precheck.model import Facts, Phrase, Status, Verdict
from precheck.parse.sw_vers import version_tuple
from precheck.probes import Context, ProbeModule

NAMES = {"windows": "Windows", "darwin": "macOS", "linux": "Linux"}


def collect(host: Host, ctx: Context) -> Facts:
    from importlib import import_module

    system = host.platform().system
    if system not in NAMES:
        return {"system": system, "now": host.now().isoformat(), "unidentified": system}
    backend: ProbeModule = import_module(f"{__name__}.{system}")
    return backend.collect(host, ctx)


def decide(facts: Facts, ctx: Context) -> Verdict:
    if "unidentified" in facts:
        return Verdict(Status.UNKNOWN, "unidentified", {"reason": facts["unidentified"]})
    table = ctx.table("os-lifecycle")
    now = datetime.fromisoformat(facts["now"])
    system = facts["system"]
    if system == "windows":
        return _windows(facts, ctx, table, now)
    if system == "darwin":
        return _darwin(facts, ctx, table, now)
    return _linux(facts, ctx, table, now)


# -- shared ------------------------------------------------------------------------------------


def _finish(
    params: dict[str, Any], until: date | None, today: date, ctx: Context, data_as_of: date
) -> Verdict:
    """The last steps every supported release goes through: end near, table old, or PASS."""
    th = ctx.thresholds
    if until is not None:
        days_left = (until - today).days
        if days_left <= th["eol_warn_days"]:
            return Verdict(Status.WARN, "eol-soon", {**params, "days": days_left})
    if today - data_as_of > timedelta(days=th["table_max_age_days"]):
        return Verdict(Status.WARN, "table-stale", {**params, "as_of": data_as_of.isoformat()})
    return Verdict(Status.PASS, "supported", params)


def _updates_unknown(params: dict[str, Any], updates: dict[str, Any]) -> Verdict:
    reason = (
        (updates.get("detail") or updates.get("error")) if updates else Phrase("no-package-manager")
    )
    return Verdict(Status.UNKNOWN, "supported-updates-unknown", {**params, "reason": reason})


def _data_as_of(table: dict[str, Any]) -> date:
    return date.fromisoformat(table.get("data_as_of", table["as_of"]))


def _eol_param(until: date | None) -> Any:
    return until.isoformat() if until else Phrase("no-end-announced")


# -- Linux -------------------------------------------------------------------------------------


def _linux(facts: Facts, ctx: Context, table: dict[str, Any], now: datetime) -> Verdict:
    os_facts: dict[str, str] = facts.get("os", {})
    if "id" not in os_facts:
        return Verdict(Status.UNKNOWN, "unidentified", {"reason": "os-release has no ID"})
    today = now.date()
    th = ctx.thresholds
    updates: dict[str, Any] = facts.get("updates") or {}
    pretty = os_facts.get("pretty_name") or os_facts["id"]
    if os_facts["id"] in table.get("rolling", {}).get("ids", []):
        return _rolling(pretty, updates, now, th)
    family, version, base_label = _linux_family(table, os_facts)
    releases: dict[str, Any] = table.get("linux", {}).get(family, {})
    row = _linux_row(table, family, releases, version)
    if row is None:
        older = _older_than_all(releases, version)
        if older is not None:
            oldest, ended = older
            return Verdict(
                Status.FAIL, "eol-older", {"os": pretty, "oldest": oldest, "eol": ended.isoformat()}
            )
        return Verdict(
            Status.UNKNOWN,
            "unknown-release",
            {"os": pretty, "id": os_facts["id"], "version": os_facts.get("version_id", "-")},
        )
    until: date | None = (
        date.fromisoformat(row["supported_until"]) if "supported_until" in row else None
    )
    name = f"{pretty} ({row['name']})" if base_label else row["name"]
    data_as_of = _data_as_of(table)
    params: dict[str, Any] = {"os": name, "eol": _eol_param(until), "as_of": table["as_of"]}
    if until is not None and today > until:
        return Verdict(Status.FAIL, "eol", params)
    if family in table.get("newest_minor", {}).get("ids", []) and "latest_minor" in row:
        have, latest = version_tuple(version), version_tuple(row["latest_minor"])
        if len(have) >= 2 and have < latest:
            return Verdict(
                Status.FAIL,
                "minor-old",
                {**params, "version": version, "latest": row["latest_minor"]},
            )
    if updates.get("security_pending", 0) > th["max_pending_security"]:
        return Verdict(
            Status.FAIL,
            "pending-security",
            {
                **params,
                "count": updates["security_pending"],
                "examples": ", ".join(updates.get("security_examples", [])) or "-",
            },
        )
    if not updates or "error" in updates:
        return _updates_unknown(params, updates)
    if updates.get("stale"):
        return Verdict(Status.WARN, "lists-stale", {**params, "days": 7})
    if updates.get("lists_updated"):
        age = (now - datetime.fromisoformat(updates["lists_updated"])).days
        if age > th["apt_lists_max_age_days"]:
            return Verdict(Status.WARN, "lists-stale", {**params, "days": age})
    return _finish(params, until, today, ctx, data_as_of)


def _linux_family(table: dict[str, Any], os_facts: dict[str, str]) -> tuple[str, str, bool]:
    """(table id, version to look up, whether the row is a base the OS is built on)."""
    os_id = os_facts["id"]
    version = os_facts.get("version_id", "")
    if os_id == "centos" and "stream" in os_facts.get("name", "").lower():
        return "centos-stream", version, False
    if os_id == "linuxmint" and os_facts.get("name", "").startswith("LMDE"):
        return "lmde", version, False
    derived = table.get("linux_derivatives", {}).get(os_id)
    if not isinstance(derived, dict):
        return os_id, version, False
    base = str(derived["base"])
    if derived.get("by") == "ubuntu_codename":
        # Their own VERSION_ID (elementary 7.1, Zorin 17) is not Ubuntu's: only the codename
        # names the base; an unknown codename stays unknown rather than being guessed.
        codename = os_facts.get("ubuntu_codename") or os_facts.get("version_codename", "")
        for key, row in table.get("linux", {}).get(base, {}).items():
            if codename and row.get("codename") == codename:
                return base, key, True
        return base, "", True
    return base, version, True


def _linux_row(
    table: dict[str, Any], family: str, releases: dict[str, Any], version: str
) -> dict[str, Any] | None:
    """Match on ID first; ID_LIKE is only a family hint and never picks a lifecycle."""
    row = releases.get(version)
    if row is None and family in table.get("match_major", {}).get("ids", []):
        row = releases.get(version.split(".")[0])
    if row is None and family in table.get("match_minor", {}).get("ids", []):
        row = releases.get(".".join(version.split(".")[:2]))
    return row if isinstance(row, dict) else None


def _older_than_all(releases: dict[str, Any], version: str) -> tuple[str, date] | None:
    """The oldest listed release and the latest end among the family's rows, when `version` is
    older than every listed release: it cannot have outlived them, so its support is over."""
    have = version_tuple(version)
    rows = [(version_tuple(k), r) for k, r in releases.items() if isinstance(r, dict)]
    rows = [(v, r) for v, r in rows if v]
    if not have or not rows or have >= min(v for v, _ in rows):
        return None
    oldest = min(rows, key=lambda item: item[0])[1]
    if "supported_until" not in oldest:
        return None
    return str(oldest["name"]), date.fromisoformat(oldest["supported_until"])


def _rolling(pretty: str, updates: dict[str, Any], now: datetime, th: Any) -> Verdict:
    params: dict[str, Any] = {"os": pretty}
    if "last_change" not in updates:
        return _updates_unknown({**params, "eol": Phrase("no-end-announced")}, updates)
    days = max(0, (now - datetime.fromisoformat(updates["last_change"])).days)
    params["days"] = days
    if days > th["rolling_fail_days"]:
        return Verdict(Status.FAIL, "rolling-abandoned", params)
    if days > th["rolling_warn_days"]:
        return Verdict(Status.WARN, "rolling-stale", params)
    return Verdict(Status.PASS, "rolling-current", params)


# -- Windows -----------------------------------------------------------------------------------


def _windows(facts: Facts, ctx: Context, table: dict[str, Any], now: datetime) -> Verdict:
    w: dict[str, Any] = table["windows"]
    os_facts: dict[str, Any] = facts["os"]
    build: int = os_facts["build"]
    product = os_facts.get("product_name", "") or f"Windows (build {build})"
    if build >= 22000 and product.startswith("Windows 10"):
        # ProductName still says "Windows 10 Pro" on Windows 11 (research/lifecycle.md §1.3).
        product = "Windows 11" + product.removeprefix("Windows 10")
    edition = os_facts.get("edition_id", "")
    today = now.date()
    if "Server" in os_facts.get("installation_type", "") or "Server" in product:
        server = w.get("server", {}).get(str(build), {})
        return Verdict(Status.UNKNOWN, "server-os", {"os": server.get("name", product)})
    enterprise = edition in w["editions"]["enterprise"] or (
        not edition and any(word in product for word in ("Enterprise", "Education"))
    )
    is_ltsc = edition.endswith(w["editions"]["ltsc_suffix"]) or "LTSC" in product
    row: dict[str, Any] | None
    if is_ltsc and str(build) in w.get("ltsc", {}):
        row = w["ltsc"][str(build)]
        iot = edition.startswith("IoT") and "iot_until" in row
        until = date.fromisoformat(row["iot_until" if iot else "until"])
        name = str(row["name"])
    elif str(build) in w["builds"]:
        row = w["builds"][str(build)]
        until = date.fromisoformat(row["enterprise_until" if enterprise else "home_pro_until"])
        name = f"{row['name']} ({product})" if os_facts.get("product_name") else str(row["name"])
    else:
        oldest_build = min(int(b) for b in w["builds"])
        if build < oldest_build:
            oldest = w["builds"][str(oldest_build)]
            latest_end = max(oldest["home_pro_until"], oldest["enterprise_until"])
            return Verdict(
                Status.FAIL,
                "eol-older",
                {"os": f"{product} (build {build})", "oldest": oldest["name"], "eol": latest_end},
            )
        return Verdict(
            Status.UNKNOWN,
            "unknown-release",
            {"os": product, "id": "Windows", "version": str(build)},
        )
    params: dict[str, Any] = {"os": name, "eol": until.isoformat(), "as_of": table["as_of"]}
    ubr = os_facts.get("ubr")
    esu = w.get("esu", {}).get(str(build))
    final = "supported"
    if today > until and esu is not None:
        if ubr is None or ubr <= esu["evidence_after_ubr"]:
            return Verdict(Status.FAIL, "esu-required", params)
        until = date.fromisoformat(esu["commercial_until" if enterprise else "consumer_until"])
        params["eol"] = until.isoformat()
        final = "esu"
    if today > until:
        return Verdict(Status.FAIL, "eol", params)
    verdict = _windows_patches(w, row.get("updates_like", build), ubr, params, today, ctx)
    if verdict is not None:
        return verdict
    done = _finish(params, until, today, ctx, _data_as_of(table))
    if done.code == "supported" and final == "esu":
        return Verdict(Status.PASS, "esu", params)
    return done


def _windows_patches(
    w: dict[str, Any],
    build: int,
    ubr: int | None,
    params: dict[str, Any],
    today: date,
    ctx: Context,
) -> Verdict | None:
    """patches-behind/-missing from the UBR, or None when the PC is current."""
    if ubr is None:
        return Verdict(
            Status.UNKNOWN,
            "supported-updates-unknown",
            {**params, "reason": Phrase("reason-no-ubr")},
        )
    rows = [u for u in w.get("updates", []) if build in u["builds"]]
    if not rows:
        return Verdict(
            Status.UNKNOWN,
            "supported-updates-unknown",
            {**params, "reason": Phrase("reason-no-update-list", {"build": build})},
        )
    patch_date = _ubr_date(rows, ubr)
    updates_as_of = date.fromisoformat(w["updates_as_of"])
    th = ctx.thresholds
    if patch_date is None:
        # Newer than every update the table lists: current as far as the table knows.
        if (today - updates_as_of).days > 35:
            return Verdict(
                Status.WARN, "table-stale", {**params, "as_of": updates_as_of.isoformat()}
            )
        return None
    missed = _missed_patch_tuesdays(patch_date, today, th["patch_grace_days"])
    if missed == 0:
        return None
    code, status = (
        ("patches-missing", Status.FAIL)
        if missed >= th["patches_fail_missed"]
        else ("patches-behind", Status.WARN)
    )
    return Verdict(status, code, {**params, "patch_date": patch_date.isoformat(), "missed": missed})


def _ubr_date(rows: list[dict[str, Any]], ubr: int) -> date | None:
    """The Patch Tuesday whose fixes a UBR includes, None when it is newer than every row.

    A hotpatch UBR is LOWER than the normal update of its month (research/lifecycle.md §1.4):
    it dates its own month only on an exact match, never by "highest UBR is newest". A preview
    (or out-of-band) UBR counts as the security release before it.
    """
    for row in rows:
        if row["ubr"] == ubr and row["kind"] in ("security", "hotpatch"):
            return date.fromisoformat(row["date"])
    if ubr > max(row["ubr"] for row in rows):
        return None
    security = [r for r in rows if r["kind"] == "security" and r["ubr"] <= ubr]
    if security:
        return date.fromisoformat(max(security, key=lambda r: r["ubr"])["date"])
    # Older than every listed update: dated by the oldest row, so `missed` is a lower bound.
    return date.fromisoformat(min(rows, key=lambda r: r["ubr"])["date"]) - timedelta(days=1)


def patch_tuesday(year: int, month: int) -> date:
    """The second Tuesday of the month: Microsoft's monthly security release."""
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def _missed_patch_tuesdays(patch_date: date, today: date, grace_days: int) -> int:
    """Patch Tuesdays after `patch_date` up to today; the newest is forgiven for `grace_days`."""
    missed = []
    year, month = patch_date.year, patch_date.month
    while (year, month) <= (today.year, today.month):
        tuesday = patch_tuesday(year, month)
        if patch_date < tuesday <= today:
            missed.append(tuesday)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if missed and (today - missed[-1]).days < grace_days:
        missed.pop()
    return len(missed)


# -- macOS -------------------------------------------------------------------------------------


def _darwin(facts: Facts, ctx: Context, table: dict[str, Any], now: datetime) -> Verdict:
    d: dict[str, Any] = table["darwin"]
    os_facts: dict[str, str] = facts["os"]
    version = os_facts["product_version"]
    have = version_tuple(version)
    today = now.date()
    label = f"macOS {version}"
    releases: dict[str, Any] = d["releases"]
    row = releases.get(str(have[0])) if have else None
    if row is None:
        older = _older_than_all(
            {
                k: {"name": r["name"], "supported_until": r.get("eol", "9999-12-31")}
                for k, r in releases.items()
            },
            version,
        )
        if older is not None:
            name, until = older
            return Verdict(
                Status.FAIL, "eol-older", {"os": label, "oldest": name, "eol": until.isoformat()}
            )
        return Verdict(
            Status.UNKNOWN, "unknown-release", {"os": label, "id": "macOS", "version": version}
        )
    name = f"{row['name']} ({version})"
    params: dict[str, Any] = {
        "os": name,
        "eol": Phrase("no-end-announced"),
        "as_of": table["as_of"],
    }
    if row["status"] == "unsupported":
        return Verdict(Status.FAIL, "eol", {**params, "eol": row["eol"]})
    if row["status"] == "ending":
        return Verdict(Status.WARN, "support-ending", params)
    updates: dict[str, Any] = facts.get("updates") or {}
    pending = updates.get("recommended", updates.get("pending", 0))
    if pending > ctx.thresholds["max_pending_security"]:
        examples = ", ".join(updates.get("names", [])) or "-"
        return Verdict(
            Status.FAIL, "pending-security", {**params, "count": pending, "examples": examples}
        )
    if "latest" in row and have < version_tuple(row["latest"]):
        return Verdict(Status.WARN, "version-behind", {**params, "latest": row["latest"]})
    if not updates or "error" in updates:
        return _updates_unknown(params, updates)
    if updates.get("last_check"):
        age = (now - datetime.fromisoformat(updates["last_check"])).days
        if age > ctx.thresholds["apt_lists_max_age_days"]:
            return Verdict(Status.WARN, "lists-stale", {**params, "days": age})
    return _finish(params, None, today, ctx, _data_as_of(table))
