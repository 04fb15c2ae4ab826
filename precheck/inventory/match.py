"""Which rows of a watch table an inventory holds: exact identifiers, never substrings.

A row (tables/file-sharing.toml, recording.toml…) names a program by the identifiers each
system lists it under. "share" must not find ShareX or SharePoint, so every comparison is of
whole identifiers: Debian/rpm/snap package names and process names exactly (Linux names are
case-sensitive), Windows executable and display names case-insensitively (the file system is),
bundle ids and app names case-insensitively (so is APFS by default); only the `*_prefixes`
fields (app names that carry a year, "Camtasia 2024.app") compare the start of a name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from precheck.inventory import Inventory, Program, appimage_token

WINDOWS_SOURCES = ("uninstall-hklm", "uninstall-hklm32", "uninstall-hkcu", "msix")
PACKAGE_SOURCES = ("dpkg", "rpm", "snap")
"""Sources whose names are package names: Debian's names are used for rpm and snap too, since
a package of the same name on another distribution is the same upstream program."""


@dataclass(frozen=True)
class Match:
    """One table row found on the machine; `via` is what was matched (for the report)."""

    row: Mapping[str, Any]
    installed: tuple[Program, ...]
    running: tuple[str, ...]
    unverified: bool  # matched only on names the research marks UNVERIFIED

    @property
    def id(self) -> str:
        return str(self.row["id"])

    @property
    def name(self) -> str:
        return str(self.row["name"])


def _low(values: Iterable[Any]) -> set[str]:
    return {str(v).lower() for v in values}


def _field(row: Mapping[str, Any], name: str) -> list[str]:
    return [str(v) for v in row.get(name) or ()]


def _program_hit(p: Program, row: Mapping[str, Any]) -> bool | None:
    """True (verified identifier), False (only an unverified one), None (no match)."""
    if p.source in WINDOWS_SOURCES:
        exe = (p.exe or "").lower()
        if exe and exe in _low(_field(row, "windows_exe")):
            return True
        if p.name.lower() in _low(_field(row, "windows_display_names")):
            return True
        if exe and exe in _low(_field(row, "windows_exe_unverified")):
            return False
        return None
    if p.source == "app-bundle":
        name, ident = p.name.lower(), p.ident.lower()
        if name in _low(_field(row, "macos_apps")) or ident in _low(
            _field(row, "macos_bundle_ids")
        ):
            return True
        if name.startswith(tuple(_low(_field(row, "macos_app_prefixes")))) and name.endswith(
            ".app"
        ):
            return True
        prefixes = tuple(_low(_field(row, "macos_bundle_id_prefixes")))
        if prefixes and ident.startswith(prefixes):
            return True
        return None
    if p.source in PACKAGE_SOURCES:
        return True if p.ident in _field(row, "debian_packages") else None
    if p.source == "flatpak":
        return True if p.ident in _field(row, "flatpak_ids") else None
    if p.source == "appimage":
        token = appimage_token(p.ident).lower()
        names = _low(_field(row, "linux_binaries")) | _low(_field(row, "debian_packages"))
        return True if token in names else None
    return None


def _process_hit(
    name: str, row: Mapping[str, Any], system: str, installed: Iterable[Program]
) -> bool | None:
    if system == "windows":
        low = name.lower()
        if low in _low(_field(row, "windows_exe")):
            return True
        return False if low in _low(_field(row, "windows_exe_unverified")) else None
    if system == "darwin":
        if any(p.exe and p.exe == name for p in installed):
            return True
        apps = _low(_field(row, "macos_apps"))
        return True if f"{name}.app".lower() in apps else None
    return True if name in _field(row, "linux_binaries") else None


def match_rows(rows: Iterable[Mapping[str, Any]], inv: Inventory, system: str) -> list[Match]:
    """Every row the inventory holds, installed or running, in table order."""
    found = []
    for row in rows:
        verified = False
        installed = []
        for p in inv.installed:
            hit = _program_hit(p, row)
            if hit is not None:
                installed.append(p)
                verified = verified or hit
        running = []
        for name in inv.processes:
            hit = _process_hit(name, row, system, installed)
            if hit is not None:
                running.append(name)
                verified = verified or hit
        if installed or running:
            found.append(Match(row, tuple(installed), tuple(running), not verified))
    return found
