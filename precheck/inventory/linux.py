"""Installed programs on Linux: dpkg, rpm, flatpak, snap, and AppImages in the usual folders.

dpkg is asked through `dpkg-query`, not by reading /var/lib/dpkg/status. Reading the file is
faster (2 ms against 25 ms for dpkg-query on the test machine's 836 packages), but the file is
dpkg's private database, already 757 KB there and well past the 1 MiB a file answer holds on a
desktop with a few thousand packages, while dpkg-query prints 39 KB and is run at the same
time as the other sources, so its cost hides behind theirs. The four tools run at once;
a tool that is not installed is not a problem (most machines have one or two of them), one that
fails or hangs is reported as unreadable.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from precheck.host import Host, HostError
from precheck.inventory import Program, appimage_token
from precheck.parse.bounded import MAX_PROGRAMS, bound
from precheck.parse.packages import (
    DPKG_FORMAT,
    RPM_FORMAT,
    parse_dpkg_query,
    parse_flatpak_list,
    parse_rpm_query,
    parse_snap_list,
)

COMMANDS: dict[str, tuple[list[str], Callable[[str], list[tuple[str, str | None]]]]] = {
    "dpkg": (["dpkg-query", "-W", "-f", DPKG_FORMAT.replace("\\t", "\t").replace("\\n", "\n")],
             parse_dpkg_query),
    "rpm": (["rpm", "-qa", "--qf", RPM_FORMAT.replace("\\t", "\t").replace("\\n", "\n")],
            parse_rpm_query),
    "flatpak": (["flatpak", "list", "--app", "--columns=application,version"],
                parse_flatpak_list),
    "snap": (["snap", "list"], parse_snap_list),
}  # fmt: skip
TIMEOUT_S = 10.0

APPIMAGE_DIRS = ("~/Applications", "~/Downloads", "~/.local/bin", "/opt")
"""Where AppImage users keep them (AppImageLauncher's ~/Applications, the browser's download
folder, ~/.local/bin on PATH, /opt for system-wide ones); names only are read."""


def _package_source(host: Host, source: str) -> tuple[list[Program], str | None]:
    argv, parse = COMMANDS[source]
    try:
        result = host.run(argv, timeout=TIMEOUT_S)
    except HostError as exc:
        if exc.reason == "missing":
            return [], None
        return [], f"{source}: {exc.reason}"
    if result.rc != 0:
        if source == "snap" and "snapd" in result.stderr:  # snap without its daemon: no snaps
            return [], None
        first = (result.stderr.strip().splitlines() or [""])[0]
        return [], bound(f"{source}: exit code {result.rc} {first}".strip())
    return [Program(n, n, source, v) for n, v in parse(result.stdout)], None


def _appimages(host: Host) -> tuple[list[Program], list[str]]:
    found: list[Program] = []
    unreadable: list[str] = []
    for folder in APPIMAGE_DIRS:
        try:
            names = host.list_dir(folder) or []
        except HostError as exc:
            unreadable.append(f"appimage {folder}: {exc.reason}")
            continue
        for name in names[:MAX_PROGRAMS]:
            if name.lower().endswith(".appimage"):
                found.append(Program(bound(appimage_token(name)), bound(name), "appimage"))
    return found, unreadable


def installed(host: Host) -> tuple[list[Program], list[str]]:
    with ThreadPoolExecutor(max_workers=len(COMMANDS)) as pool:
        futures = [pool.submit(_package_source, host, s) for s in COMMANDS]
        programs, unreadable = _appimages(host)
        for future in futures:
            found, problem = future.result()
            programs += found
            if problem:
                unreadable.append(problem)
    return programs[: MAX_PROGRAMS * 2], unreadable
