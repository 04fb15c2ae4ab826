"""Throughput and latency of the booking intake service, printed as figures (not a test).

    .venv/bin/python bench/intake_bench.py [--bookings N] [--clients C [C ...]]
        [--workers W] [--databases sqlite,postgresql]

For each database and each client count: starts the real service (`precheck office serve
--workers W`, uvicorn, TLS from a test CA; PostgreSQL in a throwaway cluster with fsync on),
posts N distinct bookings from C concurrent keep-alive clients (plain http.client, not the
project's own client), and prints bookings/s and p50/p95/p99/max latency of the accepted ones
and how many were refused with 503 (the service's in-flight limit); then checks that exactly
the accepted bookings were stored, all verified. Also prints what verifying one report costs.
The per-client rate limit is opened wide for the run (all clients share one address).
Client and server share this machine's cores, so the figures are a floor, not a ceiling.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import intake_data, pgcluster  # noqa: E402
from tests.serviceprocess import ServiceProcess  # noqa: E402
from tests.tlsca import LocalCA, make_ca  # noqa: E402


def _report() -> dict[str, Any]:
    """A real signed report of every check this machine can run now (no number yet)."""
    from precheck.catalogue import load_catalogue
    from precheck.host import LiveHost
    from precheck.profile import load_profile
    from precheck.report.make import make_report
    from precheck.runner import run_checks

    catalogue = load_catalogue()
    profile = load_profile()
    run = run_checks(LiveHost(), catalogue, profile=profile)
    return make_report(run, catalogue, profile, job_seeker_number=intake_data.NUMBER)


def verify_cost(report: dict[str, Any], rounds: int = 300) -> tuple[float, int]:
    from precheck.report.verify import verify_report

    data = json.dumps(report, ensure_ascii=False).encode("utf-8")
    verify_report(data, job_seeker_number=intake_data.NUMBER)  # imports, caches
    started = time.perf_counter()
    for _ in range(rounds):
        result = verify_report(data, job_seeker_number=intake_data.NUMBER)
    assert result.valid, result.reasons
    return (time.perf_counter() - started) / rounds * 1000, len(data)


def _post_all(
    url: str, ca: LocalCA, bodies: list[bytes], clients: int, refused: list[float] | None = None
) -> list[float]:
    """Post every body from `clients` threads, each on its own keep-alive HTTPS connection
    (http.client: a light client, so the service gets the CPU it would have in production)."""
    import http.client
    import ssl
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    context = ssl.create_default_context(cafile=str(ca.ca_cert))
    local = threading.local()
    latencies: list[float] = []
    lock = threading.Lock()

    def post(body: bytes) -> None:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, context=context, timeout=60
            )
        started = time.perf_counter()
        connection.request(
            "POST", parts.path, body=body, headers={"Content-Type": "application/json"}
        )
        answer = connection.getresponse()
        text = answer.read()
        elapsed = time.perf_counter() - started
        if answer.status == 503 and refused is not None:
            with lock:
                refused.append(elapsed)
            return
        if answer.status != 201:
            raise RuntimeError(f"{answer.status}: {text[:300]!r}")
        with lock:
            latencies.append(elapsed)

    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(post, body) for body in bodies]:
            future.result()
    return latencies


@contextlib.contextmanager
def _database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        from precheck.office.settings import sqlite_url

        yield sqlite_url(folder / "office")
        return
    with (
        pgcluster.cluster(durable=True) as server,
        pgcluster.scratch_database(server, "bench") as url,
    ):
        yield url


def _stored(url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from precheck.office.db import open_database
    from precheck.office.models import Booking

    database = open_database(url, migrate=False)
    try:
        with database.read() as session:
            total = session.scalar(select(func.count()).select_from(Booking)) or 0
            valid = (
                session.scalar(
                    select(func.count()).select_from(Booking).where(Booking.verification_valid)
                )
                or 0
            )
    finally:
        database.dispose()
    return int(total), int(valid)


def bench(kind: str, bookings: int, clients: int, report: dict[str, Any], workers: int) -> None:
    with tempfile.TemporaryDirectory(prefix="precheck-bench-") as scratch:
        _bench(Path(scratch), kind, bookings, clients, report, workers)


def _bench(
    folder: Path, kind: str, bookings: int, clients: int, report: dict[str, Any], workers: int
) -> None:
    ca = make_ca(folder / "tls")
    with _database(kind, folder) as url:
        service = ServiceProcess(
            "--port", "0", "--data-dir", str(folder / "office"), "--database", url,
            "--tls-cert", str(ca.server_cert), "--tls-key", str(ca.server_key),
            "--rate", "1000000", "--burst", "1000000", "--workers", str(workers),
        ).start()  # fmt: skip
        try:
            assert service.url is not None
            endpoint = f"{service.url}/api/v1/bookings"
            warm = [intake_data.payload(report=report) for _ in range(clients)]
            warm_refused: list[float] = []
            warmed = len(
                _post_all(
                    endpoint, ca, [json.dumps(p).encode() for p in warm], clients, warm_refused
                )
            )
            payloads = [intake_data.payload(report=report) for _ in range(bookings)]
            bodies = [json.dumps(p, ensure_ascii=False).encode("utf-8") for p in payloads]
            refused: list[float] = []
            started = time.perf_counter()
            latencies = _post_all(endpoint, ca, bodies, clients, refused)
            wall = time.perf_counter() - started
        finally:
            service.stop()
        total, valid = _stored(url)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
    p99 = latencies[int(0.99 * (len(latencies) - 1))] * 1000
    busy = f", 503 in p50 {statistics.median(refused) * 1000:.1f} ms" if refused else ""
    print(
        f"{kind:>10} {clients:4} clients: {len(latencies) / wall:6.0f} bookings/s, "
        f"p50 {p50:6.1f} ms, p95 {p95:6.1f} ms, p99 {p99:6.1f} ms, "
        f"max {latencies[-1] * 1000:6.1f} ms; refused {len(refused)}{busy} "
        f"({bookings} posted, {workers} worker(s), {len(bodies[0]) // 1024} KiB each; "
        f"stored {total - warmed} + {warmed} warm-up, {valid} verified)"
    )
    if total != len(latencies) + warmed or valid != total:
        raise SystemExit("stored bookings do not match what was accepted")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=2000)
    parser.add_argument("--clients", type=int, nargs="+", default=[8])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    keys = tempfile.TemporaryDirectory(prefix="precheck-bench-key-")
    os.environ.setdefault("PRECHECK_DATA_DIR", keys.name)
    os.environ["PRECHECK_LANG"] = "en"
    with keys:
        _measure(args)


def _measure(args: argparse.Namespace) -> None:
    report = _report()
    cost, size = verify_cost(report)
    checks = len(report["results"])
    print(f"verify_report: {cost:.2f} ms per report ({size // 1024} KiB, {checks} checks)")
    print(f"machine: {os.cpu_count()} CPUs; client threads and the service share them")
    for kind in args.databases.split(","):
        if kind == "postgresql" and pgcluster.unavailable_reason():
            print(f"postgresql: skipped ({pgcluster.unavailable_reason()})")
            continue
        for clients in args.clients:
            bench(kind, args.bookings, clients, report, args.workers)


if __name__ == "__main__":
    main()
