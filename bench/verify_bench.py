"""Reports verified per second, and reports made per second, printed as figures.

    .venv/bin/python bench/verify_bench.py [--seconds N]

Makes a real signed report from a live run of every check on this machine, then verifies its
bytes over and over (parse, Ed25519 over JCS, schema, consistency, freshness) for N seconds
(default 3), and likewise times make_report. Not a pass/fail test: it prints the numbers.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rate(action: object, seconds: float) -> tuple[int, float]:
    assert callable(action)
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        action()
        done += 1
    return done, done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    seconds = parser.parse_args().seconds
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["PRECHECK_DATA_DIR"] = scratch
        from precheck.catalogue import load_catalogue
        from precheck.host import LiveHost
        from precheck.profile import load_profile
        from precheck.report.make import make_report
        from precheck.report.store import report_bytes
        from precheck.report.verify import verify_report
        from precheck.runner import run_checks

        catalogue, profile = load_catalogue(), load_profile()
        run = run_checks(LiveHost(), catalogue, profile=profile)
        report = make_report(run, catalogue, profile, job_seeker_number="12345-678")
        data = report_bytes(report)
        assert verify_report(data, job_seeker_number="12345-678").valid
        n, per_second = rate(lambda: verify_report(data, job_seeker_number="12345-678"), seconds)
        print(f"report size: {len(data)} bytes, {len(report['results'])} results")
        print(f"verify_report: {per_second:.0f} reports/s ({n} in {seconds:g} s)")
        tampered = data.replace(b'"overall": "', b'"overall": "x', 1)
        n, per_second = rate(lambda: verify_report(tampered), seconds)
        print(f"verify_report (tampered, rejected): {per_second:.0f} reports/s")
        n, per_second = rate(lambda: make_report(run, catalogue, profile), seconds)
        print(f"make_report: {per_second:.0f} reports/s")


if __name__ == "__main__":
    main()
