"""HTTP side of the self-check: the page, the measuring endpoints and the signed record."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from precheck.catalogue import load_catalogue
from precheck.i18n import LANGS
from precheck.messages import ui_text
from precheck.office.headers import secure_headers
from precheck.office.ratelimit import RateLimiter, retry_after_header
from precheck.office.selfcheck import decide
from precheck.office.selfcheck.payload import PayloadError, parse_page
from precheck.office.selfcheck.sessions import Sessions
from precheck.parse.user_agent import MAX_UA, parse_device

HERE = Path(__file__).parent
DOWNLOAD_BYTES = 2_000_000
UPLOAD_BYTES = 1_000_000
MAX_RECORD_REQUEST = 32 * 1024
STATIC = {"selfcheck.js": "text/javascript", "selfcheck.css": "text/css"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
"""The dashboard's policy plus `connect-src 'self'` for the measurements and media for the
camera preview: still nothing but this server."""
ACCEPT_CH = "Sec-CH-UA-Platform-Version, Sec-CH-UA-Model, Sec-CH-UA-Full-Version-List"
"""Asks Chromium-based browsers to send the real OS version with the next requests (the
record's POST), so the server observes it itself rather than taking the page's word."""
HINT_HEADERS = (
    "sec-ch-ua-platform",
    "sec-ch-ua-platform-version",
    "sec-ch-ua-mobile",
    "sec-ch-ua-model",
    "sec-ch-ua-full-version-list",
)


class SelfCheck:
    def __init__(self, context: Any) -> None:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        self.context = context
        self.settings = context.settings
        self.sessions = Sessions(clock=context.monotonic)
        self.limiter = RateLimiter(rate=5.0, burst=120, clock=context.limiter_clock)
        self.key = context.browser_check_key
        self.catalogue = load_catalogue()
        self.payload = os.urandom(DOWNLOAD_BYTES)  # incompressible, made once
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=StrictUndefined,
        )

    @property
    def key_fingerprint(self) -> str:
        return str(self.key.fingerprint)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/check", self.page, methods=["GET"]),
            Route("/check/static/{name}", self.static, methods=["GET"]),
            Route("/check/ping", self.ping, methods=["GET"]),
            Route("/check/payload", self.download, methods=["GET"]),
            Route("/check/upload", self.upload, methods=["POST"]),
            Route("/check/record", self.record, methods=["POST"]),
            Route("/check/qr.svg", self.qr, methods=["GET"]),
        ]

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def headers(response: Response) -> Response:
        response.headers["Permissions-Policy"] = "camera=(self), microphone=(self)"
        return secure_headers(response, CSP)

    def limited(self, request: Request) -> Response | None:
        client = request.client.host if request.client else "?"
        wait = self.limiter.acquire(client)
        if wait <= 0:
            return None
        return JSONResponse(
            {"error": "rate-limited"}, 429, headers={"Retry-After": retry_after_header(wait)}
        )

    def thresholds(self, check: str) -> dict[str, Any]:
        return dict(self.catalogue.checks[check].thresholds)

    # -- endpoints ------------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        lang = request.query_params.get("lang")
        lang = lang if lang in LANGS else "ja"
        other = "en" if lang == "ja" else "ja"

        def t(key: str, **params: Any) -> str:
            return ui_text(f"selfcheck.{key}", **params).get(lang)

        mb = round((DOWNLOAD_BYTES + UPLOAD_BYTES) / 1e6, 1)
        camera, mic, net = (
            self.thresholds("camera"),
            self.thresholds("microphone"),
            self.thresholds("network"),
        )
        config = {
            "session": self.sessions.new(),
            "lang": lang,
            "download_bytes": DOWNLOAD_BYTES,
            "upload_bytes": UPLOAD_BYTES,
            "camera": {
                k: camera[k]
                for k in ("black_luma_threshold", "frozen_ssim_threshold", "warmup_seconds")
            }
            | {"analyse_seconds": camera["analyse_seconds"]},
            "microphone": {k: mic[k] for k in ("record_seconds", "clip_dbfs", "clip_run_samples")},
            "network": {k: net[k] for k in ("rtt_samples", "rtt_spacing_ms")},
            "text": {
                key: t(key)
                for key in ("running", "done", "record.failed", "record.saved", "record.download")
            },
        }
        html = self.env.get_template("check.html").render(
            lang=lang,
            other=other,
            t=t,
            mb=mb,
            config=json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
        )
        response = self.headers(HTMLResponse(html))
        response.headers["Accept-CH"] = ACCEPT_CH
        return response

    def page_url(self, request: Request) -> str:
        from precheck.qr import selfcheck_url

        return selfcheck_url(self.settings.profile, str(request.base_url))

    async def qr(self, request: Request) -> Response:
        """The page's address as a QR code, for the PC app and the office's own pages."""
        from precheck.qr import qr_svg

        svg = qr_svg(self.page_url(request), title=ui_text("selfcheck.link.title").ja)
        return self.headers(Response(svg, media_type="image/svg+xml"))

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return self.headers(Response(status_code=404))
        body = (HERE / "static" / name).read_bytes()
        response = Response(body, media_type=STATIC[name])
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    async def ping(self, request: Request) -> Response:
        arrived = self.sessions.clock()
        sid = request.query_params.get("s", "")
        self.sessions.ping(sid, arrived, self.sessions.clock())
        return self.headers(Response(status_code=204))

    async def download(self, request: Request) -> Response:
        refused = self.limited(request)
        if refused is not None:
            return refused
        try:
            size = int(request.query_params.get("bytes", DOWNLOAD_BYTES))
        except ValueError:
            size = DOWNLOAD_BYTES
        size = max(1, min(size, DOWNLOAD_BYTES))
        return self.headers(Response(self.payload[:size], media_type="application/octet-stream"))

    async def upload(self, request: Request) -> Response:
        refused = self.limited(request)
        if refused is not None:
            return refused
        sid = request.query_params.get("s", "")
        # Timed from the first chunk's arrival, so the first chunk's bytes are not counted.
        size, counted, first, last = 0, 0, None, None
        async for chunk in request.stream():
            if not chunk:
                continue
            now = self.sessions.clock()
            if first is None:
                first = now
            else:
                counted += len(chunk)
            last = now
            size += len(chunk)
            if size > UPLOAD_BYTES:
                return JSONResponse({"error": "too-large"}, 413)
        if first is not None and last is not None and last > first and counted:
            self.sessions.upload(sid, counted, last - first)
        return self.headers(Response(status_code=204))

    async def record(self, request: Request) -> Response:
        refused = self.limited(request)
        if refused is not None:
            return refused
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_RECORD_REQUEST:
                return JSONResponse({"error": "too-large"}, 413)
        try:
            page = parse_page(json.loads(body.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return self.refuse("the body is not JSON")
        except PayloadError as exc:
            return self.refuse(str(exc))
        hints = {h: request.headers[h][:200] for h in HINT_HEADERS if h in request.headers}
        user_agent = request.headers.get("user-agent", "")[:MAX_UA]
        record = await run_in_threadpool(self.sign, page, user_agent, hints)
        return self.headers(JSONResponse({"record": record, "lines": self.lines(record)}))

    def refuse(self, detail: str) -> Response:
        text = ui_text("selfcheck.error.invalid", detail=detail[:200])
        return JSONResponse({"error": "invalid", "message": text.as_dict()}, 422)

    # -- the record -----------------------------------------------------------------------

    def sign(self, page: Any, user_agent: str, hints: dict[str, str]) -> dict[str, Any]:
        from precheck.jobseeker import normalize_job_seeker_number, number_hash
        from precheck.report.browser_check import FORMAT, REQUIRED, VERSION, make_record

        now = datetime.now(UTC).replace(microsecond=0)
        # The server's own headers win; the page's answer fills what the browser did not send.
        device = parse_device(user_agent, {**page.hints, **hints}, touch_mac=page.touch_mac)
        observed = self.sessions.observed(page.session)
        findings = [decide.decide_os(device, self.catalogue.table("os-lifecycle"), now.date())]
        if page.camera is not None:
            findings.append(decide.decide_camera(page.camera, self.thresholds("camera")))
        if page.microphone is not None:
            findings.append(
                decide.decide_microphone(page.microphone, self.thresholds("microphone"))
            )
        if page.network is not None:
            findings.append(
                decide.decide_network(page.network, observed or {}, self.thresholds("network"))
            )
        results = [
            {
                "id": f.id,
                "status": f.status.value,
                "code": f.code,
                "source": f.source,
                "required": REQUIRED[f.id],
                "params": f.params,
            }
            for f in findings
        ]
        number = normalize_job_seeker_number(page.job_seeker_number or "")
        validity = int(self.settings.profile.get("report", {}).get("validity_days", 7))
        body = {
            "format": FORMAT,
            "version": VERSION,
            "office": str(self.settings.profile.get("id", ""))[:200],
            "made_at": now.isoformat(),
            "expires_at": (now + timedelta(days=validity)).isoformat(),
            "job_seeker_number_sha256": number_hash(number) if number else None,
            "device": device.as_dict(),
            "server_observed": {
                "user_agent": user_agent,
                "client_hints": hints,
                "network": observed,
            },
            "page_reported": {
                "client_hints": page.hints,
                "camera": page.camera,
                "microphone": page.microphone,
                "network": page.network,
            },
            "declared": page.declared,
            "results": results,
        }
        return make_record(body, self.key)

    @staticmethod
    def lines(record: dict[str, Any]) -> list[dict[str, Any]]:
        """What the page shows: each result in words, from this server's catalogue."""
        return [
            {
                "id": r["id"],
                "status": r["status"],
                "label": ui_text(f"status.{r['status']}").as_dict(),
                "text": ui_text(f"selfcheck.code.{r['code']}", **(r["params"] or {})).as_dict(),
            }
            for r in record["results"]
        ]
