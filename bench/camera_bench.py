"""How long the camera and microphone checks take, and what they add to a full run.

    .venv/bin/python bench/camera_bench.py [--runs N]

Prints, as medians over N runs (each in a fresh interpreter, as a user's run is):
- the camera check on a video file (640×480, 30 fps, MJPG) through the real capture path
  (child process, OpenCV, frame statistics): wall time, the child's share, the open time and
  when liveness was decided after opening;
- the camera check on this machine's "no camera" path (`precheck run --only camera`);
- a full run (every check, no report) without the camera and microphone probes, with them on
  this machine, and with the camera reading the video file: how much the run grows;
- peak memory (max RSS) of the precheck process and of the camera child.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(mode: str, clip: str) -> None:
    """One measured run in this fresh interpreter; prints its figures as JSON."""
    sys.path.insert(0, str(ROOT))
    from precheck import probes
    from precheck.catalogue import load_catalogue
    from precheck.host import LiveHost
    from precheck.runner import run_checks

    options: dict[str, str] = {}
    only: list[str] = []
    if mode == "without":
        del probes.PROBES["camera"], probes.PROBES["microphone"]
    if mode in ("file", "full-file"):
        options["camera_source"] = clip
    if mode == "file":
        only = ["camera"]
    started = time.perf_counter()
    run = run_checks(LiveHost(), load_catalogue(), only=only, options=options)
    wall = time.perf_counter() - started
    camera = next((r for r in run.results if r.id == "camera"), None)
    print(
        json.dumps(
            {
                "wall": wall,
                "camera_ms": camera.duration_ms if camera else None,
                "facts": camera.facts if camera else None,
                "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "child_rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def measure(mode: str, clip: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, clip],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "CLIP"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sys.path.insert(0, str(ROOT))
    from tests.videos import write_clip

    with tempfile.TemporaryDirectory(prefix="precheck-camera-bench-") as scratch:
        os.environ["PRECHECK_DATA_DIR"] = os.path.join(scratch, "data")
        clip = str(write_clip(Path(scratch) / "moving.avi", "moving", seconds=3.0))
        n = args.runs

        files = [measure("file", clip) for _ in range(n)]
        walls = [float(r["camera_ms"]) / 1000 for r in files]  # type: ignore[arg-type]
        facts = [r["facts"] for r in files]
        opens = [float(f["open_seconds"]) for f in facts]  # type: ignore[index]
        decided = [float(f["decided_after"]) for f in facts]  # type: ignore[index]
        print(
            f"camera check on a video file (640x480, 30 fps): median {median(walls):.2f} s "
            f"(min {min(walls):.2f}, max {max(walls):.2f}) over {n} runs; "
            f"open {median(opens) * 1000:.0f} ms; liveness decided {median(decided):.2f} s "
            f"after opening (file clock); camera child peak RSS "
            f"{median([float(r['child_rss']) for r in files]):.0f} MiB"  # type: ignore[arg-type]
        )

        none = []
        probe_ms = []
        for _ in range(n):
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "precheck", "run", "--only", "camera", "--json"],
                capture_output=True,
                text=True,
                check=False,
                cwd=ROOT,
            )
            none.append(time.perf_counter() - started)
            camera = json.loads(result.stdout)["results"][0]
            code = camera["code"]
            probe_ms.append(float(camera["duration_ms"]))
        print(
            f"`precheck run --only camera` on this machine ({code}): median "
            f"{median(none):.2f} s wall for the whole command, the check itself "
            f"{median(probe_ms):.0f} ms, over {n} runs"
        )

        for mode, label in (
            ("without", "full run without camera and microphone probes"),
            ("full", "full run with them (this machine: no camera, no --mic)"),
            ("full-file", "full run with the camera reading the video file"),
        ):
            runs = [measure(mode, clip) for _ in range(n)]
            wall = median([float(r["wall"]) for r in runs])  # type: ignore[arg-type]
            rss = max(float(r["rss"]) for r in runs)  # type: ignore[arg-type]
            child_rss = max(float(r["child_rss"]) for r in runs)  # type: ignore[arg-type]
            print(
                f"{label}: median {wall:.2f} s; peak RSS {rss:.0f} MiB (precheck), "
                f"{child_rss:.0f} MiB (largest child process)"
            )


if __name__ == "__main__":
    main()
