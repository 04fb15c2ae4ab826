"""What the office's server itself observes of one page visit: ping arrivals and an upload.

The page's own figures could be made up; these cannot be by the page alone, which is why the
record keeps them apart (`server_observed`). Round trip: the page sends its pings one after the
other, so the gap between the server's answer to ping i and the arrival of ping i+1 is one
network round trip plus the page's own turn-around (an upper bound). Upload: bytes over the time
from the first to the last chunk received.

Memory is bounded: at most MAX_SESSIONS visits (oldest dropped), MAX_PINGS pings each, entries
forgotten after TTL. The clock is injected so tests never wait.
"""

from __future__ import annotations

import secrets
import statistics
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_SESSIONS = 2_000
MAX_PINGS = 64
TTL_SECONDS = 30 * 60


@dataclass
class Visit:
    started: float
    pings: list[tuple[float, float]] = field(default_factory=list)  # (arrived, answered)
    upload: tuple[int, float] | None = None  # (bytes, seconds)


class Sessions:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._visits: OrderedDict[str, Visit] = OrderedDict()
        self._lock = threading.Lock()

    def new(self) -> str:
        sid = secrets.token_urlsafe(16)
        with self._lock:
            self._forget_old()
            self._visits[sid] = Visit(started=self.clock())
            while len(self._visits) > MAX_SESSIONS:
                self._visits.popitem(last=False)
        return sid

    def _forget_old(self) -> None:
        cutoff = self.clock() - TTL_SECONDS
        while self._visits:
            sid, visit = next(iter(self._visits.items()))
            if visit.started >= cutoff:
                break
            del self._visits[sid]

    def get(self, sid: str) -> Visit | None:
        with self._lock:
            return self._visits.get(sid)

    def ping(self, sid: str, arrived: float, answered: float) -> bool:
        with self._lock:
            visit = self._visits.get(sid)
            if visit is None or len(visit.pings) >= MAX_PINGS:
                return False
            visit.pings.append((arrived, answered))
            return True

    def upload(self, sid: str, size: int, seconds: float) -> None:
        with self._lock:
            visit = self._visits.get(sid)
            if visit is not None:
                visit.upload = (size, seconds)

    def observed(self, sid: str) -> dict[str, Any] | None:
        """The server's own network figures for this visit, or None when it saw none."""
        visit = self.get(sid)
        if visit is None:
            return None
        figures: dict[str, Any] = {}
        gaps = [
            (later[0] - earlier[1]) * 1000
            for earlier, later in zip(visit.pings, visit.pings[1:], strict=False)
            if later[0] >= earlier[1]
        ]
        if gaps:
            figures["rtt_ms"] = round(statistics.median(gaps), 1)
            figures["rtt_samples"] = len(gaps)
        if visit.upload is not None and visit.upload[1] > 0:
            size, seconds = visit.upload
            figures["upload_mbps"] = round(size * 8 / seconds / 1e6, 2)
            figures["upload_bytes"] = size
        return figures or None
