"""Installed programs on macOS: the bundles in /Applications and ~/Applications.

A bundle's id and executable come from its Contents/Info.plist. Most are XML and are read as
files; a binary one (it starts with `bplist`) is converted with `plutil -convert xml1 -o -
FILE`, which ships with every macOS. XML rather than JSON: `-convert json` is missing from old
plutil ("Unknown format specifier: json", mway-io/Espresso#89) and refuses plists holding
<data> or <date> values, which every plist can be written as in XML.

Folders that are not bundles (`/Applications/BiglyBT`, `Utilities`) are looked into one level
deep, and their own names are kept as well, since some casks install a folder
(tables/file-sharing.toml, BiglyBT).
"""

from __future__ import annotations

from precheck.host import Host, HostError
from precheck.inventory import Program
from precheck.parse.bounded import MAX_PROGRAMS, bound
from precheck.parse.info_plist import is_binary_plist, parse_info_plist

FOLDERS = ("/Applications", "~/Applications")
MAX_CONVERSIONS = 400
"""At most this many binary plists are converted (one `plutil` each, a few ms apiece)."""


def _bundle(host: Host, folder: str, name: str, budget: list[int]) -> Program:
    path = f"{folder}/{name}/Contents/Info.plist"
    info: dict[str, str] = {}
    try:
        text = host.read_file(path)
        if text and is_binary_plist(text) and budget[0] > 0:
            budget[0] -= 1
            result = host.run(["plutil", "-convert", "xml1", "-o", "-", path], timeout=5)
            text = result.stdout if result.rc == 0 else None
        info = parse_info_plist(text) if text else {}
    except HostError:
        pass  # a bundle we cannot read is still listed by its name
    return Program(
        name=bound(name),
        ident=info.get("CFBundleIdentifier") or bound(name),
        source="app-bundle",
        version=info.get("CFBundleShortVersionString"),
        exe=info.get("CFBundleExecutable"),
    )


def installed(host: Host) -> tuple[list[Program], list[str]]:
    programs: list[Program] = []
    unreadable: list[str] = []
    budget = [MAX_CONVERSIONS]
    for folder in FOLDERS:
        try:
            names = host.list_dir(folder) or []
        except HostError as exc:
            unreadable.append(f"app-bundle {folder}: {exc.reason}")
            continue
        for name in names:
            if len(programs) >= MAX_PROGRAMS or name.startswith("."):
                continue
            if name.endswith(".app"):
                programs.append(_bundle(host, folder, name, budget))
                continue
            programs.append(Program(bound(name), bound(name), "app-bundle"))
            if "." in name:
                continue  # a file, not a folder of apps
            try:
                inner = host.list_dir(f"{folder}/{name}") or []
            except HostError:
                continue
            for sub in inner[:50]:
                if sub.endswith(".app") and len(programs) < MAX_PROGRAMS:
                    programs.append(_bundle(host, f"{folder}/{name}", sub, budget))
    return programs, unreadable
