"""The service's own defences against slow and abusive clients, for when no proxy stands in
front (with nginx in front, docs/deploy/nginx.conf does the same job first).

uvicorn times out only idle keep-alive connections, and every byte resets that timer: a client
sending its headers or body one byte every few seconds holds a connection (and a file
descriptor) for ever (CVE-2007-6750, "Slowloris"). So:

* `DeadlineProtocol` is uvicorn's h11 protocol with two deadlines: a request's headers
  must be complete `header_timeout` seconds after its first byte (or after the connection
  opened), its body `body_timeout` seconds after the headers; otherwise the client gets
  408 and the connection is closed. It also refuses connections beyond `max_connections`
  with 503 and Retry-After before reading anything.
* `InFlightLimit` answers 503 with Retry-After at once when `max_in_flight` requests are
  already being handled, instead of queueing them for tens of seconds behind a full thread
  pool (the issue measured 15–22 s queues at 1,000 clients).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from precheck.office.settings import BODY_TIMEOUT, HEADER_TIMEOUT, MAX_CONNECTIONS, MAX_IN_FLIGHT

RETRY_AFTER = 2
"""Seconds a refused client is asked to wait (the client's outbox honours Retry-After)."""

UNHURRIED_PATHS = ("/healthz",)
"""Never refused by the in-flight limit: monitoring must see a busy service as alive."""


def _raw_refusal(status: int, reason: str, extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n{extra}\r\n"
    ).encode("ascii")


class DeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol with the deadlines above (`Config(http=DeadlineProtocol)`); the
    values come from `config.precheck_limits` (see `uvicorn_config`), so the class stays
    importable by name in each worker process."""

    def __init__(self, config: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        limits = getattr(config, "precheck_limits", None)
        header, body, connections = limits or (HEADER_TIMEOUT, BODY_TIMEOUT, MAX_CONNECTIONS)
        self.header_timeout: float = header
        self.body_timeout: float = body
        self.max_connections: int = connections
        self._deadline: asyncio.TimerHandle | None = None
        self._waiting_for = ""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self.connections.discard(self)
            transport.write(
                _raw_refusal(503, "Service Unavailable", f"Retry-After: {RETRY_AFTER}\r\n")
            )
            transport.close()
            return
        self._arm("headers", self.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and self.conn.their_state is h11.IDLE:
            self._arm("headers", self.header_timeout)  # a new request on a kept-alive connection
        super().data_received(data)
        state = self.conn.their_state
        if state is h11.SEND_BODY and self._waiting_for != "body":
            self._arm("body", self.body_timeout)
        elif state is not h11.IDLE and state is not h11.SEND_BODY:
            self._disarm()

    def _arm(self, what: str, seconds: float) -> None:
        self._disarm()
        self._waiting_for = what
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None
        self._waiting_for = ""

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        started = cycle is not None and cycle.response_started
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True  # the app's receive() now says http.disconnect
            cycle.message_event.set()
        if not started:
            self.transport.write(_raw_refusal(408, "Request Timeout"))
        self.transport.close()


class InFlightLimit:
    """ASGI middleware: at most `limit` requests at once, the rest answered 503 at once."""

    def __init__(self, app: ASGIApp, limit: int = MAX_IN_FLIGHT) -> None:
        self.app = app
        self.limit = limit
        self.active = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in UNHURRIED_PATHS:
            await self.app(scope, receive, send)
            return
        if self.active >= self.limit:
            await _busy(send)
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1


HSTS = "max-age=63072000"
"""Two years, Mozilla's "intermediate" guideline: browsers that once reached the dashboard over
HTTPS never try plain HTTP for it again."""


class StrictTransport:
    """ASGI middleware: every answer that went out over HTTPS carries HSTS (over plain HTTP
    the header means nothing and browsers ignore it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("scheme") != "https":
            await self.app(scope, receive, send)
            return

        async def with_hsts(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"strict-transport-security", HSTS.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_hsts)


async def _busy(send: Send) -> None:
    from precheck.office.errors import error_body

    body = error_body("busy", seconds=RETRY_AFTER)
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(RETRY_AFTER).encode()),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def uvicorn_config(app: Any, settings: Any, **options: Any) -> Any:
    """A uvicorn.Config for `app` (an app or "module:factory") with these defences for
    `settings`; `options` are further uvicorn.Config options."""
    import uvicorn

    config = uvicorn.Config(
        app,
        http=DeadlineProtocol,
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=16 * 1024,
        **options,
    )
    config.precheck_limits = (  # type: ignore[attr-defined]
        settings.header_timeout,
        settings.body_timeout,
        settings.max_connections,
    )
    return config
