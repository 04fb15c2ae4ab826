"""The headers every page of the office service sends (dashboard and phone self-check alike)."""

from __future__ import annotations

from starlette.responses import Response


def secure_headers(response: Response, csp: str) -> Response:
    """No framing, no sniffing, no referrer, no caching, and the page's own CSP."""
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response
