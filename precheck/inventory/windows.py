r"""Installed programs on Windows: the three Uninstall keys and the Store (MSIX) packages.

Apps & features lists what is under HKLM\…\Uninstall (64-bit programs), its WOW6432Node twin
(32-bit programs on 64-bit Windows) and HKCU\…\Uninstall (per-user installs such as many
torrent clients). Each subkey is read with `host.registry`; MSIX packages come from the run's
one PowerShell batch (section `appx`).
"""

from __future__ import annotations

from typing import Any

from precheck.host import Host, HostError
from precheck.inventory import Program
from precheck.parse.bounded import MAX_PROGRAMS, bound
from precheck.parse.windows_uninstall import uninstall_entry

UNINSTALL = r"Microsoft\Windows\CurrentVersion\Uninstall"
ROOTS = (
    ("uninstall-hklm", rf"HKLM\SOFTWARE\{UNINSTALL}"),
    ("uninstall-hklm32", rf"HKLM\SOFTWARE\WOW6432Node\{UNINSTALL}"),
    ("uninstall-hkcu", rf"HKCU\Software\{UNINSTALL}"),
)


def _uninstall(host: Host, source: str, root: str, budget: int) -> tuple[list[Program], str | None]:
    try:
        key = host.registry(root)
    except HostError as exc:
        return [], f"{source}: {exc.reason}"
    if key is None:
        return [], None  # no WOW6432Node on 32-bit Windows
    found = []
    for sub in key.subkeys[:budget]:
        try:
            values = host.registry(f"{root}\\{sub}")
        except HostError:
            continue  # one unreadable entry (permissions on a vendor key) loses only itself
        if values is None:
            continue
        entry = uninstall_entry(values.values)
        if entry is not None:
            name, version, exe = entry
            found.append(Program(name, bound(sub), source, version, exe))
    return found, None


def _appx(host: Host) -> tuple[list[Program], str | None]:
    try:
        value: Any = host.powershell("appx")
    except HostError as exc:
        return [], f"msix: {exc.reason}"
    rows = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    found = []
    for row in rows[:MAX_PROGRAMS]:
        if not isinstance(row, dict):
            continue
        name, family = row.get("name"), row.get("family")
        if not isinstance(name, str) or not isinstance(family, str) or not family:
            continue
        version = row.get("version")
        found.append(
            Program(bound(name), bound(family), "msix",
                    bound(version) if isinstance(version, str) and version else None)
        )  # fmt: skip
    return found, None


def installed(host: Host) -> tuple[list[Program], list[str]]:
    programs: list[Program] = []
    unreadable: list[str] = []
    for source, root in ROOTS:
        found, problem = _uninstall(host, source, root, MAX_PROGRAMS - len(programs))
        programs += found
        if problem:
            unreadable.append(problem)
    found, problem = _appx(host)
    programs += found
    if problem:
        unreadable.append(problem)
    return programs, unreadable
