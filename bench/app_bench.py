"""The job seeker's executable in figures: size, launch to first window, peak memory of a run.

    .venv/bin/python bench/app_bench.py --onefile dist/precheck --onedir dist-dir/precheck/precheck
        [--runs N]

Either executable may be left out; the installed package (`python -m precheck`) is measured too,
for comparison. Figures (median and max of N runs each):

- size: the one-file executable; the one-folder build's folder;
- first window: from starting `precheck` with no arguments (a double-click) until (a) the
  address is handed to the browser (BROWSER names a script that notes the time; the server is
  listening by then) and (b) the page itself is served (the bench fetches it as the browser
  would: the one-time token, then the HTML). The browser's own start is not counted: it is the
  user's program and differs per machine. Aims: < 1 s from onedir, < 3 s from onefile;
- `--version`: launch to exit;
- peak memory: the largest resident set of `precheck run --json` (the process and the children
  it waited for, from wait4). The camera check is in the run when the catalogue's camera probe is
  registered; it is reported as the run says (SKIPPED in builds without it).

Keys and reports go to a scratch folder, never the user's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def first_window(command: list[str], scratch: Path) -> tuple[float, float]:
    """Seconds from launch to (the address handed to the browser, the page served)."""
    handed = scratch / "handed.txt"
    handed.unlink(missing_ok=True)
    script = scratch / "browser.sh"
    part = f"{handed}.part"
    script.write_text(f'#!/bin/sh\necho "$(date +%s.%N) $1" > {part} && mv {part} {handed}\n')
    script.chmod(0o755)
    env = {**os.environ, "BROWSER": str(script)}
    started = time.time()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while not handed.exists():
            if process.poll() is not None:
                raise SystemExit(f"{command[0]} stopped before opening a window")
            time.sleep(0.005)
        stamp, url = handed.read_text().split()
        # the browser's first two requests: the token (answered with a cookie), then the page
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(url, timeout=30) as response:
            response.read()
        served = time.time()
        return float(stamp) - started, served - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def version_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([*command, "--version"], capture_output=True, check=True)
    return time.perf_counter() - started


def full_run(command: list[str]) -> tuple[float, int, str]:
    """(seconds, peak RSS in MiB, camera status) of `run --json`."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "run", "--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None
    out = process.stdout.read()
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    seconds = time.perf_counter() - started
    camera = next(
        (r["status"] for r in json.loads(out)["results"] if r["id"] == "camera"), "absent"
    )
    return seconds, usage.ru_maxrss // 1024, camera


def figures(name: str, command: list[str], runs: int, scratch: Path) -> None:
    windows = [first_window(command, scratch) for _ in range(runs)]
    handed = [w[0] for w in windows]
    served = [w[1] for w in windows]
    versions = [version_time(command) for _ in range(runs)]
    run_seconds, peak, camera = full_run(command)
    print(f"{name}:")
    print(
        f"  first window: address handed {statistics.median(handed):.2f} s median "
        f"(max {max(handed):.2f} s); page served {statistics.median(served):.2f} s median "
        f"(max {max(served):.2f} s)"
    )
    print(f"  --version: {statistics.median(versions):.2f} s median (max {max(versions):.2f} s)")
    print(f"  full run: {run_seconds:.1f} s, peak memory {peak} MiB (camera check: {camera})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--onefile", type=Path)
    parser.add_argument("--onedir", type=Path, help="the executable inside the onedir folder")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="precheck-app-bench-"))
    os.environ["PRECHECK_DATA_DIR"] = str(scratch / "data")
    os.environ["PRECHECK_REPORTS_DIR"] = str(scratch / "reports")
    os.environ.pop("DISPLAY", None)
    try:
        print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
        if args.onefile:
            print(f"onefile size: {args.onefile.stat().st_size / 2**20:.1f} MiB")
            figures("onefile", [str(args.onefile)], args.runs, scratch)
        if args.onedir:
            size = folder_size(args.onedir.parent)
            print(f"onedir size: {size / 2**20:.1f} MiB (folder)")
            figures("onedir", [str(args.onedir)], args.runs, scratch)
        figures("installed package", [sys.executable, "-m", "precheck"], args.runs, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
