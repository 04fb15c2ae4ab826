"""How long the counselors' dashboard takes to answer, printed as figures (not a test).

    .venv/bin/python bench/dashboard_bench.py [--bookings 20 100 510] [--runs 10] [--no-cache]

For each size, a fresh SQLite office gets that many bookings through the real intake API
(each with a report signed by a real device key), then a signed-in client times the day view,
one booking page (verification plus the report's HTML) and the day's CSV over real HTTP on
loopback. Median and max per page, plus the first day view alone: it verifies every report
and fills the verification cache, which later views reuse. `--no-cache` ignores the cache
(every view verifies every report, as before the cache existed) for a before/after figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-cache", action="store_true")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if options.no_cache:
        from precheck.office.dashboard.site import Site

        Site.cached_summaries = lambda self, bookings, found: {}  # type: ignore[method-assign]
    for count in options.bookings:
        with tempfile.TemporaryDirectory() as scratch:
            for name in ("DATA", "REPORTS", "OFFICE"):
                os.environ[f"PRECHECK_{name}_DIR"] = str(Path(scratch) / name.lower())
            measure(count, options.runs, Path(scratch))


def measure(count: int, runs: int, scratch: Path) -> None:
    import requests

    from precheck.office.app import create_app
    from precheck.office.dashboard.accounts import add_user
    from precheck.office.settings import make_settings
    from tests import intake_data
    from tests.dashboard_kit import PASSWORD, login
    from tests.liveserver import serve

    settings = make_settings(
        data_dir=scratch / "office", rate_per_second=10_000.0, rate_burst=10_000
    )
    app = create_app(settings)
    add_user(app.state.office.database, "bench", PASSWORD)
    with serve(app) as base:
        started = time.perf_counter()
        for n in range(count):
            payload = intake_data.payload(number=f"{10000 + n}-1")
            answer = requests.post(f"{base}/api/v1/bookings", json=payload, timeout=60)
            assert answer.status_code == 201, answer.text
        posting = time.perf_counter() - started
        session = requests.Session()
        session.trust_env = False
        assert login(session, base, "bench", PASSWORD).status_code == 303
        begin = time.perf_counter()
        day = session.get(f"{base}/", timeout=60)
        first_view = (time.perf_counter() - begin) * 1000
        first_day = day.text.split("/export.csv?day=", 2)[-1][:10]
        pages = {
            "day view": "/",
            "booking page": "/bookings/1",
            "CSV of the day": f"/export.csv?day={first_day}",
        }
        print(f"{count} bookings (posting them took {posting:.1f} s):")
        print(f"  first day view  {first_view:7.1f} ms   ({len(day.content) // 1024} KB)")
        for label, path in pages.items():
            times = []
            for _ in range(runs):
                begin = time.perf_counter()
                answer = session.get(f"{base}{path}", timeout=60)
                times.append(time.perf_counter() - begin)
                assert answer.status_code == 200, (path, answer.status_code)
            median, worst = statistics.median(times) * 1000, max(times) * 1000
            print(f"  {label:15} median {median:7.1f} ms   max {worst:7.1f} ms   ({runs} runs)")


if __name__ == "__main__":
    main()
