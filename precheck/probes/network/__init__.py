"""network (第5条(2), 第12条(4)): online, not behind a captive portal or on unsafe Wi-Fi, and
fast enough for a 720p video session.

Every target comes from the office profile (`[checks.network]`), never from code, so an office
can point the check at its own servers and tests point it at 127.0.0.1. The order is built to
answer "offline" in seconds: names first (a failed lookup is immediate when there is no route),
then the connectivity checks, and only when those pass the timed measurements (round trips,
then a few seconds of download and upload against the office's test host).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from precheck.host import Host
from precheck.model import Facts, Phrase, Status, Verdict
from precheck.probes import Context
from precheck.probes.network.ssid import match_ssid

OFFLINE_ERRORS = {"dns", "refused", "unreachable", "timeout", "reset", "proxy"}
_LINK_KEYS = ("link", "security", "label", "metered", "source", "error", "detail")


def read_link(system: str, table: dict[str, Any], host: Host) -> dict[str, Any]:
    """The `net:link` answer: the OS collector's reading with the Wi-Fi name replaced by its
    match against the public Wi-Fi table. It runs inside `host.derive`, so the commands that
    print the name are asked privately and only this result is recorded (docs/evidence.md)."""
    if system == "windows":
        from precheck.probes.network.windows import read_link as read
    elif system == "darwin":
        from precheck.probes.network.darwin import read_link as read
    else:
        from precheck.probes.network.linux import read_link as read
    reading = read(host)
    kept = {k: reading[k] for k in _LINK_KEYS if reading.get(k) is not None}
    if reading.get("link") == "wifi":
        kept.update(match_ssid(reading.get("ssid"), bool(reading.get("ssid_withheld")), table))
    return kept


def _settings(ctx: Context) -> dict[str, Any]:
    checks = ctx.profile.get("checks", {})
    value = checks.get("network", {}) if isinstance(checks, Mapping) else {}
    return dict(value) if isinstance(value, Mapping) else {}


def _host_of(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _is_literal(name: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def collect(host: Host, ctx: Context) -> Facts:
    th = ctx.thresholds
    settings = _settings(ctx)
    system = host.platform().system
    facts: Facts = {"system": system}
    facts["link"] = host.derive("net:link", partial(read_link, system, ctx.table(th["ssid_table"])))
    captive_url = str(settings.get("captive_portal_url", ""))
    https_url = str(settings.get("https_probe_url", ""))
    if not captive_url or not https_url:
        facts["not_configured"] = "captive_portal_url/https_probe_url"
        return facts
    rtt_url = str(settings.get("rtt_url") or https_url)
    down_url = str(settings.get("download_url", ""))
    up_url = str(settings.get("upload_url", ""))
    second_url = str(settings.get("second_probe_url", ""))
    terms = ctx.profile.get("contact", {}).get("terms_url") if ctx.profile else None
    pages = [str(p) for p in [*settings.get("pages", []), terms] if p]
    facts["targets"] = {
        "captive": captive_url,
        "second": second_url or None,
        "https": https_url,
        "rtt": rtt_url,
        "download": down_url or None,
        "upload": up_url or None,
        "pages": pages,
    }
    urls = [captive_url, https_url, rtt_url, down_url, up_url, second_url, *pages]
    names = sorted({n for n in map(_host_of, filter(None, urls)) if n and not _is_literal(n)})
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="precheck-net") as pool:
        # Names, the connectivity check, the known HTTPS host and the office's pages at once:
        # with no route or no DNS each fails at once, so "offline" takes about a second.
        dns_fs = {name: pool.submit(host.net_dns, name) for name in names}
        captive_f = pool.submit(host.net_fetch, captive_url)
        https_f = pool.submit(host.net_fetch, https_url)
        page_fs = {page: pool.submit(host.net_fetch, page) for page in pages}
        facts["dns"] = {name: f.result() for name, f in dns_fs.items()}
        primary, https = captive_f.result(), https_f.result()
        pages_answered = {page: f.result() for page, f in page_fs.items()}
    facts["https"] = https
    facts["proxy"] = https.get("proxy") or primary.get("proxy")
    facts["captive"] = {"primary": primary}
    if primary.get("error") in OFFLINE_ERRORS and https.get("error") in OFFLINE_ERRORS:
        facts["offline"] = https["error"]
        return facts
    facts["pages"] = pages_answered
    expected = int(settings.get("captive_portal_status", 204))
    if primary.get("error") is None and not _probe_ok(primary, expected, None) and second_url:
        facts["captive"]["second"] = host.net_fetch(second_url)
    if _portal(facts["captive"], expected, settings.get("second_probe_body")):
        return facts
    if https.get("error") is not None:
        return facts  # interception or an unreachable known host: no measurement is meaningful
    facts["rtt"] = summarize_rtt(
        host.net_rtt(
            rtt_url,
            int(th["rtt_samples"]),
            float(th["rtt_spacing_ms"]),
            3.0,
            float(th["rtt_budget_seconds"]),
        )
    )
    budget = int(float(th["download_megabytes"]) * 1_000_000)
    if down_url:
        facts["download"] = host.net_download(
            down_url.replace("{bytes}", str(budget)),
            float(th["throughput_seconds"]),
            float(th["throughput_warmup_seconds"]),
            budget,
        )
    if up_url:
        facts["upload"] = host.net_upload(
            up_url, float(th["throughput_seconds"]), int(float(th["upload_megabytes"]) * 1_000_000)
        )
    return facts


def _probe_ok(answer: Mapping[str, Any], status: int, body: Any) -> bool:
    if answer.get("error") is not None or answer.get("status") != status:
        return False
    if body is None:
        return status != 204 or not answer.get("length")
    return str(answer.get("body", "")).strip() == str(body).strip()


def _portal(captive: Mapping[str, Any], expected: int, second_body: Any) -> bool:
    """A portal when the primary check is answered with something else (a redirect, a page)
    and the second provider, when configured, agrees (one provider's outage is not a portal)."""
    primary = captive["primary"]
    if primary.get("error") is not None or _probe_ok(primary, expected, None):
        return False
    second = captive.get("second")
    if second is None:
        return True
    if second.get("error") is not None:
        return True
    return not _probe_ok(second, 200, second_body)


def summarize_rtt(answer: Mapping[str, Any]) -> dict[str, Any]:
    """Median, jitter (mean |RTTi − RTTi−1| of consecutive answered samples), extremes, loss."""
    samples = answer.get("samples_ms", [])
    ok = [float(s) for s in samples if s is not None]
    out: dict[str, Any] = {
        "samples": len(samples),
        "ok": len(ok),
        "failed": len(samples) - len(ok),
        "errors": answer.get("errors", {}),
    }
    if not samples:
        return out
    out["loss_percent"] = round(100 * (len(samples) - len(ok)) / len(samples), 1)
    if ok:
        out["median_ms"] = round(statistics.median(ok), 1)
        out["min_ms"], out["max_ms"] = round(min(ok), 1), round(max(ok), 1)
        diffs = [abs(b - a) for a, b in pairwise(ok)]
        out["jitter_ms"] = round(statistics.fmean(diffs), 1) if diffs else 0.0
    return out


# -- deciding -------------------------------------------------------------------------------


def _link_phrase(link: Mapping[str, Any]) -> Phrase:
    if link.get("link") == "wifi":
        return Phrase("link-wifi", {"security": link.get("label") or link.get("security", "?")})
    return Phrase("link-wired")


def _wifi_verdict(link: Mapping[str, Any], ctx: Context) -> Verdict | None:
    if link.get("link") == "unknown":
        return Verdict(
            Status.UNKNOWN,
            "wifi-unknown",
            {"reason": link.get("detail") or link.get("error") or "?"},
        )
    if link.get("link") != "wifi":
        return None
    security = link.get("security", "unknown")
    label = link.get("label") or security
    if security in ("open", "owe"):
        return Verdict(Status.FAIL, "open-wifi", {"security": label})
    if security == "wep":
        return Verdict(Status.FAIL, "wep-wifi", {"security": label})
    state = link.get("ssid_state")
    if state == "public":
        return Verdict(
            Status.FAIL,
            "public-wifi",
            {"ssid": link.get("ssid_name"), "operator": link.get("operator", "")},
        )
    if state in ("public-unverified", "public-ended"):
        return Verdict(Status.WARN, "maybe-public-wifi", {"ssid": link.get("ssid_name")})
    if state == "pattern":
        return Verdict(Status.WARN, "maybe-public-wifi", {"ssid": f"…{link.get('pattern')}…"})
    if state == "withheld":
        return Verdict(Status.UNKNOWN, "location-permission")
    if security == "unknown":
        return Verdict(Status.UNKNOWN, "wifi-unknown", {"reason": label or "?"})
    return None


def _quality(facts: Mapping[str, Any], th: Mapping[str, Any]) -> tuple[list[Phrase], bool]:
    """The problems found and whether any is past the unusable limit."""
    problems: list[Phrase] = []
    unusable = False
    rtt = facts.get("rtt", {})

    def above(value: Any, ok: float, worst: float, code: str, name: str) -> None:
        nonlocal unusable
        if value is None or value <= ok:
            return
        problems.append(Phrase(code, {name: value, "limit_" + name.split("_")[-1]: ok}))
        unusable = unusable or value > worst

    above(rtt.get("median_ms"), th["rtt_ok_ms"], th["rtt_max_ms"], "rtt", "rtt_ms")
    above(rtt.get("jitter_ms"), th["jitter_ok_ms"], th["jitter_max_ms"], "jitter", "jitter_ms")
    above(
        rtt.get("loss_percent"),
        th["loss_ok_percent"],
        th["loss_max_percent"],
        "loss",
        "loss_percent",
    )
    for direction in ("download", "upload"):
        answer = facts.get(direction) or {}
        mbps = answer.get("mbps")
        if mbps is None:
            continue
        ok, least = th[f"{direction}_ok_mbps"], th[f"{direction}_min_mbps"]
        if answer.get("bound") == "at-most" and mbps >= ok:
            continue  # an upper bound above the guideline says nothing
        if mbps < ok:
            problems.append(Phrase(direction, {f"{direction}_mbps": mbps, "limit_mbps": ok}))
            unusable = unusable or mbps < least
    low, high = rtt.get("min_ms"), rtt.get("max_ms")
    if low is not None and high > th["unstable_factor"] * (low + th["unstable_offset_ms"]):
        problems.append(Phrase("unstable"))
    return problems, unusable


def _measured(answer: Mapping[str, Any]) -> bool:
    """A rate to show as the line's speed: measured, not only bounded from above."""
    return answer.get("mbps") is not None and answer.get("bound") != "at-most"


def decide(facts: Facts, ctx: Context) -> Verdict:
    th = ctx.thresholds
    link = facts.get("link", {})
    wifi = _wifi_verdict(link, ctx)
    if wifi is not None and wifi.status is Status.FAIL:
        return wifi
    if "not_configured" in facts:
        return Verdict(Status.UNKNOWN, "not-configured", {"fields": facts["not_configured"]})
    if "offline" in facts:
        return Verdict(Status.FAIL, "offline", {"reason": facts["offline"]})
    captive = facts.get("captive", {})
    settings = _settings(ctx)
    expected = int(settings.get("captive_portal_status", 204))
    if captive and _portal(captive, expected, settings.get("second_probe_body")):
        return Verdict(Status.FAIL, "captive-portal")
    problems, unusable = _quality(facts, th)
    if unusable:
        return Verdict(Status.FAIL, "quality-unusable", {"problems": problems})
    if wifi is not None and wifi.status is Status.UNKNOWN:
        return wifi
    https = facts.get("https", {})
    if https.get("error") == "tls-untrusted":
        return Verdict(Status.WARN, "tls-intercepted", {"issuer": https.get("issuer") or "?"})
    if https.get("error") is not None:
        return Verdict(Status.UNKNOWN, "measure-failed", {"reason": https["error"]})
    if wifi is not None:
        return wifi
    if problems:
        return Verdict(Status.WARN, "quality-poor", {"problems": problems})
    for url, page in facts.get("pages", {}).items():
        if page.get("error") is not None or (page.get("status") or 500) >= 400:
            reason = page.get("error") or f"HTTP {page.get('status')}"
            return Verdict(Status.WARN, "page-unreachable", {"url": url, "reason": reason})
    if facts.get("proxy"):
        return Verdict(Status.WARN, "proxy", {"scheme": facts["proxy"]})
    if link.get("metered") == "yes":
        minutes = int(ctx.profile.get("booking", {}).get("session_minutes", 30))
        estimate = round(float(th["metered_estimate_mbps"]) * 60 * minutes / 8)
        return Verdict(Status.WARN, "metered", {"estimate_mb": estimate})
    rtt = facts.get("rtt", {})
    missing = [d for d in ("download", "upload") if not _measured(facts.get(d) or {})]
    if "median_ms" not in rtt or missing:
        errors = [str((facts.get(d) or {}).get("error") or "no-test-host") for d in missing]
        reason = ", ".join(f"{d}: {e}" for d, e in zip(missing, errors, strict=True))
        return Verdict(Status.UNKNOWN, "measure-failed", {"reason": reason or "rtt"})
    return Verdict(
        Status.PASS,
        "ok",
        {
            "link": _link_phrase(link),
            "rtt_ms": rtt["median_ms"],
            "jitter_ms": rtt["jitter_ms"],
            "download_mbps": facts["download"]["mbps"],
            "upload_mbps": facts["upload"]["mbps"],
        },
    )
