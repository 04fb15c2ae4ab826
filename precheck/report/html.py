"""The report as one self-contained HTML page, for job seekers, counselors and printers.

Templates are `reports/templates/*.html` and `report.css` (string.Template: no template engine
on the job seeker's PC), every value escaped here. The page holds both languages, each a
complete `<section lang=…>`; a CSS-only switch shows one (no script, so it works from an email
attachment and in the office dashboard), and print shows the one chosen. Status is a word and a
symbol, never a colour alone. The HTML is a rendering: only the JSON is signed.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from string import Template
from typing import TYPE_CHECKING, Any

from precheck.i18n import LANGS
from precheck.messages import ui_text
from precheck.model import Status
from precheck.render.terminal import SYMBOLS
from precheck.report.format import parse_time

if TYPE_CHECKING:
    from precheck.report.verify import Verification

OVERALL_SYMBOLS = {"ready": "✓", "needs-attention": "⚠", "not-ready": "✗"}


@cache
def _asset(name: str) -> str:
    from precheck.resources import shipped_dir

    return (shipped_dir("reports") / "templates" / name).read_text(encoding="utf-8")


def _template(name: str) -> Template:
    return Template(_asset(name))


def _t(key: str, lang: str, **params: Any) -> str:
    """A message from report.toml, HTML-escaped."""
    return escape(ui_text(key, **params).get(lang))


def when(text: Any, lang: str) -> str:
    """A report timestamp for people: date and minute, Japan time (plain text, not escaped)."""
    moment = parse_time(text)
    if moment is None:
        return str(text)
    return ui_text(
        "report.time",
        year=moment.year,
        month=moment.month,
        day=moment.day,
        hm=moment.strftime("%H:%M"),
    ).get(lang)


def gigabytes(size: Any) -> str:
    return f"{size / (1 << 30):.1f} GB" if isinstance(size, int) else "-"


def _row(result: dict[str, Any], lang: str) -> str:
    status = Status(result["status"])
    remediation = result.get("remediation")
    fix = ""
    if remediation:
        fix = f'<p class="fix"><strong>{_t("fix", lang)}:</strong> {escape(remediation[lang])}</p>'
    facts = ""
    if result.get("facts"):
        dumped = json.dumps(result["facts"], ensure_ascii=False, indent=1, sort_keys=True)
        facts = (
            f"<details><summary>{_t('report.html.facts', lang)}</summary>"
            f"<pre>{escape(dumped)}</pre></details>"
        )
    kind = "list.required" if result["required"] else "list.advisory"
    return _template("result.html").substitute(
        status=escape(status.value),
        symbol=SYMBOLS[status],
        status_text=_t(f"status.{status.value}", lang),
        title=escape(result["title"][lang]),
        id=escape(result["id"]),
        articles=escape(", ".join(result["articles"])),
        kind=_t(kind, lang),
        summary=escape(result["summary"][lang]),
        remediation=fix,
        facts=facts,
    )


def _banner(verification: Verification | None, lang: str) -> str:
    if verification is None:
        return ""
    state = verification.state
    lines = [f"<strong>{_t(f'report.state.{state}', lang)}</strong>"]
    if verification.valid:
        lines.append(_t("report.banner-valid", lang))
    lines += [escape(r.get(lang)) for r in verification.reasons]
    lines += [escape(n.get(lang)) for n in verification.notes]
    css = "banner valid" if verification.valid else "banner"
    role = "status" if verification.valid else "alert"
    return f'<div class="{css}" role="{role}"><p>' + "<br>".join(lines) + "</p></div>"


def _counts(results: list[dict[str, Any]], lang: str) -> str:
    parts = []
    for status in Status:
        n = sum(r["status"] == status.value for r in results)
        if n:
            parts.append(f"{SYMBOLS[status]} {_t(f'status.{status.value}', lang)} {n}")
    return escape(" / ").join(parts)


def _section(report: dict[str, Any], lang: str, verification: Verification | None) -> str:
    device = report["device"]
    os_info = device["os"]
    signature = report["signature"]
    number = report.get("job_seeker_number_sha256")
    booking = (
        _t("report.html.booking-yes", lang, hash=number[:16])
        if number
        else _t("report.html.booking-no", lang)
    )
    office = report["profile"]["name"].get(lang) or report["profile"]["id"]
    catalogue = report["catalogue"]
    return _template("section.html").substitute(
        lang=lang,
        banner=_banner(verification, lang),
        heading=_t("report.html.heading", lang),
        overall=escape(report["overall"]),
        overall_symbol=OVERALL_SYMBOLS.get(report["overall"], "?"),
        overall_label=_t("report.html.overall", lang),
        overall_text=_t(f"overall.{report['overall']}", lang),
        h_about=_t("report.html.about", lang),
        l_generated=_t("report.html.generated", lang),
        generated=escape(when(report["generated_at"], lang)),
        l_expires=_t("report.html.expires", lang),
        expires=escape(when(report["expires_at"], lang)),
        l_office=_t("report.html.office", lang),
        office=escape(office),
        l_booking=_t("report.html.booking", lang),
        booking=booking,
        l_counts=_t("report.html.counts", lang),
        counts=_counts(report["results"], lang),
        h_results=_t("report.html.results", lang),
        caption=_t("report.html.caption", lang),
        c_status=_t("report.html.col-status", lang),
        c_check=_t("report.html.col-check", lang),
        c_detail=_t("report.html.col-detail", lang),
        rows="\n".join(_row(r, lang) for r in report["results"]),
        h_device=_t("report.html.device", lang),
        l_os=_t("report.html.os", lang),
        os=escape(f"{os_info['system']} {os_info['release']} ({os_info['machine']})"),
        l_cpu=_t("report.html.cpu", lang),
        cpu=escape(
            f"{device.get('cpu_model') or '-'}"
            + (f" ×{device['cpu_count']}" if device.get("cpu_count") else "")
        ),
        l_memory=_t("report.html.memory", lang),
        memory=escape(gigabytes(device.get("memory_total"))),
        l_device_id=_t("report.html.device-id", lang),
        device_id=escape(device["id"]),
        l_key=_t("report.html.key", lang),
        key_fingerprint=escape(signature["key_fingerprint"]),
        key_status=_t(f"report.key-status.{device['key_status']}", lang),
        key_continuity=_t("report.key-continuity", lang),
        authenticity=_t("report.html.authenticity", lang),
        made_by=_t(
            "report.html.made-by",
            lang,
            tool=report["tool_version"],
            catalogue=catalogue["version"],
            digest=catalogue["digest"][:16],
            profile=report["profile"]["id"],
            version=report["version"],
        ),
    )


def render_html(
    report: dict[str, Any], lang: str = "ja", *, verification: Verification | None = None
) -> str:
    """The whole page for a report (both languages, `lang` shown first).

    The office dashboard embeds this. Pass a `verification` to put its state at the top of
    the page (always do when showing a report someone else sent: the HTML itself proves
    nothing). `report` must have passed the schema (verify_report hands out only such).
    """
    lang = lang if lang in LANGS else "ja"
    other = "en" if lang == "ja" else "ja"
    sections = [_section(report, code, verification) for code in (lang, other)]
    return _template("report.html").substitute(
        lang=lang,
        title=_t("report.html.title", lang, when=when(report["generated_at"], lang)),
        css=_asset("report.css"),
        ja_checked=" checked" if lang == "ja" else "",
        en_checked=" checked" if lang == "en" else "",
        sections="\n".join(sections),
    )
