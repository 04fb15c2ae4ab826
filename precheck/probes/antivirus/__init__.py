"""antivirus (第5条(6), 第5条(1)): an accepted product is on and its definitions are fresh.

`collect` picks the collector for the system; `decide` is pure. It first finds the product that
actually protects (a third-party product that is on wins over Microsoft Defender, which then
runs passive or off, as Windows intends), then judges that product's state and the age of its
definitions, and only then asks the office profile whether its family is accepted, so the
verdict always names the product and the office's reason.
"""

from __future__ import annotations

from typing import Any

from precheck.host import Host
from precheck.model import Facts, Phrase, Status, Text, Verdict
from precheck.parse.mpcomputerstatus import threat_pending
from precheck.probes import Context

ACCEPTANCE = ("accept", "confirm", "reject")


def collect(host: Host, ctx: Context) -> Facts:
    system = host.platform().system
    if system == "windows":
        from precheck.probes.antivirus import windows as backend
    elif system == "darwin":
        from precheck.probes.antivirus import darwin as backend  # type: ignore[no-redef]
    else:
        from precheck.probes.antivirus import linux as backend  # type: ignore[no-redef]
    facts: Facts = backend.collect(host, ctx)
    return facts


def primary(products: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The product that protects: on and third-party first, then on and Microsoft."""
    on = [p for p in products if p["state"] == "on"]
    on.sort(key=lambda p: p["microsoft"] or p["family"] == "microsoft_defender")
    return on[0] if on else None


def decide(facts: Facts, ctx: Context) -> Verdict:
    products: list[dict[str, Any]] = facts.get("products") or []
    if facts["system"] == "windows" and facts.get("security_center") is False:
        return Verdict(Status.UNKNOWN, "no-security-center", {})
    if not products:
        if facts.get("error"):
            return Verdict(
                Status.UNKNOWN, "state-unknown", {"product": "?", "reason": facts["error"]}
            )
        return Verdict(Status.FAIL, "none", {"office": _office(ctx)})
    chosen = primary(products)
    if chosen is None:
        return _not_on(products)
    name = chosen["name"]
    if chosen["family"] == "microsoft_defender":
        verdict = _defender(facts, name, ctx.thresholds["max_unremediated_threats"])
        if verdict is not None:
            return verdict
    if chosen["signatures"] == "out-of-date":
        return Verdict(Status.FAIL, "definitions-out-of-date", {"product": name})
    th = ctx.thresholds
    age = chosen.get("age_days")
    if isinstance(age, int) and age > th["max_definition_age_days"]:
        return Verdict(
            Status.FAIL,
            "definitions-old",
            {"product": name, "age_days": age, "max_days": th["max_definition_age_days"]},
        )
    if age is None and chosen["signatures"] != "up-to-date":
        reason = Phrase("reason-age-unreadable")
        return Verdict(Status.UNKNOWN, "state-unknown", {"product": name, "reason": reason})
    if isinstance(age, int) and age > th["warn_definition_age_days"]:
        return Verdict(Status.WARN, "definitions-aging", {"product": name, "age_days": age})
    return _accepted(chosen, ctx)


def _not_on(products: list[dict[str, Any]]) -> Verdict:
    """No product is on: an undecodable state is UNKNOWN, never a pass and never a guess."""
    by_state = {p["state"]: p for p in reversed(products)}
    if "unknown" in by_state:
        found = by_state["unknown"]
        reason = Phrase(
            "reason-state-unreadable"
            if found.get("source") == "/Applications"
            else "reason-state-undecoded"
        )
        return Verdict(
            Status.UNKNOWN, "state-unknown", {"product": found["name"], "reason": reason}
        )
    if "snoozed" in by_state:
        return Verdict(Status.FAIL, "snoozed", {"product": by_state["snoozed"]["name"]})
    if "expired" in by_state:
        return Verdict(Status.FAIL, "expired", {"product": by_state["expired"]["name"]})
    return Verdict(Status.FAIL, "disabled", {"product": products[0]["name"]})


def _defender(facts: Facts, name: str, max_threats: int) -> Verdict | None:
    """Defender is the product that protects: its own status must agree, and it must not be
    holding threats it has not finished dealing with (第5条(1)). Only Defender is asked:
    Security Center says nothing of other products' threats."""
    status = facts.get("defender")
    if not status:
        error = facts.get("defender_error")
        reason = Phrase("reason-defender-silent", {"detail": error or "-"})
        return Verdict(Status.UNKNOWN, "state-unknown", {"product": name, "reason": reason})
    if status["passive"]:
        return Verdict(Status.UNKNOWN, "primary-unknown", {})
    if status["realtime"] is False or status["service_enabled"] is False:
        return Verdict(Status.FAIL, "disabled", {"product": name})
    active = facts.get("active_threats") or 0  # the collector keeps an int or None
    if active > max_threats or threat_pending(status):
        count = (
            Phrase("threat-count", {"count": active})
            if active
            else Phrase("count-unknown")  # ComputerState says so, Get-MpThreat did not count
        )
        return Verdict(Status.FAIL, "threat-found", {"product": name, "count": count})
    if status["signatures_out_of_date"]:
        return Verdict(Status.FAIL, "definitions-out-of-date", {"product": name})
    return None


def _office(ctx: Context) -> Text:
    names = ctx.profile.get("name") or {}
    return Text(ja=str(names.get("ja", "")), en=str(names.get("en", "")))


def _accepted(chosen: dict[str, Any], ctx: Context) -> Verdict:
    policy: dict[str, Any] = (ctx.profile.get("checks") or {}).get("antivirus") or {}
    setting = policy.get(chosen["family"], "confirm")
    reason_data = policy.get("reason") or {}
    reason = Text(ja=str(reason_data.get("ja", "")), en=str(reason_data.get("en", "")))
    age = chosen.get("age_days")
    freshness = (
        Phrase("freshness-days", {"age_days": age})
        if isinstance(age, int)
        else Phrase("freshness-reported")
    )
    params = {"product": chosen["name"], "office": _office(ctx), "reason": reason,
              "freshness": freshness}  # fmt: skip
    if setting == "accept":
        return Verdict(Status.PASS, "ok", params)
    if setting == "reject":
        return Verdict(Status.FAIL, "not-accepted", params)
    return Verdict(Status.WARN, "needs-confirmation", params)
