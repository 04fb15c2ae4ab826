"""browser (第12条(4)): the browsers on this computer are current.

`collect` picks the per-OS collector (linux.py, windows.py, darwin.py), which reads each
browser's version where it records it, without starting it; `decide` judges every browser found
by its rule in tables/browsers.toml (research/lifecycle.md §4.1) and reports the worst.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from importlib import import_module
from typing import Any

from precheck.host import Host
from precheck.model import Facts, Phrase, Status, Verdict
from precheck.parse.sw_vers import version_tuple
from precheck.probes import Context, ProbeModule

SYSTEMS = ("linux", "windows", "darwin")


def collect(host: Host, ctx: Context) -> Facts:
    system = host.platform().system
    if system not in SYSTEMS:
        return {"system": system, "now": host.now().isoformat(), "found": [], "errors": []}
    backend: ProbeModule = import_module(f"{__name__}.{system}")
    return backend.collect(host, ctx)


def decide(facts: Facts, ctx: Context) -> Verdict:
    found: list[dict[str, Any]] = facts.get("found", [])
    if not found:
        errors = facts.get("errors", [])
        if errors and facts["system"] != "windows":
            return Verdict(Status.UNKNOWN, "unreadable", {"reason": "; ".join(errors[:3])})
        return Verdict(Status.UNKNOWN, "none-found", {})
    table = ctx.table("browsers")
    today = datetime.fromisoformat(facts["now"]).date()
    stale = today - date.fromisoformat(table["as_of"]) > timedelta(
        days=ctx.thresholds["table_max_age_days"]
    )
    judged = [_judge(b, table["browsers"], today, stale, ctx) for b in found]
    for status in (Status.FAIL, Status.WARN):
        worst = [j for j in judged if j[0] is status]
        if not worst:
            continue
        codes = {code for _, code, _ in worst}
        if "esr-unsupported" in codes:
            return next(Verdict(s, c, p) for s, c, p in worst if c == "esr-unsupported")
        code = (
            "build-old"
            if codes == {"build-old"}
            else "outdated"
            if status is Status.FAIL
            else "behind"
        )
        return Verdict(status, code, {"browsers": [p["phrase"] for _, _, p in worst]})
    if stale:
        return Verdict(Status.WARN, "table-stale", {"as_of": table["as_of"]})
    return Verdict(Status.PASS, "ok", {"browsers": [p["phrase"] for _, _, p in judged]})


def _judge(
    browser: dict[str, Any], rows: dict[str, Any], today: date, stale: bool, ctx: Context
) -> tuple[Status, str, dict[str, Any]]:
    """(status, code, params with the sentence part for this browser)."""
    th = ctx.thresholds
    row: dict[str, Any] = rows.get(browser["id"], {})
    name = row.get("name", browser["id"])
    version = browser["version"]
    current = Phrase("browser-current", {"browser": name, "version": version})
    rule = row.get("rule", "os")
    have = version_tuple(version)
    if not have or rule == "os":
        return Status.PASS, "ok", {"phrase": current}
    if rule == "esr":
        return _esr(name, version, have, row, th, current)
    if rule in ("rapid-major", "release-major") and not stale:
        expected = _expected_major(row, today)
        behind = expected - have[0]
        prefix = "rapid" if rule == "rapid-major" else "release"
        phrase = Phrase(
            "browser-behind", {"browser": name, "version": version, "expected": expected}
        )
        if behind <= th[f"{prefix}_major_ok_behind"]:
            return Status.PASS, "ok", {"phrase": current}
        if behind <= th[f"{prefix}_major_warn_behind"] or not row.get("may_fail"):
            return Status.WARN, "behind", {"phrase": phrase}
        return Status.FAIL, "outdated", {"phrase": phrase}
    # build-age (and every rule once the table is stale): the installed build's age, WARN only.
    if "installed" in browser:
        days = (today - datetime.fromisoformat(browser["installed"]).date()).days
        if days > th["build_max_age_days"]:
            phrase = Phrase(
                "browser-old-build", {"browser": name, "version": version, "days": days}
            )
            return Status.WARN, "build-old", {"phrase": phrase}
    elif rule == "build-age" and not stale and "chrome" in rows and have[0] > 50:
        # No install time (Windows registry): Edge shares Chrome's major numbers, so a major
        # far behind Chrome's expected one is behind too (WARN only: Edge's cadence is unverified).
        expected = _expected_major(rows["chrome"], today)
        if expected - have[0] > th["rapid_major_warn_behind"]:
            phrase = Phrase(
                "browser-behind", {"browser": name, "version": version, "expected": expected}
            )
            return Status.WARN, "behind", {"phrase": phrase}
    return Status.PASS, "ok", {"phrase": current}


def _esr(
    name: str,
    version: str,
    have: tuple[int, ...],
    row: dict[str, Any],
    th: Any,
    current: Phrase,
) -> tuple[Status, str, dict[str, Any]]:
    branch = have[0]
    if branch in row.get("unsupported_branches", []) or (
        branch not in row.get("supported_branches", [])
        and branch not in row.get("old_os_branches", [])
        and branch < min(row.get("supported_branches", [branch]))
    ):
        params = {"browser": name, "version": version, "branch": branch, "phrase": current}
        return Status.FAIL, "esr-unsupported", params
    latest = version_tuple(row.get("latest", ""))
    if branch in row.get("supported_branches", []) and latest and latest[0] == branch:
        minor = have[1] if len(have) > 1 else 0
        if latest[1] - minor > th["esr_minor_ok_behind"]:
            phrase = Phrase(
                "browser-behind", {"browser": name, "version": version, "expected": row["latest"]}
            )
            return Status.WARN, "behind", {"phrase": phrase}
    return Status.PASS, "ok", {"phrase": current}


def _expected_major(row: dict[str, Any], today: date) -> int:
    """The newest known release (listed or the anchor) on or before today, plus one major per
    cadence since then (browsers.toml rapid-major / release-major)."""
    known = [(date.fromisoformat(str(when)), int(major)) for major, when in row["releases"].items()]
    known.append((date.fromisoformat(str(row["anchor_date"])), int(row["anchor_major"])))
    past = [k for k in known if k[0] <= today] or [min(known)]
    when, major = max(past)
    return major + max(0, (today - when).days) // int(row["cadence_days"])
