"""Parse times of os-support's parsers on hostile 1 MiB inputs, and the os-support/browser probes'
time on this machine, printed as figures (not a pass/fail test).

    .venv/bin/python bench/parse_bench.py [--runs N]

The tests only assert a generous bound (5 s) so they pass under load; these are the real numbers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_parse_bounded import HOSTILE, PARSERS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    worst = 0.0
    for name, (parse, _) in sorted(PARSERS.items()):
        times = []
        for shape in HOSTILE.values():
            text = shape(1 << 20)
            for _ in range(runs):
                started = time.perf_counter()
                parse(text)
                times.append(time.perf_counter() - started)
        worst = max(worst, max(times))
        print(
            f"{name:16} 1 MiB inputs ({len(HOSTILE)} shapes x {runs}): "
            f"median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
        )
    print(f"slowest parse of any 1 MiB input: {worst * 1000:.1f} ms")
    probes(runs)


def probes(runs: int) -> None:
    """Wall time of `run_checks --only os-support/browser` on this machine (live host)."""
    from precheck.catalogue import load_catalogue
    from precheck.host import LiveHost
    from precheck.runner import run_checks

    catalogue = load_catalogue()
    for check in ("os-support", "browser"):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            result = run_checks(LiveHost(), catalogue, only=[check]).results[0]
            times.append(time.perf_counter() - started)
        print(
            f"probe {check:10} on this machine: median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms over {runs} runs ({result.status.value} {result.code})"
        )


if __name__ == "__main__":
    main()
