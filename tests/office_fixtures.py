"""The running office service as a test sees it (the `service` fixture in conftest.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.tlsca import LocalCA


@dataclass
class Service:
    """The running service, and what a test needs to talk to it and look inside."""

    url: str
    ca: LocalCA
    app: Any

    @property
    def context(self) -> Any:
        return self.app.state.office

    @property
    def bookings_url(self) -> str:
        return f"{self.url}/api/v1/bookings"

    def post(self, payload: Any = None, *, data: Any = None, **options: Any) -> Any:
        import requests

        headers = {"Content-Type": "application/json", **options.pop("headers", {})}
        body = data if data is not None else json.dumps(payload, ensure_ascii=False).encode()
        return requests.post(
            self.bookings_url,
            data=body,
            headers=headers,
            verify=str(self.ca.ca_cert),
            timeout=30,
            **options,
        )

    def rows(self) -> list[Any]:
        from sqlalchemy import select

        from precheck.office.models import Booking

        with self.context.database.read() as session:
            return list(session.scalars(select(Booking).order_by(Booking.id)))
