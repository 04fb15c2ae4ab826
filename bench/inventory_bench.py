"""How long the software inventory takes, printed as figures (not a test).

    .venv/bin/python bench/inventory_bench.py [--runs 5]

1. This machine, live: a fresh LiveHost per run (nothing cached), the whole inventory
   (dpkg-query, rpm, flatpak, snap, AppImage folders, the process list), then the file-sharing
   and recording matching; and a second ask on the same host (the cache: no machine work).
2. Synthetic replays of a large machine, 300 installed programs and 400 processes, for each
   system (Windows Uninstall keys, macOS bundles with XML Info.plists, a dpkg listing): the
   collectors, the filter and the matching on replayed answers, i.e. precheck's own cost
   without the operating system's. The synthetic answers are benchmark input only, never a
   test fixture.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS, PROCESSES = 300, 400


def timed(runs: int, work: Callable[[], Any]) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def ok(value: Any) -> dict[str, Any]:
    return {"ok": value}


def synthetic(system: str) -> dict[str, Any]:
    from precheck.inventory.windows import ROOTS

    platform = {"system": system, "release": "x", "version": "x", "machine": "x86_64"}
    entries: dict[str, Any] = {"sys:platform": ok(platform), "sys:processes": ok([])}
    names = [f"Program {i}" for i in range(PROGRAMS - 2)] + ["qBittorrent", "OBS"]
    if system == "windows":
        procs = [f"proc{i}.exe" for i in range(PROCESSES - 1)] + ["qbittorrent.exe"]
        entries["ps:batch"] = ok({"appx": {"ok": []}})
        for index, (_s, path) in enumerate(ROOTS):
            entries["reg:" + path] = ok({"values": {}, "subkeys": names if index == 0 else []})
        for name in names:
            exe = name.lower().replace(" ", "") + ".exe"
            values = {
                "DisplayName": name,
                "DisplayVersion": "1.0",
                "DisplayIcon": f"C:\\P\\{exe},0",
            }
            entries[f"reg:{ROOTS[0][1]}\\{name}"] = ok({"values": values, "subkeys": []})
    elif system == "darwin":
        procs = [f"proc{i}" for i in range(PROCESSES - 1)] + ["qbittorrent"]
        apps = [f"{n}.app" for n in names]
        entries["dir:/Applications"] = ok(apps)
        entries["dir:~/Applications"] = ok(None)
        for app in apps:
            ident = "org.example." + app.removesuffix(".app").replace(" ", "")
            plist = (
                '<?xml version="1.0"?><plist version="1.0"><dict>'
                f"<key>CFBundleIdentifier</key><string>{ident}</string>"
                "<key>CFBundleExecutable</key><string>x</string></dict></plist>"
            )
            entries[f"file:/Applications/{app}/Contents/Info.plist"] = ok(plist)
    else:
        from precheck.inventory.linux import APPIMAGE_DIRS, COMMANDS

        procs = [f"proc{i}" for i in range(PROCESSES - 1)] + ["qbittorrent-nox"]
        dpkg = "".join(f"pkg{i}\t1.0-{i}\tinstall ok installed\n" for i in range(PROGRAMS - 1))
        dpkg += "qbittorrent-nox\t4.5.2\tinstall ok installed\n"
        import shlex

        for source, (argv, _parse) in COMMANDS.items():
            key = "cmd:" + shlex.join(argv)
            if source == "dpkg":
                entries[key] = ok({"rc": 0, "stdout": dpkg, "stderr": ""})
            else:
                entries[key] = {"error": "missing", "detail": "not installed"}
        for folder in APPIMAGE_DIRS:
            entries["dir:" + folder] = ok(None)
    entries["sys:processes"] = ok(sorted(procs))
    return {"format": "precheck-evidence", "version": 1, "entries": entries}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    sys.path.insert(0, str(ROOT))
    from precheck.catalogue import load_catalogue
    from precheck.host import LiveHost, ReplayHost
    from precheck.inventory import default_watch, inventory
    from precheck.inventory.match import match_rows

    catalogue = load_catalogue()
    tables = [catalogue.table("file-sharing"), catalogue.table("recording")]
    default_watch()

    def match(inv: Any, system: str) -> int:
        return sum(len(match_rows(t["programs"], inv, system)) for t in tables)

    host = LiveHost()
    system = host.platform().system
    collector = importlib.import_module(f"precheck.inventory.{system}")
    programs, _ = collector.installed(host.private())
    processes = host.processes()
    print(
        f"this machine ({system}): {len(programs)} installed programs, {len(processes)} processes"
    )
    median, worst = timed(runs, lambda: match(inventory(LiveHost()), system))
    print(f"  inventory + matching, cold host: median {median:.0f} ms, max {worst:.0f} ms")
    warm = LiveHost()
    inventory(warm)
    median, worst = timed(runs, lambda: inventory(warm))
    print(f"  asked again on the same host (cached): median {median:.3f} ms")
    for name in ("windows", "darwin", "linux"):
        bundle = synthetic(name)

        def replayed(bundle: dict[str, Any] = bundle, name: str = name) -> int:
            return match(inventory(ReplayHost(bundle)), name)

        found = replayed()
        median, worst = timed(runs, replayed)
        print(
            f"synthetic {name}: {PROGRAMS} programs, {PROCESSES} processes, {found} matches:"
            f" median {median:.1f} ms, max {worst:.1f} ms"
        )


if __name__ == "__main__":
    main()
