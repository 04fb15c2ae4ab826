"""What the app does, apart from HTTP: run the checks, check again, save the report, book.

Everything goes through the services the CLI uses (runner.run_checks, report.service,
booking.form/service), so the page and `precheck run`/`precheck book` apply the same rules and
say the same words. Checks run on a worker thread; the page polls `state()`, so the window never
waits on a probe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from precheck import exitcodes
from precheck.i18n import LANGS
from precheck.messages import ui_text
from precheck.model import CheckResult, Status, overall

if TYPE_CHECKING:
    from precheck.catalogue import Catalogue
    from precheck.host import Host
    from precheck.runner import RunResult

SYMBOLS = {"PASS": "✓", "WARN": "⚠", "FAIL": "✗", "UNKNOWN": "?", "SKIPPED": "-"}
FIELD_MAX = 1000
"""Longest value taken from the booking form before the form's own rules see it (they refuse
anything longer than their own limits; this only bounds what is held and echoed)."""


@dataclass
class Collector:
    """book.Console's counterpart for the page: the handoff's messages, kept as lines."""

    lang: str
    lines: list[str] = field(default_factory=list)

    def say(self, key: str, **params: Any) -> None:
        self.lines.append(self.text(key, **params))

    def text(self, key: str, **params: Any) -> str:
        return ui_text(key, **params).get(self.lang)


class Session:
    """One person's session: language, the latest results per check, report and booking."""

    def __init__(
        self,
        catalogue: Catalogue,
        profile: Mapping[str, Any],
        *,
        lang: str,
        new_host: Callable[[], Host],
        has_settings: Callable[[str, str], bool] = lambda _check, _system: False,
        preview: bool = False,
        out: Path | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.profile = dict(profile)
        self.lang = lang
        self.new_host = new_host
        self.has_settings = has_settings
        self.preview = preview
        self.out = out
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._running: set[str] = set()
        self._results: dict[str, CheckResult] = {}
        self._system = ""
        self._host: Host | None = None
        self._report: dict[str, Any] | None = None
        self._runs = 0
        """Runs finished so far (all checks or one again): the page and tests see a new result."""

    # -- language ---------------------------------------------------------------------------

    def set_lang(self, lang: str) -> None:
        if lang in LANGS:
            self.lang = lang

    # -- checks -----------------------------------------------------------------------------

    def start(self, only: str | None = None) -> bool:
        """Start all checks, or one again; False when a run is already going or `only` is
        not a check of the catalogue."""
        if only is not None and only not in self.catalogue.checks:
            return False
        with self._lock:
            if self._worker is not None and self._worker.is_alive():
                return False
            wanted = [only] if only else [s.id for s in self.catalogue.ordered()]
            self._running = set(wanted)
            if only is None:
                self._results.clear()
            else:
                self._results.pop(only, None)
            self._report = None
            self._worker = threading.Thread(
                target=self._run, args=(wanted if only else [],), name="app-checks", daemon=True
            )
            self._worker.start()
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the current run (tests and the booking's fresh report); True when done."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    def _run(self, only: list[str]) -> None:
        from precheck.host import EvidenceError
        from precheck.runner import run_checks

        host = self.new_host()

        def arrived(result: CheckResult) -> None:
            with self._lock:
                self._results[result.id] = result
                self._running.discard(result.id)

        try:
            run = run_checks(
                host, self.catalogue, profile=self.profile, only=only, on_result=arrived
            )
        except EvidenceError:  # only a replayed bundle raises this; a live host never does
            run = None
        with self._lock:
            self._running.clear()
            self._runs += 1
            if run is not None:
                self._system = run.system
                self._host = host

    def complete_run(self) -> RunResult | None:
        """The results of every check, once all have answered (None before, or while running)."""
        from precheck.runner import RunResult

        with self._lock:
            if self._running or not self._system:
                return None
            order = [s.id for s in self.catalogue.ordered()]
            if any(i not in self._results for i in order):
                return None
            return RunResult([self._results[i] for i in order], self._system)

    def phase(self) -> str:
        with self._lock:
            if self._running:
                return "running"
            return "result" if self._results else "start"

    def state(self) -> dict[str, Any]:
        """Everything the page shows, in the session's language."""
        lang = self.lang
        with self._lock:
            running = set(self._running)
            results = dict(self._results)
            system = self._system
            report = self._report
            runs = self._runs
        items = []
        for spec in self.catalogue.ordered():
            result = results.get(spec.id)
            item: dict[str, Any] = {
                "id": spec.id,
                "title": spec.title.get(lang),
                "state": "running" if spec.id in running else ("done" if result else "waiting"),
            }
            if result is not None and spec.id not in running:
                status = result.status.value
                item.update(
                    status=status,
                    symbol=SYMBOLS[status],
                    label=ui_text(f"status.{status}").get(lang),
                    summary=result.summary.get(lang),
                    remediation=result.remediation.get(lang) if result.remediation else "",
                    settings=result.status is not Status.PASS
                    and self.has_settings(spec.id, system),
                    required=result.required,
                )
            items.append(item)
        done = [results[i] for i in results if i not in running]
        verdict = None
        if not running and len(done) == len(items) and items:
            code = overall(done).value
            verdict = {"code": code, "text": ui_text(f"overall.{code}").get(lang)}
        return {
            "phase": "running" if running else ("result" if results else "start"),
            "lang": lang,
            "office": self.profile["name"][lang],
            "done": len(done),
            "runs": runs,
            "total": len(items),
            "items": items,
            "overall": verdict,
            "preview": self.preview,
            "report": report,
            "contact": self.contact(),
        }

    def contact(self) -> str:
        """The office and its phone (or where to find it): shown wherever the page says to call."""
        from precheck.profile import office_contact

        return ui_text("app.contact", contact=office_contact(self.profile)).get(self.lang)

    # -- report -----------------------------------------------------------------------------

    def save_report(self, job_seeker_number: str | None = None) -> dict[str, Any]:
        """Sign and save the shown results, exactly as `precheck run` does."""
        from precheck.report.service import save_report

        run = self.complete_run()
        if run is None or self._host is None:
            return {"ok": False, "lines": [ui_text("app.report.not-yet").get(self.lang)]}
        saved = save_report(
            run,
            self.catalogue,
            self.profile,
            self._host,
            lang=self.lang,
            job_seeker_number=job_seeker_number,
        )
        lines = list(saved.notices)
        if saved.paths:
            lines.insert(0, ui_text("report.saved", **saved.paths).get(self.lang))
        answer = {"ok": not saved.failed and saved.paths is not None, "lines": lines}
        with self._lock:
            self._report = answer
        return answer

    def open_report(self) -> bool:
        """Open the saved report's HTML copy with the default program (a path we wrote)."""
        from precheck.booking.opener import open_with_default
        from precheck.report.store import latest_report

        path = latest_report()
        if path is None or self._report is None:
            return False
        return open_with_default(str(path.with_suffix(".html")), "text/html")

    # -- booking ----------------------------------------------------------------------------

    def phone_url(self) -> str:
        """The office's self-check page for a phone or tablet: the profile's `[selfcheck] url`,
        else /check on the office service the intake goes to; empty when the office runs none."""
        from urllib.parse import urlsplit

        from precheck.qr import selfcheck_url

        intake = urlsplit(str(self.profile.get("intake", {}).get("url", "")))
        base = f"{intake.scheme}://{intake.netloc}" if intake.scheme and intake.netloc else ""
        return selfcheck_url(self.profile, base)

    def booking_defaults(self) -> dict[str, Any]:
        """The saved draft (what they typed last time), and slots the office would accept."""
        from precheck.booking import draft
        from precheck.booking import rules as booking_rules
        from precheck.booking.mail import describe_slot
        from precheck.profile import office_contact

        values = draft.load_draft()
        slots = list(values.get("slots") or [])
        now = booking_rules.office_now(self.profile)
        suggestions = [
            {"value": f"{s:%Y-%m-%dT%H:%M}", "text": describe_slot(s, self.profile, self.lang)}
            for s in booking_rules.next_bookable(self.profile, now, count=6)
        ]
        return {
            "values": {
                "name": str(values.get("name") or ""),
                "job_seeker_number": str(values.get("job_seeker_number") or ""),
                "email": str(values.get("email") or ""),
                "phone": str(values.get("phone") or ""),
                "slot1": str(slots[0]) if slots else "",
                "slot2": str(slots[1]) if len(slots) > 1 else "",
                "topic": str(values.get("topic") or ""),
                "interpreter": str(values.get("interpreter") or ""),
                "private_room": values.get("private_room") is True,
            },
            "suggestions": suggestions,
            "consent": self._consent_lines(),
            "intro": ui_text(
                "booking.cli.intro",
                office=self.profile["name"][self.lang],
                contact=office_contact(self.profile),
            ).get(self.lang),
            "contact": self.contact(),
            "phone_url": self.phone_url(),
        }

    def _consent_lines(self) -> list[str]:
        from precheck.booking.service import consent_summary

        collector = Collector(self.lang)
        consent_summary(self.profile, collector)
        return collector.lines

    @staticmethod
    def form_values(fields: Mapping[str, Any]) -> dict[str, Any]:
        """The page's form as the booking form's raw values (what `precheck book` builds from
        its options), each bounded before anything else sees it."""

        def text(name: str) -> str:
            value = fields.get(name)
            return value[:FIELD_MAX] if isinstance(value, str) else ""

        values: dict[str, Any] = {
            "name": text("name"),
            "job_seeker_number": text("job_seeker_number"),
            "email": text("email"),
            "phone": text("phone"),
            "slots": [s for s in (text("slot1").strip(), text("slot2").strip()) if s],
            "topic": text("topic"),
            "interpreter": text("interpreter"),
        }
        if fields.get("private_room") is True:
            values["private_room"] = True
        return values

    def check_booking(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Validate the form with the booking rules: every error at once, per field."""
        from precheck.booking import rules as booking_rules
        from precheck.booking.form import validate_form

        values = self.form_values(fields)
        now = booking_rules.office_now(self.profile)
        booking, errors = validate_form(values, self.profile, now)
        return {
            "ok": booking is not None,
            "errors": [
                {
                    "field": e.field,
                    "severity": e.severity.value,
                    "label": ui_text(f"booking.cli.label.{e.field}").get(self.lang),
                    "message": e.text.get(self.lang),
                }
                for e in errors
            ],
        }

    def book(self, fields: Mapping[str, Any], consent: bool) -> dict[str, Any]:
        """The whole handoff, as `precheck book` does it after its prompts: the rules, consent,
        the report for this number, then the .eml/.ics and the intake."""
        from precheck.booking import draft
        from precheck.booking import rules as booking_rules
        from precheck.booking.form import validate_form
        from precheck.booking.service import HandOffOptions, hand_off, report_for
        from precheck.fsutil import WriteError

        values = self.form_values(fields)
        checked = self.check_booking(fields)
        booking, _ = validate_form(values, self.profile, booking_rules.office_now(self.profile))
        collector = Collector(self.lang)

        def keep() -> None:
            try:
                draft.save_draft(values)
            except WriteError as exc:
                collector.say("booking.cli.draft-failed", detail=str(exc))

        if booking is None:
            keep()
            return {**checked, "code": exitcodes.BOOKING_REFUSED, "lines": []}
        if not consent:
            keep()
            collector.say("booking.consent.declined")
            return {**checked, "ok": False, "code": exitcodes.BOOKING_NO_CONSENT,
                    "lines": collector.lines}  # fmt: skip
        consent_at = booking_rules.office_now(self.profile)
        try:
            report = report_for(self.profile, booking.job_seeker_number, collector, self._fresh)
            if isinstance(report, int):
                keep()
                return {**checked, "ok": False, "code": report, "lines": collector.lines}
            options = HandOffOptions(out=self.out)
            done = hand_off(self.profile, booking, report, consent_at, collector, options)
        except WriteError as exc:
            keep()
            collector.say("error.write", detail=str(exc))
            return {**checked, "ok": False, "code": exitcodes.WRITE_FAILED,
                    "lines": collector.lines}  # fmt: skip
        if done.code in (exitcodes.READY, exitcodes.BOOKING_QUEUED):
            draft.delete_draft()
        else:
            keep()
        return {
            **checked,
            "ok": done.code in (exitcodes.READY, exitcodes.BOOKING_QUEUED),
            "code": done.code,
            "lines": collector.lines,
            "eml": done.eml_path.name,
        }

    def _fresh(self, number: str) -> int:
        """A report for this job seeker: the results on screen, signed with their number (a
        full check first when none has finished), like `precheck run --job-seeker-number`."""
        if self.complete_run() is None:
            if self.phase() != "running":
                self.start()
            self.wait()
        run = self.complete_run()
        if run is None:
            return exitcodes.USAGE
        answer = self.save_report(job_seeker_number=number)
        if not answer["ok"]:
            return exitcodes.WRITE_FAILED
        return exitcodes.READY if run.overall == "ready" else exitcodes.NOT_READY
