"""What every dashboard page stands on: rendering, language, cookies, sessions, CSRF, and the
facts of a booking as pages show them.

Pages are server-rendered HTML (Jinja2, autoescaped) with one stylesheet and one small script
served from the package: office networks are closed, so nothing is fetched from the internet.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from precheck.i18n import LANGS
from precheck.messages import ui_text
from precheck.office.dashboard import store, views
from precheck.office.dashboard.models import Counselor, VerificationCache
from precheck.office.dashboard.tokens import csrf_ok, csrf_token, load_secret, unsign_cookie
from precheck.office.headers import secure_headers
from precheck.office.models import Booking

HERE = Path(__file__).parent
SESSION_COOKIE = "precheck_session"
PRELOGIN_COOKIE = "precheck_login"
LANG_COOKIE = "precheck_lang"
SIGNED_STATES = ("valid", "expired")
"""Verification states in which the signature held: only these reports can be attached and
only their device keys count for the same-device marker."""

CounselorPage = Callable[[Request, Counselor], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]

CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
"""Only our own files (inline style allowed for the dashboard's own pages)."""

REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
"""The PC's report on its own page: self-contained HTML from our own `render_html` (inline
style only), and `sandbox` with no allowances, so no script runs, no form submits and the
page is a unique origin without the dashboard's cookies."""


@dataclass(frozen=True)
class Row:
    booking: views.BookingFacts
    status: str
    report: views.ReportSummary
    same_device: bool
    verification: Any = None
    """What `verify_report` said (None without a report): the booking page renders the report
    from it instead of verifying it a second time."""


class Site:
    """The dashboard's footing for one office service (its settings, database and secret)."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.database = context.database
        self.settings = context.settings
        self.secret = load_secret(Path(self.settings.data_dir))
        from precheck.booking.rules import office_zone

        self.tz = office_zone(self.settings.profile)
        self.session_minutes = int(self.settings.session_minutes)
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def now(self) -> datetime:
        moment: datetime = self.context.clock()
        return moment.astimezone(UTC)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def lang(self, request: Request) -> str:
        for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
            if value in LANGS:
                return value
        return "ja"

    def render(
        self,
        request: Request,
        template: str,
        *,
        title_key: str,
        user: Counselor | None = None,
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        lang = self.lang(request)
        other = "en" if lang == "ja" else "ja"
        query = dict(request.query_params)
        query["lang"] = other

        fixed: dict[str, str] = {}

        def text(key: str) -> str:
            # A day view asks for the same labels hundreds of times: look each up once.
            if key not in fixed:
                fixed[key] = ui_text(key).get(lang)
            return fixed[key]

        def t(key: str, **params: Any) -> str:
            if params:
                return ui_text(f"dashboard.{key}", **params).get(lang)
            return text(f"dashboard.{key}")

        values: dict[str, Any] = {
            "lang": lang,
            "other_lang": other,
            "switch_url": f"{request.url.path}?{urlencode(query)}",
            "t": t,
            "title": t(title_key),
            "user": user.name if user else None,
            "csrf": self.csrf_for(request),
            "nav": "",
            "flash": None,
            "error": None,
            "hhmm": lambda moment: self.local(moment).strftime("%H:%M"),
            "when": lambda moment: views.format_moment(self.local(moment)).get(lang),
            "local": self.local,
            "day_label": lambda day: views.format_day(day).get(lang),
            # a check's status in the dashboard's words ("問題なし", not "OK", on a Japanese page)
            "status_label": lambda status: text(f"dashboard.check-status.{status}"),
            "audit_actor": views.audit_actor,
            "audit_detail": views.audit_detail,
            "shown_check": lambda check: views.shown_check(check, lang),
            "report_when": self.report_when(lang),
        }
        values.update(context)
        html = self.env.get_template(template).render(values)
        response = HTMLResponse(html, status_code=status_code)
        self.secure_headers(response)
        if request.query_params.get("lang") in LANGS:
            self.set_cookie(request, response, LANG_COOKIE, lang, max_age=365 * 86400)
        return response

    def report_when(self, lang: str) -> Callable[[Any], str]:
        """A report's timestamp in the dashboard's date style (as `when` for the office's own)."""
        from precheck.report.format import parse_time

        def shown(text: Any) -> str:
            moment = parse_time(text)
            if moment is None:
                return views.bounded(str(text), 64)
            return views.format_moment(self.local(moment)).get(lang)

        return shown

    @staticmethod
    def secure_headers(response: Response) -> None:
        secure_headers(response, CSP)

    @staticmethod
    def secure_transport(request: Request) -> bool:
        """HTTPS, or plain HTTP from this very machine (where nothing crosses a network)."""
        if request.url.scheme == "https":
            return True
        host = request.client.host if request.client else ""
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    def set_cookie(
        self, request: Request, response: Response, name: str, value: str, max_age: int | None
    ) -> None:
        """HttpOnly, SameSite=Lax, and Secure whenever the page came over HTTPS."""
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )

    def session_id(self, request: Request) -> str | None:
        return unsign_cookie(self.secret, request.cookies.get(SESSION_COOKIE))

    def csrf_for(self, request: Request) -> str:
        session_id = self.session_id(request)
        if session_id:
            return csrf_token(self.secret, "session:" + session_id)
        prelogin = request.scope.get("precheck.prelogin") or request.cookies.get(PRELOGIN_COOKIE)
        return csrf_token(self.secret, "login:" + prelogin) if prelogin else ""

    def csrf_valid(self, request: Request, form: Any) -> bool:
        session_id = self.session_id(request)
        binding = (
            "session:" + session_id
            if session_id
            else "login:" + (request.cookies.get(PRELOGIN_COOKIE) or "")
        )
        if binding.endswith(":"):
            return False
        return csrf_ok(self.secret, binding, form.get("csrf_token"))

    async def signed_in(self, request: Request) -> Counselor | None:
        session_id = self.session_id(request)
        if session_id is None:
            return None

        def lookup() -> Counselor | None:
            with self.database.write() as db:
                return store.session_counselor(db, session_id, self.now())

        result: Counselor | None = await run_in_threadpool(lookup)
        return result

    def for_counselor(self, page: CounselorPage) -> Endpoint:
        """The route endpoint for a page only a signed-in counselor may see: anyone else goes to
        the sign-in page, which brings them back here afterwards."""

        async def endpoint(request: Request) -> Response:
            user = await self.signed_in(request)
            if user is None:
                return self.to_login(request)
            return await page(request, user)

        return endpoint

    def to_login(self, request: Request) -> RedirectResponse:
        target = request.url.path
        if request.url.query and request.method == "GET":
            target += "?" + request.url.query
        expired = "&expired=1" if request.cookies.get(SESSION_COOKIE) else ""
        response = RedirectResponse(f"/login?{urlencode({'next': target})}{expired}", 303)
        if request.cookies.get(SESSION_COOKIE):
            response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    def refused_csrf(self, request: Request, user: Counselor | None) -> HTMLResponse:
        return self.message_page(request, user, "csrf", 403, back_key="nav.day")

    def not_found(self, request: Request, user: Counselor) -> HTMLResponse:
        return self.message_page(request, user, "not-found", 404, back_key="booking.back")

    def message_page(
        self,
        request: Request,
        user: Counselor | None,
        title_key: str,
        status_code: int,
        *,
        back_key: str,
    ) -> HTMLResponse:
        """A refusal that says only what went wrong, with one way back to the day view."""
        return self.render(
            request,
            "message.html",
            title_key=title_key,
            user=user,
            status_code=status_code,
            back_url="/",
            back_text=ui_text(f"dashboard.{back_key}").get(self.lang(request)),
        )

    def after_change(
        self, request: Request, user: Counselor, booking_id: int, outcome: str | None
    ) -> Response:
        """Post/redirect/get back to the booking, saying what happened: a reload of the page
        that follows must not post the change again. None means no such booking."""
        if outcome is None:
            return self.not_found(request, user)
        query = "refused=1" if outcome == "refused" else f"done={outcome}"
        return RedirectResponse(f"/bookings/{booking_id}?{query}", 303)

    # -- facts for the pages ----------------------------------------------------------------

    def facts(self, booking: Booking) -> views.BookingFacts:
        return views.BookingFacts(
            id=booking.id,
            start=self.local(booking.session_at),
            name=booking.name or "",
            number=booking.job_seeker_number or "",
            email=booking.email or "",
            phone=booking.phone or "",
            topic=booking.topic or "",
            assistant=booking.interpreter or "",
            received_at=booking.received_at,
            report=booking.report_json.encode("utf-8") if booking.report_json else None,
        )

    def verify(self, data: bytes, number: str | None) -> Any:
        from precheck.report.verify import verify_report

        return verify_report(
            data,
            now=self.now(),
            job_seeker_number=number or None,
            office_key=self.context.office_key,
        )

    def summary(self, booking: views.BookingFacts) -> tuple[views.ReportSummary, Any]:
        if booking.report is None:
            return views.MISSING, None
        verification = self.verify(booking.report, booking.number)
        return views.summarize(verification), verification

    def rows(self, db: Session, bookings: list[Booking], *, cached: bool = False) -> list[Row]:
        """The rows pages show. `cached` (day view, CSV) reuses each booking's stored
        verification while it still holds (`cached_summaries`); otherwise every report is
        verified now and the cache refreshed (the booking page, which renders the report)."""
        history = store.status_history(db, [b.id for b in bookings])
        earlier_keys = store.earlier_fingerprints(db, bookings, SIGNED_STATES)
        entries = {e.booking_id: e for e in store.verification_cache(db, [b.id for b in bookings])}
        known = self.cached_summaries(bookings, entries) if cached else {}
        rows = []
        for booking in bookings:
            facts = self.facts(booking)
            verification = None
            if booking.id in known:
                summary = known[booking.id]
            else:
                summary, verification = self.summary(facts)
                if facts.report is not None:
                    self.remember(db, booking, summary, entries.get(booking.id))
            earlier = earlier_keys[booking.id]
            rows.append(
                Row(
                    booking=facts,
                    status=views.current_status([h.status for h in history[booking.id]]),
                    report=summary,
                    same_device=summary.state in SIGNED_STATES
                    and views.same_device(summary.key_fingerprint, earlier),
                    verification=verification,
                )
            )
        return rows

    def cached_summaries(
        self, bookings: list[Booking], found: dict[int, VerificationCache]
    ) -> dict[int, views.ReportSummary]:
        """Stored verifications still true now: same report and number, same catalogue, and
        no time boundary (the report's start or expiry) passed since."""
        now = self.now()
        catalogue = _catalogue_digest()
        out = {}
        for booking in bookings:
            entry = found.get(booking.id)
            if (
                entry is not None
                and booking.report_json is not None
                and entry.report_digest == _report_digest(booking)
                and entry.catalogue_digest == catalogue
                and (entry.recheck_after is None or now < entry.recheck_after)
            ):
                out[booking.id] = views.summary_from_json(entry.summary)
        return out

    def remember(
        self,
        db: Session,
        booking: Booking,
        summary: views.ReportSummary,
        entry: VerificationCache | None,
    ) -> None:
        """Store (or refresh `entry`, already loaded) the booking's verification."""
        now = self.now()
        store.save_verification(
            db,
            entry or VerificationCache(booking_id=booking.id),
            report_digest=_report_digest(booking),
            catalogue_digest=_catalogue_digest(),
            verified_at=now,
            recheck_after=views.recheck_after(summary, now),
            summary=views.summary_to_json(summary),
        )

    def day_bounds(self, first: date, count: int) -> tuple[datetime, datetime]:
        start = datetime.combine(first, time(0), self.tz)
        return start.astimezone(UTC), (start + timedelta(days=count)).astimezone(UTC)

    @staticmethod
    def slots(booking: Booking) -> list[datetime]:
        """The job seeker's chosen starts (first choice first) as aware datetimes."""
        out = []
        for value in booking.slots or []:
            try:
                moment = datetime.fromisoformat(str(value))
            except ValueError:
                continue
            if moment.tzinfo is not None:
                out.append(moment.astimezone(UTC))
        return out


def _report_digest(booking: Booking) -> str:
    import hashlib

    text = (booking.report_json or "") + "\0" + (booking.job_seeker_number or "")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _catalogue_digest() -> str:
    """The office's own catalogue and verifier: a new catalogue changes every report's
    catalogue note and the words shown, a new precheck may verify differently."""
    import hashlib

    from precheck import __version__
    from precheck.catalogue import CatalogueError, load_catalogue

    try:
        digest = load_catalogue().digest
    except (CatalogueError, OSError):
        digest = "-"
    return hashlib.sha256(f"{digest}\0{__version__}".encode()).hexdigest()
