"""The app's HTTP server: loopback only, one person, one page, gone when the page is.

Guards, each for a reason:
* bound to 127.0.0.1 on a port the OS picks: nothing on the network can connect;
* a one-time token in the URL the browser is opened with, traded at once for an HttpOnly,
  SameSite=Strict cookie (the token leaves the address bar and cannot be replayed);
* the Host header must be exactly 127.0.0.1:PORT (DNS rebinding), and a request carrying an
  Origin must come from that origin; POSTs must carry one and be JSON (cross-site forms and
  simple requests cannot);
* a strict Content-Security-Policy: the page runs only its own script;
* it stops when the page says goodbye and does not come back (closed, not reloaded), when no
  heartbeat arrives for a while (browser closed or crashed), or after a long idle time.
No request path or token is logged.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from precheck.app.session import Session

PAGE_DIR = Path(__file__).with_name("page")
ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
}
MAX_BODY = 64 * 1024
COOKIE = "precheck_app"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


@dataclass
class Lifetime:
    """When the server should stop; pure, with the clock passed in, so tests need no sleeping.

    `first_visit`: seconds to wait for the browser to open the page at all. `heartbeat`: seconds
    without a beat after which the page is taken as gone (hidden tabs are throttled to one timer
    a minute, so this is well over a minute). `goodbye`: grace after the page said goodbye, for a
    reload to come back. `idle`: seconds without any action by the person.
    """

    started: float
    first_visit: float = 120.0
    heartbeat: float = 150.0
    goodbye: float = 5.0
    idle: float = 30 * 60.0
    last_beat: float | None = None
    last_action: float | None = None
    bye_at: float | None = None
    bye_page: str = ""

    def beat(self, now: float, page: str = "") -> None:
        """A page is open. Only another page (a reload) cancels a goodbye: a beat the closed page
        sent just before it said goodbye may arrive after it."""
        self.last_beat = now
        if self.bye_at is not None and page != self.bye_page:
            self.bye_at = None

    def action(self, now: float) -> None:
        self.last_beat = now
        self.last_action = now

    def bye(self, now: float, page: str = "") -> None:
        self.bye_at = now
        self.bye_page = page

    def stop_reason(self, now: float) -> str | None:
        if self.bye_at is not None and now - self.bye_at > self.goodbye:
            return "closed"
        if self.last_beat is None:
            return "never-opened" if now - self.started > self.first_visit else None
        if now - self.last_beat > self.heartbeat:
            return "no-heartbeat"
        if now - (self.last_action or self.started) > self.idle:
            return "idle"
        return None


class AppServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(
        self,
        session: Session,
        *,
        lifetime: Lifetime | None = None,
        clock: Callable[[], float] = time.monotonic,
        port: int = 0,
    ) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.session = session
        self.clock = clock
        self.lifetime = lifetime or Lifetime(started=clock())
        self.token: str | None = secrets.token_urlsafe(32)
        self.cookie = secrets.token_urlsafe(32)
        self.origin = f"http://127.0.0.1:{self.server_address[1]}"
        self.stop_reason: str | None = None
        self._lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser drops sockets it opened ahead (Chromium preconnects, a closed tab): that
        is ordinary, so it is not reported. Anything else is one line on stderr, never a
        traceback in the job seeker's terminal, and never the request (it can hold the token)."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        print(f"precheck app: {type(error).__name__}", file=sys.stderr)

    @property
    def start_url(self) -> str:
        return f"{self.origin}/?t={self.token}"

    def take_token(self, offered: str) -> bool:
        """True once: the first request that offers the token gets the session cookie."""
        with self._lock:
            if self.token is None or not hmac.compare_digest(offered, self.token):
                return False
            self.token = None
            return True

    def watch(self, stopped: threading.Event, interval: float = 1.0) -> None:
        """Stop serving when the lifetime says so (runs on its own thread)."""
        while not stopped.wait(interval):
            reason = self.lifetime.stop_reason(self.clock())
            if reason is not None:
                self.stop_reason = reason
                self.shutdown()
                return


class Handler(BaseHTTPRequestHandler):
    server: AppServer
    protocol_version = "HTTP/1.1"
    server_version = "precheck"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Nothing is logged: a request line can hold the one-time token."""

    # -- guards -----------------------------------------------------------------------------

    def _guard(self, post: bool) -> bool:
        """Host, Origin and (for POST) JSON; refuse with 403/415 otherwise."""
        origin = self.headers.get("Origin")
        if self.headers.get("Host") != self.server.origin.removeprefix("http://"):
            self._plain(HTTPStatus.FORBIDDEN, "app.refused.host")
            return False
        if (origin is not None or post) and origin != self.server.origin:
            self._plain(HTTPStatus.FORBIDDEN, "app.refused.origin")
            return False
        if post and self.headers.get_content_type() != "application/json":
            self._plain(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "app.refused.origin")
            return False
        return True

    def _has_cookie(self) -> bool:
        for part in self.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and hmac.compare_digest(value, self.server.cookie):
                return True
        return False

    # -- responses --------------------------------------------------------------------------

    def _send(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        for name, value in {**SECURITY_HEADERS, **(extra or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _plain(self, status: int, key: str) -> None:
        from precheck.messages import ui_text

        text = ui_text(key)
        self._send(status, f"{text.ja}\n{text.en}\n".encode(), "text/plain; charset=utf-8")
        self.close_connection = True

    def _json(self, data: Any, status: int = HTTPStatus.OK) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _body(self) -> dict[str, Any] | None:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._plain(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "app.refused.body")
            return None
        try:
            data = json.loads(self.rfile.read(length) or b"{}")
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            self._plain(HTTPStatus.BAD_REQUEST, "app.refused.body")
            return None
        return data

    # -- routes -----------------------------------------------------------------------------

    def do_GET(self) -> None:
        if not self._guard(post=False):
            return
        url = urlsplit(self.path)
        if url.path == "/" and "t" in parse_qs(url.query):
            if self.server.take_token(parse_qs(url.query)["t"][0]):
                cookie = f"{COOKIE}={self.server.cookie}; HttpOnly; SameSite=Strict; Path=/"
                self._send(HTTPStatus.SEE_OTHER, b"", "text/plain", {
                    "Location": "/", "Set-Cookie": cookie})  # fmt: skip
                return
            self._plain(HTTPStatus.FORBIDDEN, "app.refused.token")
            return
        if not self._has_cookie():
            self._plain(HTTPStatus.FORBIDDEN, "app.refused.token")
            return
        session = self.server.session
        if url.path in ASSETS:
            name, content_type = ASSETS[url.path]
            self._send(HTTPStatus.OK, (PAGE_DIR / name).read_bytes(), content_type)
        elif url.path == "/api/state":
            self._json(session.state())
        elif url.path == "/api/texts":
            from precheck.app.texts import page_texts

            self._json(page_texts(session.lang))
        elif url.path == "/api/booking":
            self._json(session.booking_defaults())
        elif url.path == "/api/preview":
            self._preview()
        elif url.path == "/phone-qr.svg":
            self._phone_qr()
        else:
            self._plain(HTTPStatus.NOT_FOUND, "app.refused.not-found")

    def _phone_qr(self) -> None:
        from precheck.messages import ui_text
        from precheck.qr import qr_svg

        session = self.server.session
        address = session.phone_url()
        if not address:
            self._plain(HTTPStatus.NOT_FOUND, "app.refused.not-found")
            return
        svg = qr_svg(address, title=ui_text("app.book.phone-alt").get(session.lang))
        self._send(HTTPStatus.OK, svg.encode("utf-8"), "image/svg+xml")

    def _preview(self) -> None:
        from precheck.app.preview import find_preview, frame

        provider = find_preview() if self.server.session.preview else None
        data = frame(provider) if provider is not None else None
        if data is None:
            self._send(HTTPStatus.NO_CONTENT, b"", "text/plain")
            return
        self._send(HTTPStatus.OK, data, "image/jpeg")

    def do_POST(self) -> None:
        if not self._guard(post=True):
            return
        if not self._has_cookie():
            self._plain(HTTPStatus.FORBIDDEN, "app.refused.token")
            return
        data = self._body()
        if data is None:
            return
        now = self.server.clock()
        lifetime = self.server.lifetime
        session = self.server.session
        path = urlsplit(self.path).path
        page = str(data.get("page", ""))[:64]
        if path == "/api/beat":
            lifetime.beat(now, page)
            self._json({"ok": True})
            return
        if path == "/api/bye":
            lifetime.bye(now, page)
            self._json({"ok": True})
            return
        lifetime.action(now)
        if path == "/api/run":
            only = data.get("only")
            self._json({"ok": session.start(only if isinstance(only, str) else None)})
        elif path == "/api/lang":
            session.set_lang(str(data.get("lang", "")))
            self._json({"ok": True, "lang": session.lang})
        elif path == "/api/settings":
            self._json({"ok": self._open_settings(str(data.get("check", "")))})
        elif path == "/api/report":
            self._json(session.save_report())
        elif path == "/api/report/open":
            self._json({"ok": session.open_report()})
        elif path == "/api/booking/check":
            self._json(session.check_booking(_fields(data)))
        elif path == "/api/booking/send":
            self._json(session.book(_fields(data), data.get("consent") is True))
        else:
            self._plain(HTTPStatus.NOT_FOUND, "app.refused.not-found")

    def _open_settings(self, check_id: str) -> bool:
        """Open the allow-listed settings page for a check whose result is shown as a problem."""
        import platform

        from precheck.app.settings import open_target, target_for

        system = platform.system()
        shown = {i["id"]: i for i in self.server.session.state()["items"]}
        if not shown.get(check_id, {}).get("settings"):
            return False
        target = target_for(check_id, system)
        return target is not None and open_target(target, system)


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = data.get("fields")
    return fields if isinstance(fields, dict) else {}
