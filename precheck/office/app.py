"""The office service as one Starlette application: intake API, health, and the dashboard.

`create_app(settings)` opens (and migrates) the database and returns the ASGI app that
`precheck office serve` hands to uvicorn and tests drive directly.

The counselors' dashboard plugs in without this module knowing it: when the package
`precheck.office.dashboard` exists, its `routes(context) -> list[BaseRoute]` are mounted, and
its optional `middleware(context) -> list[Middleware]` wrap the app (inside the guard that
turns any exception into a 500 JSON answer). Handlers reach shared things through
`request.app.state.office`, an `OfficeContext`.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from precheck.office.db import Database, open_database
from precheck.office.errors import (
    ApiError,
    GuardMiddleware,
    api_error_handler,
    http_error_handler,
)
from precheck.office.ratelimit import RateLimiter
from precheck.office.settings import Settings

DASHBOARD_MODULE = "precheck.office.dashboard"
BROWSER_CHECK_KEY = "browser-check-key"
"""Folder (in the office data folder, 0700) of the key that signs browser self-check records."""


@dataclass
class OfficeContext:
    """What every handler shares: settings, the database, the intake rate limiter."""

    settings: Settings
    database: Database
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    """When a booking counts as received (the Article 6 deadlines), and the dashboard's "now"
    (sessions, sign-in waits); tests move it."""
    monotonic: Callable[[], float] = time.monotonic
    """The rate limiters' clock (seconds); tests freeze or step it instead of racing it."""

    browser_check_key: Any = None
    """The office's own key (report.keys.DeviceKey) that signs phones' browser self-check
    records; only records signed with it are accepted with a booking or shown as genuine."""

    limiter: RateLimiter = field(init=False)
    """Intake requests per client address (in this process's memory; docs/deploy.md)."""

    def __post_init__(self) -> None:
        rate, burst = self.settings.rate_per_second, self.settings.rate_burst
        self.limiter = RateLimiter(rate, burst, clock=self.limiter_clock)

    def limiter_clock(self) -> float:
        return self.monotonic()

    @property
    def office_key(self) -> str | None:
        return None if self.browser_check_key is None else str(self.browser_check_key.fingerprint)


def context_of(request: Request) -> OfficeContext:
    context = request.app.state.office
    assert isinstance(context, OfficeContext)
    return context


async def healthz(request: Request) -> Response:
    """Liveness and database reachability, for monitoring and the client's pre-flight."""
    from starlette.concurrency import run_in_threadpool

    context = context_of(request)
    ok = await run_in_threadpool(context.database.ping)
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", "database": context.database.dialect},
        status_code=200 if ok else 503,
        headers={"Cache-Control": "no-store"},
    )


def _dashboard() -> ModuleType | None:
    try:
        return importlib.import_module(DASHBOARD_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name == DASHBOARD_MODULE:
            return None
        raise


def create_app(settings: Settings, *, database: Database | None = None) -> Starlette:
    """The service for `settings`; `database` lets a caller share an already-open one."""
    from precheck.office import api

    database = database or open_database(settings.database_url)
    from precheck.report.keys import load_device_key

    context = OfficeContext(
        settings=settings,
        database=database,
        browser_check_key=load_device_key(Path(settings.data_dir) / BROWSER_CHECK_KEY),
    )
    from precheck.office import selfcheck
    from precheck.office.server import InFlightLimit, StrictTransport

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"]), *api.routes()]
    routes.extend(selfcheck.routes(context))
    middleware: list[Middleware] = [
        Middleware(InFlightLimit, limit=settings.max_in_flight),
        Middleware(StrictTransport),
        Middleware(GuardMiddleware),
    ]
    dashboard = _dashboard()
    if dashboard is not None:
        routes.extend(dashboard.routes(context))
        extra: Callable[[OfficeContext], list[Middleware]] | None = getattr(
            dashboard, "middleware", None
        )
        if extra is not None:
            middleware.extend(extra(context))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            database.dispose()

    handlers: dict[Any, Any] = {ApiError: api_error_handler, HTTPException: http_error_handler}
    app = Starlette(
        routes=routes, middleware=middleware, exception_handlers=handlers, lifespan=lifespan
    )
    app.state.office = context
    return app
