"""The software inventory: installed programs and running processes, gathered once per run.

file-sharing, recording and meeting-app all ask "is program X installed or running?". They
share this one inventory, built only from Host answers (so it is recorded and replayed), with
per-OS collectors beside this module (`windows.py`, `darwin.py`, `linux.py`).

What may leave the machine is only what a check matches (issue 17, docs/evidence.md): the live
inventory is gathered through `host.derive("inv:software", …)`, so the raw listings (every
package, every bundle, the Downloads folder's names, every process) are asked privately and
never recorded, and the inventory is filtered to the identifiers the watch tables name before
anyone sees it. A replay therefore decides from exactly what the live run decided from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from precheck.host import Host

KEY = "inv:software"

SOURCES = (
    "dpkg", "rpm", "flatpak", "snap", "appimage", "uninstall-hklm", "uninstall-hklm32",
    "uninstall-hkcu", "msix", "app-bundle",
)  # fmt: skip

WATCH_TABLES = ("file-sharing", "recording", "meeting-app")
"""Tables whose rows name programs to look for; a table that does not exist is skipped.

A row's identifiers are its list fields named in `IDENTIFIER_FIELDS` (exact names) and
`PREFIX_FIELDS` (name starts); rows live in `programs`, `near_misses` and `apps` arrays."""
ROW_ARRAYS = ("programs", "near_misses", "apps")
IDENTIFIER_FIELDS = (
    "windows_exe", "windows_exe_unverified", "windows_display_names", "macos_apps",
    "macos_bundle_ids", "debian_packages", "linux_binaries", "flatpak_ids",
)  # fmt: skip
PREFIX_FIELDS = ("macos_app_prefixes", "macos_bundle_id_prefixes")


@dataclass(frozen=True)
class Program:
    """One installed program, as its package manager or OS lists it.

    `ident` is what tables match on (Debian/rpm package name, flatpak app id, snap name,
    AppImage file name, Uninstall subkey name, MSIX package family name, macOS bundle id);
    `exe` is the Windows main executable's or the macOS bundle executable's file name, kept for
    matching only and never a path.
    """

    name: str
    ident: str
    source: str
    version: str | None = None
    exe: str | None = None


@dataclass(frozen=True)
class Inventory:
    """Installed programs and running process names that some watch table names (filtered);
    `unreadable` names each source that exists but could not be read, with the reason."""

    installed: tuple[Program, ...]
    processes: tuple[str, ...]
    unreadable: tuple[str, ...]


@dataclass(frozen=True)
class Watch:
    """Every identifier the watch tables name, lower-cased, for the privacy filter."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]

    def wants(self, *names: str | None) -> bool:
        for name in names:
            if not name:
                continue
            low = name.lower()
            if low in self.exact or low.startswith(self.prefixes):
                return True
        return False


def watch_from_tables(tables: Iterable[Mapping[str, Any]]) -> Watch:
    exact: set[str] = set()
    prefixes: set[str] = set()
    for table in tables:
        for array in ROW_ARRAYS:
            for row in table.get(array) or ():
                if not isinstance(row, Mapping):
                    continue
                for field in IDENTIFIER_FIELDS:
                    for value in row.get(field) or ():
                        low = str(value).lower()
                        exact.add(low)
                        if low.endswith(".app"):  # the bundle's process has the app's name
                            exact.add(low.removesuffix(".app"))
                for field in PREFIX_FIELDS:
                    prefixes.update(str(v).lower() for v in row.get(field) or ())
    return Watch(frozenset(exact), tuple(sorted(prefixes)))


@cache
def default_watch() -> Watch:
    """The watch list from the installed catalogue's tables (loaded once per process)."""
    from precheck.catalogue import CatalogueError, load_catalogue

    catalogue = load_catalogue()
    tables = []
    for name in WATCH_TABLES:
        try:
            tables.append(catalogue.table(name))
        except CatalogueError:
            continue  # a table another check has not shipped yet
    return watch_from_tables(tables)


_APPIMAGE_TAIL = re.compile(
    r"[-_ .](?:v?\d|x86[-_]64|amd64|aarch64|arm64|armhf|i[3-6]86|linux)", re.IGNORECASE
)


def appimage_token(file_name: str) -> str:
    """The program part of an AppImage file name: `qBittorrent-4.6.0_x86_64.AppImage` →
    `qBittorrent`; compared exactly (never as a substring) with the tables' names."""
    stem = re.sub(r"\.appimage$", "", file_name, flags=re.IGNORECASE)
    match = _APPIMAGE_TAIL.search(stem)
    return stem[: match.start()] if match else stem


def _wanted_program(p: Program, watch: Watch) -> bool:
    token = appimage_token(p.ident) if p.source == "appimage" else None
    return watch.wants(p.ident, p.name, p.exe, token)


def filtered(
    programs: Iterable[Program], processes: Iterable[str], unreadable: Iterable[str], watch: Watch
) -> Inventory:
    """Keep only what the watch list names: the rest of the machine's software stays private."""
    kept = sorted(
        {p for p in programs if _wanted_program(p, watch)},
        key=lambda p: (p.source, p.ident, p.name),
    )
    exes = {p.exe.lower() for p in kept if p.exe}
    procs = sorted({n for n in processes if watch.wants(n) or n.lower() in exes})
    return Inventory(tuple(kept), tuple(procs), tuple(sorted(set(unreadable))))


def encode(inv: Inventory) -> dict[str, Any]:
    return {
        "installed": [
            {
                "name": p.name,
                "ident": p.ident,
                "source": p.source,
                "version": p.version,
                "exe": p.exe,
            }
            for p in inv.installed
        ],
        "processes": list(inv.processes),
        "unreadable": list(inv.unreadable),
    }


def decode(value: Mapping[str, Any]) -> Inventory:
    return Inventory(
        installed=tuple(Program(**p) for p in value["installed"]),
        processes=tuple(value["processes"]),
        unreadable=tuple(value["unreadable"]),
    )


def is_encoded(value: Any) -> bool:
    """The shape check of an `inv:software` answer in a bundle (host/evidence.py SHAPES)."""
    if not isinstance(value, dict):
        return False
    installed, processes = value.get("installed"), value.get("processes")
    unreadable = value.get("unreadable")
    fields = {"name", "ident", "source", "version", "exe"}
    return (
        isinstance(installed, list)
        and all(
            isinstance(p, dict)
            and p.keys() == fields
            and isinstance(p["name"], str)
            and isinstance(p["ident"], str)
            and p["source"] in SOURCES
            and all(p[k] is None or isinstance(p[k], str) for k in ("version", "exe"))
            for p in installed
        )
        and isinstance(processes, list)
        and all(isinstance(n, str) for n in processes)
        and isinstance(unreadable, list)
        and all(isinstance(n, str) for n in unreadable)
    )


def gather(host: Host, watch: Watch) -> Inventory:
    """Every installed program and process name on the machine, filtered by `watch`."""
    from precheck.host import HostError

    system = host.platform().system
    if system == "windows":
        from precheck.inventory import windows as collector
    elif system == "darwin":
        from precheck.inventory import darwin as collector  # type: ignore[no-redef]
    else:
        from precheck.inventory import linux as collector  # type: ignore[no-redef]
    programs, unreadable = collector.installed(host)
    try:
        processes: list[str] = host.processes()
    except HostError as exc:
        processes = []
        unreadable.append(f"processes: {exc.reason}")
    return filtered(programs, processes, unreadable, watch)


def inventory(host: Host) -> Inventory:
    """The run's inventory: computed once (single-flight), recorded filtered as `inv:software`."""
    watch = default_watch()
    return decode(host.derive(KEY, lambda private: encode(gather(private, watch))))
