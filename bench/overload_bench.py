"""How fast a full office service says "busy", printed as figures (not a test).

    .venv/bin/python bench/overload_bench.py [--in-flight 8] [--requests 200]

Starts the real `precheck office serve --max-in-flight N` (SQLite, loopback), fills it with N
bookings whose bodies never finish (headers sent, body stalled: each is a request the service is
handling), then times `--requests` further bookings, one at a time on fresh connections: each
must be answered 503 with Retry-After. Prints p50/p95/p99/max of those answers and how long the
stalled ones were held before the body deadline cut them.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--body-timeout", type=float, default=30.0)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.serviceprocess import ServiceProcess

    with tempfile.TemporaryDirectory() as scratch:
        env = {f"PRECHECK_{n}_DIR": str(Path(scratch) / n.lower()) for n in ("DATA", "OFFICE")}
        service = ServiceProcess(
            "--port",
            "0",
            "--max-in-flight",
            str(options.in_flight),
            "--body-timeout",
            str(options.body_timeout),
            env={**os.environ, **env},
        ).start()
        try:
            assert service.url is not None
            port = int(service.url.rsplit(":", 1)[1])
            measure(port, options.in_flight, options.requests)
        finally:
            service.stop()


def measure(port: int, in_flight: int, count: int) -> None:
    head = (
        b"POST /api/v1/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
    )
    holders = []
    for _ in range(in_flight):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(head)
        holders.append(sock)
    held_from = time.perf_counter()
    times: list[float] = []
    statuses: dict[int, int] = {}
    while len(times) < count:
        begin = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/api/v1/bookings", body=b"{}")
        response = connection.getresponse()
        response.read()
        connection.close()
        elapsed = time.perf_counter() - begin
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if response.status == 503:
            assert response.getheader("Retry-After")
            times.append(elapsed * 1000)
        elif len(times) == 0 and time.perf_counter() - held_from > 10:
            raise SystemExit(f"never refused: {statuses}")
    for sock in holders:
        sock.settimeout(120)
        sock.recv(100)  # the body deadline answers 408 and closes
    held = time.perf_counter() - held_from
    for sock in holders:
        sock.close()
    ordered = sorted(times)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    print(f"--max-in-flight {in_flight} filled; {count} more bookings answered 503 + Retry-After:")
    print(
        f"  p50 {statistics.median(ordered):6.1f} ms   p95 {pct(95):6.1f} ms   "
        f"p99 {pct(99):6.1f} ms   max {ordered[-1]:6.1f} ms   (statuses seen: {statuses})"
    )
    print(f"  the stalled bookings were cut by the body deadline after {held:.1f} s")


if __name__ == "__main__":
    main()
