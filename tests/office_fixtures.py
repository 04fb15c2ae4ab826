"""Fixtures for the office service's tests: a test CA and the real service under uvicorn.

Import the fixtures into a test module (`from tests.office_fixtures import ...`); each test
gets its own database (SQLite, and a fresh PostgreSQL database: `office_database_url`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.liveserver import serve
from tests.tlsca import CertAuthority, make_ca


@dataclass
class Service:
    """The running service, and what a test needs to talk to it and look inside."""

    url: str
    ca: CertAuthority
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
            verify=str(self.ca.ca_file),
            timeout=30,
            **options,
        )

    def rows(self) -> list[Any]:
        from sqlalchemy import select

        from precheck.office.models import Booking

        with self.context.database.read() as session:
            return list(session.scalars(select(Booking).order_by(Booking.id)))


@pytest.fixture
def ca(tmp_path: Path) -> CertAuthority:
    return make_ca(tmp_path / "tls")


def make_service_settings(database_url: str, folder: Path, **overrides: Any) -> Any:
    from precheck.office.settings import make_settings

    return make_settings(data_dir=folder, database_url=database_url, **overrides)


@pytest.fixture
def service(office_database_url: str, tmp_path: Path, ca: CertAuthority) -> Iterator[Service]:
    from precheck.office.app import create_app

    settings = make_service_settings(
        office_database_url, tmp_path / "office", rate_per_second=1000.0, rate_burst=1000
    )
    app = create_app(settings)
    with serve(app, tls=ca) as url:
        yield Service(url, ca, app)
