"""How one office service runs: where its database is, which office profile rules it, limits.

The defaults are the one-command start an office gets from `precheck office serve`: SQLite in
the office data directory, loopback only, limits sized for human-paced bookings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BODY_BYTES = 2 * 1024 * 1024
"""Largest accepted request body. A booking with its signed report is tens of KB; 2 MiB leaves
room for a large report and still stops a client from filling memory or disk."""

RATE_PER_SECOND = 2.0
"""Sustained requests per second one client address may send to the intake API."""

RATE_BURST = 20
"""Requests one client address may send at once before the sustained rate applies: an outbox
flushing a few queued bookings after a network outage must not be refused."""

HEADER_TIMEOUT = 10.0
"""Seconds a request's line and headers may take (nginx's hardening guides use 10 s)."""

BODY_TIMEOUT = 60.0
"""Seconds a request's whole body may take after its headers: a 2 MiB booking at 64 KB/s."""

MAX_CONNECTIONS = 512
"""Open connections one process serves; more get 503 at once. Below the usual 1,024 file
descriptors a process may hold, so the database and log files always have room."""

MAX_IN_FLIGHT = 32
"""Requests one process handles at once; more get 503 with Retry-After instead of a long queue.
About the database pool's size (16 SQLite, 20 PostgreSQL connections per process): beyond it
requests would only wait for a connection (bench/intake_bench.py at 128 clients)."""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DATABASE_FILE = "office.sqlite3"


class SettingsError(ValueError):
    """A setting is unusable (bad database URL, unreadable profile); the message says which."""


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to know; built once by the CLI (or a test) and passed in."""

    database_url: str
    data_dir: Path
    profile: dict[str, Any] = field(default_factory=dict)
    max_body_bytes: int = MAX_BODY_BYTES
    rate_per_second: float = RATE_PER_SECOND
    rate_burst: int = RATE_BURST
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    max_connections: int = MAX_CONNECTIONS
    max_in_flight: int = MAX_IN_FLIGHT
    """Slow-client deadlines and load limits: precheck/office/server.py says why these values."""

    @property
    def retention_days(self) -> int:
        """Days after the session that personal fields are kept (profile `retention`)."""
        value = self.profile.get("retention", {}).get("days_after_session", 30)
        return value if isinstance(value, int) and not isinstance(value, bool) else 30

    @property
    def session_minutes(self) -> int:
        value = self.profile.get("booking", {}).get("session_minutes", 30)
        return value if isinstance(value, int) and not isinstance(value, bool) else 30


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / DATABASE_FILE).resolve()}"


def normalise_database_url(url: str) -> str:
    """Accept the URL forms people copy from PostgreSQL docs; drive them with psycopg 3.

    `postgresql://` and `postgres://` mean psycopg 3 here (SQLAlchemy would otherwise pick
    psycopg2, which the extra does not install). SQLite URLs pass unchanged.
    """
    url = url.strip()
    for prefix in ("postgresql+psycopg://", "sqlite://"):
        if url.startswith(prefix):
            return url
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise SettingsError(
        f"unsupported database URL scheme in {url.split('://', 1)[0]!r}: "
        "use postgresql://… or sqlite:///…"
    )


def make_settings(
    *,
    data_dir: Path | None = None,
    database_url: str | None = None,
    profile_path: Path | None = None,
    rate_per_second: float = RATE_PER_SECOND,
    rate_burst: int = RATE_BURST,
    max_body_bytes: int = MAX_BODY_BYTES,
    **limits: Any,
) -> Settings:
    """Settings from command-line values, defaults filled in (PRECHECK_DATABASE_URL too)."""
    from precheck.paths import office_dir
    from precheck.profile import ProfileError, load_profile

    folder = Path(data_dir) if data_dir else office_dir()
    url = database_url or os.environ.get("PRECHECK_DATABASE_URL") or sqlite_url(folder)
    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        raise SettingsError(str(exc)) from None
    if rate_per_second <= 0 or rate_burst < 1:
        raise SettingsError("the rate limit must be a positive rate and a burst of at least 1")
    limits = {k: v for k, v in limits.items() if v is not None}
    if any(not isinstance(v, int | float) or v <= 0 for v in limits.values()):
        raise SettingsError("timeouts and connection limits must be positive numbers")
    return Settings(
        database_url=normalise_database_url(url),
        data_dir=folder,
        profile=profile,
        max_body_bytes=max_body_bytes,
        rate_per_second=rate_per_second,
        rate_burst=rate_burst,
        **limits,
    )
