"""Package-manager listings (dpkg-query, rpm, flatpak, snap): text to (name, version) pairs.

Each parser reads the exact format precheck asks its tool for (docs/evidence.md), is linear in
the input, keeps at most MAX_PROGRAMS rows and bounds every value. Lines it does not recognise
are skipped, never raised on: a partial listing still names what it holds.
"""

from __future__ import annotations

from precheck.parse.bounded import MAX_PROGRAMS, bound

DPKG_FORMAT = "${Package}\\t${Version}\\t${Status}\\n"
"""`dpkg-query -W -f` format: one tab-separated line per package dpkg knows of."""

# dpkg(1) "Package states": these two leave no program files on disk.
_DPKG_ABSENT = {"not-installed", "config-files"}

RPM_FORMAT = "%{NAME}\\t%{VERSION}-%{RELEASE}\\n"


def _rows(text: str) -> list[list[str]]:
    rows: list[list[str]] = []
    for line in text.splitlines():
        if len(rows) >= MAX_PROGRAMS:
            break
        rows.append(line.split("\t"))
    return rows


def parse_dpkg_query(text: str) -> list[tuple[str, str | None]]:
    """`dpkg-query -W -f '${Package}\\t${Version}\\t${Status}\\n'`: the packages present.

    `${Status}` is "want ok state" (e.g. `install ok installed`, `deinstall ok config-files`);
    a removed package whose configuration files remain is listed too, and must not count.
    """
    found: list[tuple[str, str | None]] = []
    for parts in _rows(text):
        if len(parts) < 3 or not parts[0].strip():
            continue
        state = parts[2].split()
        if not state or state[-1] in _DPKG_ABSENT:
            continue
        found.append((bound(parts[0]), bound(parts[1]) or None))
    return found


def parse_rpm_query(text: str) -> list[tuple[str, str | None]]:
    """`rpm -qa --qf '%{NAME}\\t%{VERSION}-%{RELEASE}\\n'`."""
    found: list[tuple[str, str | None]] = []
    for parts in _rows(text):
        if len(parts) < 2 or not parts[0].strip():
            continue
        found.append((bound(parts[0]), bound(parts[1]) or None))
    return found


def parse_flatpak_list(text: str) -> list[tuple[str, str | None]]:
    """`flatpak list --app --columns=application,version`: tab-separated when not on a terminal.

    Older flatpak (before 1.2) prints a title row only on a terminal, never through a pipe; a
    row whose first column has no dot is not an application id and is skipped.
    """
    found: list[tuple[str, str | None]] = []
    for parts in _rows(text):
        app = parts[0].strip()
        if "." not in app or " " in app:
            continue
        version = parts[1].strip() if len(parts) > 1 else ""
        found.append((bound(app), bound(version) or None))
    return found


def parse_snap_list(text: str) -> list[tuple[str, str | None]]:
    """`snap list`: a `Name  Version  Rev  Tracking  Publisher  Notes` table, space-aligned."""
    found: list[tuple[str, str | None]] = []
    for index, line in enumerate(text.splitlines()):
        if len(found) >= MAX_PROGRAMS:
            break
        parts = line.split()
        if not parts or (index == 0 and parts[0] == "Name"):
            continue
        found.append((bound(parts[0]), bound(parts[1]) if len(parts) > 1 else None))
    return found
