"""Every error the service answers, as one JSON shape, and the guard that hides tracebacks.

`{"error": code, "message": {"ja", "en"}, "fields": {field: {"ja", "en"}}}`: a client (the job
seeker's outbox, a counselor's browser) can act on `error`, show `message`, and point at
`fields`. Sentences live in precheck/messages/office.toml.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from precheck.model import Text

log = logging.getLogger("precheck.office")


class ApiError(Exception):
    """Raised by a handler to answer with `status` and the error `code`'s message."""

    def __init__(
        self,
        status: int,
        code: str,
        *,
        fields: Mapping[str, Text] | None = None,
        headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})
        self.params = params


def error_body(code: str, fields: Mapping[str, Text] | None = None, **params: Any) -> bytes:
    from precheck.messages import ui_text

    body = {
        "error": code,
        "message": ui_text(f"office.error.{code}", **params).as_dict(),
        "fields": {name: text.as_dict() for name, text in (fields or {}).items()},
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def error_response(
    status: int,
    code: str,
    *,
    fields: Mapping[str, Text] | None = None,
    headers: Mapping[str, str] | None = None,
    **params: Any,
) -> Response:
    return Response(
        error_body(code, fields, **params),
        status_code=status,
        headers=dict(headers or {}),
        media_type="application/json",
    )


async def api_error_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(
        exc.status, exc.code, fields=exc.fields, headers=exc.headers, **exc.params
    )


_HTTP_CODES = {
    404: "not-found",
    405: "method-not-allowed",
}


async def http_error_handler(_request: Request, exc: Exception) -> Response:
    status = int(getattr(exc, "status_code", 400))
    headers = getattr(exc, "headers", None) or {}
    return error_response(status, _HTTP_CODES.get(status, "bad-request"), headers=headers)


class GuardMiddleware:
    """Outermost: any exception becomes a 500 JSON answer, and the log gets its type only.

    Exception messages can carry data (a database error quotes its statement), so neither the
    message nor a traceback is logged, and the client never sees either.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            where = exc.__traceback__
            while where is not None and where.tb_next is not None:
                where = where.tb_next
            origin = (
                f"{where.tb_frame.f_code.co_filename}:{where.tb_lineno}" if where else "unknown"
            )
            log.error(
                "internal error %s on %s %s at %s",
                type(exc).__name__,
                scope.get("method"),
                scope.get("path"),
                origin,
            )
            if started:
                return
            body = error_body("internal")
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
