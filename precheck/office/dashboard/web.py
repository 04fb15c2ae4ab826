"""The dashboard's pages: sign-in, the day view, a booking, emailed reports, CSV, audit log.

Every route but the sign-in page (and the intake API and /healthz, which are not ours)
requires a signed-in counselor; every form carries a CSRF token; every look at or change to a
booking is written to the audit log in the same transaction.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from precheck.messages import ui_text
from precheck.office.dashboard import passwords, store, views
from precheck.office.dashboard.export import bookings_csv
from precheck.office.dashboard.models import Counselor
from precheck.office.dashboard.site import (
    HERE,
    PRELOGIN_COOKIE,
    REPORT_CSP,
    SESSION_COOKIE,
    SIGNED_STATES,
    Row,
    Site,
)
from precheck.office.dashboard.tokens import (
    device_cookie,
    new_session_id,
    read_device_cookie,
    sign_cookie,
)
from precheck.office.headers import secure_headers
from precheck.office.models import Booking

MAX_UPLOAD_FILES = 20
LOGIN_RATE = 1.0
LOGIN_BURST = 20
"""Sign-in posts one client address may send: 20 at once, then one a second. The per-name
lockout stops guessing one name; this stops one PC from guessing across many names."""
DEVICE_COOKIE = "precheck_device"
DEVICE_MAX_AGE = 400 * 86400
"""A browser is remembered for as long as browsers keep a cookie (400 days in Chrome)."""
AUDIT_SHOWN = 200
UNKNOWN_ACTOR = "(unknown)"
"""The audit log's actor for a sign-in attempt with a name that is no account."""


@dataclass(frozen=True)
class UploadResult:
    filename: str
    summary: views.ReportSummary
    attachable: bool = False
    candidates: tuple[views.BookingFacts, ...] = ()
    encoded: str = ""


class Dashboard(Site):
    """The pages, bound to one office service."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        from precheck.office.ratelimit import RateLimiter

        self.login_limiter = RateLimiter(LOGIN_RATE, LOGIN_BURST, clock=context.limiter_clock)

    def routes(self) -> list[BaseRoute]:
        counselor = self.for_counselor
        return [
            Route("/", counselor(self.day), methods=["GET"]),
            Route("/login", self.login, methods=["GET", "POST"]),
            Route("/logout", counselor(self.logout), methods=["POST"]),
            Route("/bookings/{booking_id:int}", counselor(self.booking), methods=["GET"]),
            Route("/bookings/{booking_id:int}/status", counselor(self.status), methods=["POST"]),
            Route("/bookings/{booking_id:int}/report", counselor(self.report), methods=["GET"]),
            Route("/upload", counselor(self.upload), methods=["GET", "POST"]),
            Route("/upload/attach", counselor(self.attach), methods=["POST"]),
            Route("/export.csv", counselor(self.export), methods=["GET"]),
            Route("/audit", counselor(self.audit_log), methods=["GET"]),
            Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
        ]

    async def login(self, request: Request) -> Response:
        lang = self.lang(request)
        allowed = self.secure_transport(request)
        next_url = _safe_next(request.query_params.get("next"))
        prelogin = request.cookies.get(PRELOGIN_COOKIE)
        fresh = prelogin is None
        if fresh:
            prelogin = new_session_id()
            request.scope["precheck.prelogin"] = prelogin
        error: str | None = None if allowed else ui_text("dashboard.login.needs-https").get(lang)
        flash: str | None = None
        name = ""
        status_code = 200
        if request.method == "GET":
            if request.query_params.get("bye"):
                flash = ui_text("dashboard.login.signed-out").get(lang)
            elif request.query_params.get("expired"):
                flash = ui_text("dashboard.login.expired").get(lang)
        elif allowed:
            form = await request.form()
            name = str(form.get("name") or "").strip()[:64]
            password = str(form.get("password") or "")
            client = request.client.host if request.client else "-"
            wait = self.login_limiter.acquire(client)
            if wait > 0:
                seconds = math.ceil(wait)
                error = ui_text("dashboard.login.too-fast", seconds=seconds).get(lang)
                status_code = 429
            elif fresh or not self.csrf_valid(request, form):
                error, status_code = ui_text("dashboard.csrf").get(lang), 403
            else:
                device = read_device_cookie(self.secret, request.cookies.get(DEVICE_COOKIE))
                trusted = device[0] if device and store.name_tag(name) in device[1] else None
                outcome, detail = await run_in_threadpool(self.try_login, name, password, trusted)
                if outcome == "ok":
                    redirect = RedirectResponse(next_url or "/", 303)
                    self.set_cookie(
                        request,
                        redirect,
                        SESSION_COOKIE,
                        sign_cookie(self.secret, detail),
                        max_age=int(store.SESSION_MAX.total_seconds()),
                    )
                    nonce, tags = device or (new_session_id(), [])
                    tags = [t for t in tags if t != store.name_tag(name)] + [store.name_tag(name)]
                    self.set_cookie(
                        request,
                        redirect,
                        DEVICE_COOKIE,
                        device_cookie(self.secret, nonce, tags),
                        max_age=DEVICE_MAX_AGE,
                    )
                    redirect.delete_cookie(PRELOGIN_COOKIE, path="/")
                    return redirect
                if outcome == "locked":
                    until = self.local(datetime.fromisoformat(detail)).strftime("%H:%M")
                    error = ui_text("dashboard.login.locked", time=until).get(lang)
                    status_code = 429
                else:
                    error, status_code = ui_text("dashboard.login.failed").get(lang), 401
        response = self.render(
            request,
            "login.html",
            title_key="login.title",
            status_code=status_code,
            allowed=allowed,
            next_url=next_url,
            name=name,
            error=error,
            flash=flash,
        )
        if fresh and prelogin:
            self.set_cookie(request, response, PRELOGIN_COOKIE, prelogin, max_age=None)
        return response

    def try_login(self, name: str, password: str, device: str | None = None) -> tuple[str, str]:
        """("ok", session id), ("locked", until ISO) or ("failed", "") — decided and audited.

        `device` is the nonce of a browser `name` has signed in from before: its own counter
        decides, not the account-wide one a stranger can drive (lockout.py). The audit log
        names the account only when it exists: what someone typed as a name (perhaps their
        password, in the wrong field) is never stored.
        """
        now = self.now()
        with self.database.write() as db:
            counselor = store.find_counselor(db, name) if store.valid_name(name) else None
            actor = counselor.name if counselor else UNKNOWN_ACTOR
            until = store.locked_until(db, name, now, device)
            if until is not None:
                store.audit(db, actor, "login-locked", now)
                return "locked", until.isoformat()
            if counselor is None:
                passwords.burn_time(password)
                good = False
            else:
                good = passwords.verify_password(counselor.password_hash, password)
            if not good or counselor is None:
                store.record_failure(db, name, now, device)
                store.audit(db, actor, "login-failed", now)
                until = store.locked_until(db, name, now, device)
                return ("locked", until.isoformat()) if until else ("failed", "")
            store.clear_failures(db, name)
            if device is not None:
                store.clear_failures(db, name, device)
            if passwords.needs_rehash(counselor.password_hash):
                counselor.password_hash = passwords.hash_password(password)
            session_id = store.open_session(db, counselor, now)
            store.audit(db, counselor.name, "login", now)
            return "ok", session_id

    async def logout(self, request: Request, user: Counselor) -> Response:
        form = await request.form()
        if not self.csrf_valid(request, form):
            return self.refused_csrf(request, user)
        session_id = self.session_id(request)

        def close() -> None:
            with self.database.write() as db:
                if session_id:
                    store.close_session(db, session_id)
                store.audit(db, user.name, "logout", self.now())

        await run_in_threadpool(close)
        response = RedirectResponse("/login?bye=1", 303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    async def day(self, request: Request, user: Counselor) -> Response:
        today = self.local(self.now()).date()
        days = views.days_from(today)
        start, end = self.day_bounds(today, len(days))
        asked = views.parse_page(request.query_params.get("page"))

        def load() -> tuple[list[Row], int, int]:
            with self.database.write() as db:
                bookings = store.bookings_between(db, start, end)
                page = min(asked, views.page_count(len(bookings)))
                first = (page - 1) * views.PAGE_ROWS
                shown = bookings[first : first + views.PAGE_ROWS]
                rows = self.rows(db, shown, cached=True)
                store.audit(db, user.name, "view-day", self.now(), detail=today.isoformat())
                return rows, len(bookings), page

        rows, total, page = await run_in_threadpool(load)
        grouped: dict[date, list[Row]] = {day: [] for day in days}
        for row in rows:
            grouped.setdefault(row.booking.start.date(), []).append(row)
        return self.render(
            request,
            "day.html",
            title_key="day.title",
            user=user,
            nav="day",
            days=days,
            grouped=grouped,
            total=total,
            page=page,
            pages=views.page_count(total),
            first_row=(page - 1) * views.PAGE_ROWS + 1,
            last_row=(page - 1) * views.PAGE_ROWS + len(rows),
        )

    async def booking(self, request: Request, user: Counselor) -> Response:
        booking_id = int(request.path_params["booking_id"])
        lang = self.lang(request)

        def load() -> dict[str, Any] | None:
            with self.database.write() as db:
                booking = store.get_booking(db, booking_id)
                if booking is None:
                    return None
                row = self.rows(db, [booking])[0]
                history = store.status_history(db, [booking.id])[booking.id]
                store.audit(db, user.name, "view-booking", self.now(), booking_id=booking.id)
            has_report_page = False
            all_checks: list[dict[str, Any]] = []
            browser_check = None
            verification = row.verification
            if verification is not None and verification.report is not None:
                if verification.kind == "browser":
                    browser_check = views.browser_check(verification.report)
                else:
                    has_report_page = True
                    results = verification.report.get("results") or []
                    all_checks = views.failing_first(r for r in results if isinstance(r, dict))
            return {
                "row": row,
                "history": history,
                "slots": self.slots(booking),
                "has_report_page": has_report_page,
                "all_checks": all_checks,
                "browser_check": browser_check,
            }

        loaded = await run_in_threadpool(load)
        if loaded is None:
            return self.not_found(request, user)
        row: Row = loaded["row"]
        now = self.now()
        actions = views.allowed_actions(row.status, row.booking.start, now)
        wait = None
        if "no-show" not in actions and row.status in (views.RECEIVED, views.CONFIRMED):
            moment = self.local(views.no_show_from(row.booking.start))
            wait = views.format_moment(moment).get(lang)
        done = request.query_params.get("done")
        flash = None
        if done in views.STATUSES:
            status_text = ui_text(f"dashboard.status.{done}").get(lang)
            flash = ui_text("dashboard.action.done", status=status_text).get(lang)
        elif done == "attached":
            flash = ui_text("dashboard.upload.attached").get(lang)
        error = None
        if request.query_params.get("refused"):
            error = ui_text("dashboard.action.refused").get(lang)
        return self.render(
            request,
            "booking.html",
            title_key="booking.title",
            user=user,
            nav="day",
            booking=row.booking,
            status=row.status,
            summary=row.report,
            same_device=row.same_device,
            history=loaded["history"],
            actions=actions,
            slots=[self.local(s) for s in loaded["slots"]],
            no_show_wait=wait,
            has_report_page=loaded["has_report_page"],
            all_checks=loaded["all_checks"],
            browser_check=loaded["browser_check"],
            flash=flash,
            error=error,
        )

    async def report(self, request: Request, user: Counselor) -> Response:
        """The PC's report as `render_html` writes it, on its own page so a counselor reads it
        whole (a frame inside the booking page scrolled on its own). The page is sandboxed by
        its CSP: no script runs, no form submits, and it has no access to the dashboard."""
        booking_id = int(request.path_params["booking_id"])
        lang = self.lang(request)

        def load() -> str | None:
            with self.database.write() as db:
                booking = store.get_booking(db, booking_id)
                if booking is None:
                    return None
                row = self.rows(db, [booking])[0]
                store.audit(db, user.name, "view-booking", self.now(), booking_id=booking.id)
            verification = row.verification
            if verification is None or verification.report is None or verification.kind != "pc":
                return None
            from precheck.report.html import render_html

            html: str = render_html(verification.report, lang, verification=verification)
            return html

        html = await run_in_threadpool(load)
        if html is None:
            return self.not_found(request, user)
        response = HTMLResponse(html)
        secure_headers(response, REPORT_CSP)
        return response

    async def status(self, request: Request, user: Counselor) -> Response:
        form = await request.form()
        if not self.csrf_valid(request, form):
            return self.refused_csrf(request, user)
        booking_id = int(request.path_params["booking_id"])
        action = str(form.get("action") or "")
        slot_text = str(form.get("slot") or "")

        def change() -> str | None:
            now = self.now()
            with self.database.write() as db:
                booking = store.get_booking(db, booking_id)
                if booking is None:
                    return None
                history = store.status_history(db, [booking.id])[booking.id]
                current = views.current_status([h.status for h in history])
                allowed = views.allowed_actions(current, self.local(booking.session_at), now)
                if action not in allowed:
                    return "refused"
                slot = None
                if action == "confirm":
                    choices = self.slots(booking)
                    if choices:
                        slot = _parse_aware(slot_text)
                        if slot is None or slot not in choices:
                            return "refused"
                status = views.ACTIONS[action]
                store.record_status(
                    db,
                    booking,
                    status,
                    user.name,
                    now,
                    slot=slot,
                    session_minutes=self.session_minutes,
                )
                store.audit(db, user.name, "status", now, booking_id=booking.id, detail=status)
                return status

        outcome = await run_in_threadpool(change)
        return self.after_change(request, user, booking_id, outcome)

    async def upload(self, request: Request, user: Counselor) -> Response:
        lang = self.lang(request)
        if request.method == "GET":
            return self.upload_page(request, user)
        from precheck.report.format import MAX_REPORT_BYTES

        limit = (MAX_UPLOAD_FILES + 1) * (MAX_REPORT_BYTES + 4096)
        declared = request.headers.get("content-length", "")
        # No length (chunked) or a garbled one is refused like an oversized body, never a 500.
        if not declared.isdigit() or int(declared) > limit:
            message = ui_text("dashboard.upload.too-much", max=MAX_UPLOAD_FILES)
            return self.upload_page(request, user, error=message.get(lang), status_code=413)
        form = await request.form(max_files=MAX_UPLOAD_FILES + 1, max_fields=10)
        if not self.csrf_valid(request, form):
            return self.refused_csrf(request, user)
        files = [f for f in form.getlist("reports") if isinstance(f, UploadFile) and f.filename]
        error = None
        if not files:
            error = ui_text("dashboard.upload.none").get(lang)
        elif len(files) > MAX_UPLOAD_FILES:
            error = ui_text("dashboard.upload.too-many", max=MAX_UPLOAD_FILES).get(lang)
            files = []
        contents = []
        for item in files:
            data = await item.read(MAX_REPORT_BYTES + 1)
            contents.append((item.filename or "", data))
        results = await run_in_threadpool(self.check_uploads, contents, user)
        return self.upload_page(request, user, results=results, error=error)

    def upload_page(
        self,
        request: Request,
        user: Counselor,
        *,
        results: list[UploadResult] | None = None,
        error: str | None = None,
        status_code: int = 200,
    ) -> Response:
        """The upload page: empty, refused with `error`, or with each file's verification."""
        return self.render(
            request,
            "upload.html",
            title_key="upload.title",
            user=user,
            nav="upload",
            results=results,
            error=error,
            status_code=status_code,
        )

    def check_uploads(
        self, contents: list[tuple[str, bytes]], user: Counselor
    ) -> list[UploadResult]:
        """Verify each uploaded report as `precheck verify` does (a file over the report size
        limit is read only that far, and verify says it is too large); store nothing but the
        audit entry. Candidates for attaching are today's and later bookings of the number."""
        from precheck.jobseeker import number_hash

        results = []
        with self.database.write() as db:
            today_start, _ = self.day_bounds(self.local(self.now()).date(), 1)
            upcoming: dict[str, list[Booking]] = {}
            for booking in store.bookings_from(db, today_start):
                if booking.job_seeker_number:
                    key = number_hash(booking.job_seeker_number)
                    upcoming.setdefault(key, []).append(booking)
            for filename, data in contents:
                verification = self.verify(data, None)
                summary = views.summarize(verification)
                attachable = summary.state in SIGNED_STATES
                candidates: tuple[views.BookingFacts, ...] = ()
                if attachable and verification.number_hash:
                    same_number = upcoming.get(verification.number_hash, [])
                    candidates = tuple(self.facts(b) for b in same_number)
                results.append(
                    UploadResult(
                        filename=filename,
                        summary=summary,
                        attachable=attachable,
                        candidates=candidates,
                        encoded=base64.b64encode(data).decode("ascii") if candidates else "",
                    )
                )
            store.audit(db, user.name, "verify-upload", self.now(), detail=str(len(contents)))
        return results

    async def attach(self, request: Request, user: Counselor) -> Response:
        from precheck.report.format import MAX_REPORT_BYTES

        form = await request.form(max_fields=10, max_part_size=2 * MAX_REPORT_BYTES)
        if not self.csrf_valid(request, form):
            return self.refused_csrf(request, user)
        try:
            booking_id = int(str(form.get("booking_id") or ""))
            data = base64.b64decode(str(form.get("report") or ""), validate=True)
        except (ValueError, binascii.Error):
            return self.not_found(request, user)

        def store_report() -> str | None:
            from precheck.office.api import verification_columns

            now = self.now()
            with self.database.write() as db:
                booking = store.get_booking(db, booking_id)
                if booking is None:
                    return None
                verification = self.verify(data, booking.job_seeker_number)
                if verification.state not in SIGNED_STATES or verification.report is None:
                    return "refused"
                booking.report_json = json.dumps(verification.report, ensure_ascii=False)
                for column, value in verification_columns(verification, now).items():
                    setattr(booking, column, value)
                store.audit(db, user.name, "attach-report", now, booking_id=booking.id)
                return "attached"

        outcome = await run_in_threadpool(store_report)
        return self.after_change(request, user, booking_id, outcome)

    async def export(self, request: Request, user: Counselor) -> Response:
        asked = request.query_params.get("day")
        day = views.parse_day(asked) if asked else self.local(self.now()).date()
        if day is None:
            return self.message_page(request, user, "bad-day", 400, back_key="nav.day")
        lang = self.lang(request)
        start, end = self.day_bounds(day, 1)

        def load() -> bytes:
            with self.database.write() as db:
                rows = self.rows(db, store.bookings_between(db, start, end), cached=True)
                store.audit(db, user.name, "export", self.now(), detail=day.isoformat())
            return bookings_csv([(r.booking, r.status, r.report) for r in rows], lang)

        body = await run_in_threadpool(load)
        response = Response(body, media_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="bookings-{day.isoformat()}.csv"'
        )
        self.secure_headers(response)
        return response

    async def audit_log(self, request: Request, user: Counselor) -> Response:

        def load() -> list[Any]:
            with self.database.write() as db:
                store.audit(db, user.name, "view-audit", self.now())
                db.flush()
                return store.recent_audit(db, AUDIT_SHOWN)

        entries = await run_in_threadpool(load)
        return self.render(
            request,
            "audit.html",
            title_key="audit.title",
            user=user,
            nav="audit",
            entries=entries,
            limit=AUDIT_SHOWN,
        )


def _safe_next(value: str | None) -> str | None:
    """Only a path on this site: `//evil.example` or `https://…` would be an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    return value


def _parse_aware(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None
