"""The outbox: booking submissions wait here until the office's intake service has them.

A submission is written (0600, atomically) to `<data dir>/outbox/<idempotency key>.json` before
the first attempt to send it, and removed only once the office answered 2xx (a repeat of a
booking it already has gets its first answer again). So a crash, a closed laptop or a dead
network loses nothing, and because every attempt carries the same `Idempotency-Key`, nothing is
booked twice. 409 means the office holds a *different* booking under this key: kept and shown.

Sending: HTTPS only with certificate verification (requests' default; REQUESTS_CA_BUNDLE names
another trust store), redirects not followed, bounded retries with exponential back-off and
jitter for what may pass by itself (timeouts, connection failures, 408, 429, 5xx). Other 4xx
answers mean the booking itself must be fixed: kept, marked, the server's message shown, not
retried automatically.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from precheck import __version__, paths
from precheck.fsutil import write_atomic
from precheck.messages import ui_text
from precheck.model import Text

ATTEMPTS = 4
"""Tries per send run; `precheck outbox --send` starts a new run."""
BACKOFF_SECONDS = 1.0
"""First pause between tries; doubled each time, plus up to 50% jitter."""
MAX_PAUSE_SECONDS = 60.0
"""Cap on any pause, including a server's Retry-After."""
TIMEOUT = (5.0, 20.0)
"""(connect, read) seconds for one try."""

_KEY = re.compile(r"^[0-9a-f-]{36}$")


class Outcome(StrEnum):
    SENT = "sent"
    """The office has the booking (2xx)."""
    RETRY_LATER = "retry-later"
    """Offline, timed out, or the server failed: kept, `precheck outbox --send` tries again."""
    REJECTED = "rejected"
    """The office refused the booking (4xx): kept, the user must fix it and book again."""
    UNTRUSTED = "untrusted"
    """The TLS certificate could not be verified: kept, never sent without verification."""


@dataclass
class Entry:
    """One waiting submission as stored in the outbox."""

    path: Path
    key: str
    url: str
    payload: dict[str, Any]
    created_at: str
    attempts: int = 0
    state: str = Outcome.RETRY_LATER.value
    last_error: dict[str, str] | None = None
    last_attempt_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": "precheck-outbox/1",
            "key": self.key,
            "url": self.url,
            "created_at": self.created_at,
            "attempts": self.attempts,
            "state": self.state,
            "last_error": self.last_error,
            "last_attempt_at": self.last_attempt_at,
            "payload": self.payload,
        }


@dataclass
class Result:
    outcome: Outcome
    message: Text
    status: int | None = None
    attempts: int = 0
    server_errors: list[dict[str, Any]] = field(default_factory=list)


class OutboxError(Exception):
    """An outbox file is unreadable; it is left in place (never deleted) and named."""


def outbox_dir() -> Path:
    return paths.user_data_dir() / "outbox"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write(entry: Entry) -> None:
    data = json.dumps(entry.as_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    write_atomic(entry.path, data, private=True)


def enqueue(payload: dict[str, Any], url: str) -> Entry:
    """Store a submission before it is sent; an existing entry for the key is kept as it is."""
    key = str(payload["idempotency_key"])
    if not _KEY.match(key):
        raise ValueError("idempotency_key must be a UUID")
    path = outbox_dir() / f"{key}.json"
    if path.exists():
        return load(path)
    entry = Entry(path=path, key=key, url=url, payload=payload, created_at=_now())
    _write(entry)
    return entry


def load(path: Path) -> Entry:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OutboxError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != "precheck-outbox/1":
        raise OutboxError(f"{path}: not a precheck outbox entry")
    try:
        return Entry(
            path=path,
            key=str(data["key"]),
            url=str(data["url"]),
            payload=dict(data["payload"]),
            created_at=str(data["created_at"]),
            attempts=int(data.get("attempts", 0)),
            state=str(data.get("state", Outcome.RETRY_LATER.value)),
            last_error=data.get("last_error"),
            last_attempt_at=data.get("last_attempt_at"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise OutboxError(f"{path}: missing or wrong field ({exc})") from None


def entries() -> tuple[list[Entry], list[OutboxError]]:
    """Every waiting submission, oldest first, and the files that could not be read."""
    found: list[Entry] = []
    broken: list[OutboxError] = []
    directory = outbox_dir()
    if not directory.is_dir():
        return found, broken
    for path in sorted(directory.glob("*.json")):
        try:
            found.append(load(path))
        except OutboxError as exc:
            broken.append(exc)
    found.sort(key=lambda e: e.created_at)
    return found, broken


def _server_message(response: Any) -> tuple[Text, list[dict[str, Any]]]:
    """The office's own words from an error answer (JSON `message`/`detail`, else the text)."""
    errors: list[dict[str, Any]] = []
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        raw_errors = body.get("errors")
        if isinstance(raw_errors, list):
            errors = [e for e in raw_errors if isinstance(e, dict)]
        message = body.get("message", body.get("detail"))
        if isinstance(message, dict) and isinstance(message.get("ja"), str):
            return Text(ja=message["ja"], en=str(message.get("en", message["ja"]))), errors
        if isinstance(message, str) and message:
            return Text(ja=message, en=message), errors
    text = (response.text or "").strip()[:500] or str(response.reason or response.status_code)
    return Text(ja=text, en=text), errors


def _retry_after(response: Any) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _pause(attempt: int, backoff: float, hint: float | None) -> float:
    base = backoff * float(1 << attempt)
    pause = base + random.uniform(0, base / 2)
    if hint is not None:
        pause = max(pause, hint)
    return min(pause, MAX_PAUSE_SECONDS)


def send(
    entry: Entry,
    *,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF_SECONDS,
    timeout: tuple[float, float] = TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
) -> Result:
    """Try to deliver one entry; update or remove its file; never raises for network trouble."""
    import requests

    if not entry.url.startswith("https://"):
        result = Result(Outcome.UNTRUSTED, ui_text("booking.outbox.not-https", url=entry.url))
        _record(entry, result)
        return result
    body = json.dumps(entry.payload, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": entry.key,
        "User-Agent": f"precheck/{__version__}",
        "Accept": "application/json",
    }
    result = Result(Outcome.RETRY_LATER, ui_text("booking.outbox.not-tried"))
    with requests.Session() as session:
        for attempt in range(attempts):
            hint: float | None = None
            entry.attempts += 1
            result.attempts += 1
            try:
                response = session.post(
                    entry.url, data=body, headers=headers, timeout=timeout, allow_redirects=False
                )
            except requests.exceptions.SSLError as exc:
                result = Result(
                    Outcome.UNTRUSTED,
                    ui_text("booking.outbox.tls", detail=_short(exc)),
                    attempts=result.attempts,
                )
                break
            except requests.exceptions.Timeout:
                result = Result(
                    Outcome.RETRY_LATER,
                    ui_text("booking.outbox.timeout", seconds=timeout[1]),
                    attempts=result.attempts,
                )
            except requests.exceptions.RequestException as exc:
                result = Result(
                    Outcome.RETRY_LATER,
                    ui_text("booking.outbox.offline", detail=_short(exc)),
                    attempts=result.attempts,
                )
            else:
                status = response.status_code
                if 200 <= status < 300:
                    result = Result(
                        Outcome.SENT, ui_text("booking.outbox.sent"), status, result.attempts
                    )
                    break
                message, server_errors = _server_message(response)
                if status in (408, 429) or status >= 500:
                    hint = _retry_after(response)
                    result = Result(
                        Outcome.RETRY_LATER,
                        ui_text("booking.outbox.server", status=status, message=message),
                        status,
                        result.attempts,
                        server_errors,
                    )
                else:
                    result = Result(
                        Outcome.REJECTED,
                        ui_text("booking.outbox.rejected", status=status, message=message),
                        status,
                        result.attempts,
                        server_errors,
                    )
                    break
            if attempt + 1 < attempts:
                sleep(_pause(attempt, backoff, hint))
    _record(entry, result)
    return result


def _short(exc: Exception) -> str:
    """A one-line reason without the URL's query or a traceback (logs never hold bookings)."""
    text = str(exc.__class__.__name__)
    reason = getattr(exc, "args", ())
    if reason:
        text += f": {str(reason[0])[:200]}"
    return text


def _record(entry: Entry, result: Result) -> None:
    if result.outcome is Outcome.SENT:
        with contextlib.suppress(FileNotFoundError):
            entry.path.unlink()
        return
    entry.state = result.outcome.value
    entry.last_error = result.message.as_dict()
    entry.last_attempt_at = _now()
    _write(entry)


def deliver(payload: dict[str, Any], url: str, **options: Any) -> tuple[Entry, Result]:
    """Store, then send: the submission is safe on disk before the network is touched."""
    entry = enqueue(payload, url)
    return entry, send(entry, **options)


def send_all(**options: Any) -> list[tuple[Entry, Result]]:
    """Resend every waiting entry except those the office refused (they need a new booking)."""
    found, _ = entries()
    return [
        (entry, send(entry, **options)) for entry in found if entry.state != Outcome.REJECTED.value
    ]


def remove(key: str) -> bool:
    """Drop one entry (a refused booking the user has replaced); False when there is none."""
    if not _KEY.match(key):
        return False
    try:
        (outbox_dir() / f"{key}.json").unlink()
    except FileNotFoundError:
        return False
    return True
