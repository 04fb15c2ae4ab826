"""Start-up and full-run timings of precheck, printed as figures (not a pass/fail test).

    .venv/bin/python bench/run_bench.py [--runs N]

- start-up: wall time of `precheck --version` (median and max of N runs), target < 150 ms;
- full run: wall time of `precheck run --json` against its slowest single probe (the largest
  duration_ms in the results); target: run <= slowest probe + 0.3 s;
- peak memory (max RSS) of the full run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PRECHECK = [sys.executable, "-m", "precheck"]


def timed(args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, check=False).stdout
    return time.perf_counter() - started, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    n = parser.parse_args().runs
    # A full run signs and writes a report: keep the benchmark's keys and reports out of the
    # user's own folders (the cost of making them is still measured).
    scratch = tempfile.mkdtemp(prefix="precheck-bench-")
    os.environ["PRECHECK_DATA_DIR"] = os.path.join(scratch, "data")
    os.environ["PRECHECK_REPORTS_DIR"] = os.path.join(scratch, "reports")
    try:
        measure(n)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(n: int) -> None:

    startup = [timed([*PRECHECK, "--version"])[0] for _ in range(n)]
    print(
        f"start-up (precheck --version): median {statistics.median(startup) * 1000:.0f} ms, "
        f"max {max(startup) * 1000:.0f} ms over {n} runs (target < 150 ms)"
    )

    overheads = []
    probe_ms: dict[str, list[int]] = {}
    for _ in range(max(3, n // 3)):
        wall, out = timed([*PRECHECK, "run", "--json"])
        doc = json.loads(out)
        for r in doc["results"]:
            probe_ms.setdefault(r["id"], []).append(r["duration_ms"])
        slowest = max(r["duration_ms"] for r in doc["results"]) / 1000
        name = max(doc["results"], key=lambda r: r["duration_ms"])["id"]
        overheads.append(wall - slowest)
        print(
            f"full run: {wall:.2f} s wall, slowest probe {name} {slowest:.2f} s, "
            f"overhead {wall - slowest:.2f} s (target <= 0.30 s)"
        )
    print(f"full run overhead: median {statistics.median(overheads):.2f} s")
    for check in ("os-support", "browser"):
        if check in probe_ms:
            times = probe_ms[check]
            print(
                f"probe {check}: median {statistics.median(times):.0f} ms, "
                f"max {max(times)} ms over {len(times)} full runs"
            )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of one run (max RSS of children): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
