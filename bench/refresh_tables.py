"""Compare checks/tables/os-lifecycle.toml (Linux and macOS rows) with an endoflife.date copy and
print what changed: the repeatable step of refreshing the lifecycle tables (docs/catalogue.md).

    .venv/bin/python bench/refresh_tables.py PATH [--rev REV] [--buildnumbers JSON]

PATH is an endoflife.date checkout (a work tree with products/*.md, or a bare git directory read
at REV, default HEAD). Nothing is written: each line says what to add or change in the table,
with the source's date, so a person edits the TOML, cites the commit and bumps `as_of`. Windows
monthly UBRs are not in endoflife.date: with --buildnumbers (DataForGeeks
content/ms/mswin/buildnumbers.json, compiled from Microsoft's update-history pages) the script
also lists every Patch Tuesday or hotpatch release of a listed build that the table lacks.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "checks" / "tables" / "os-lifecycle.toml"

# endoflife.date product -> (table id, field the table's supported_until mirrors, cycle filter)
PRODUCTS: dict[str, tuple[str, str]] = {
    "debian": ("debian", "eoes"),
    "ubuntu": ("ubuntu", "eol"),
    "fedora": ("fedora", "eol"),
    "redhat": ("rhel", "eol"),
    "rhel": ("rhel", "eol"),
    "rocky-linux": ("rocky", "eol"),
    "almalinux": ("almalinux", "eol"),
    "opensuse": ("opensuse-leap", "eol"),
    "linuxmint": ("linuxmint", "eol"),
    "centos": ("centos", "eol"),
    "centos-stream": ("centos-stream", "eol"),
    "alpine-linux": ("alpine", "eol"),
}
_FIELD = re.compile(r"^\s+-?\s*(releaseCycle|releaseDate|eol|eoes|latest|codename):\s*(.*?)\s*$")


def releases(markdown: str) -> list[dict[str, str]]:
    """The `releases:` rows of an endoflife.date product page (front matter), as plain strings."""
    rows: list[dict[str, str]] = []
    in_releases = False
    for line in markdown.splitlines():
        if line.startswith("releases:"):
            in_releases = True
            continue
        if in_releases and line.startswith("---"):
            break
        if in_releases and (match := _FIELD.match(line)):
            key, value = match.group(1), match.group(2).strip("\"'")
            if key == "releaseCycle":
                rows.append({})
            if rows:
                rows[-1][key] = value
    return rows


def read_product(path: Path, rev: str, product: str) -> str | None:
    if (path / "products").is_dir():
        page = path / "products" / f"{product}.md"
        return page.read_text(encoding="utf-8") if page.exists() else None
    out = subprocess.run(
        ["git", f"--git-dir={path}", "show", f"{rev}:products/{product}.md"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout if out.returncode == 0 else None


def table_key(table_id: str, cycle: str) -> tuple[str, str] | None:
    """The table's (family, key) for an endoflife.date cycle; None for cycles the table skips."""
    if table_id == "linuxmint" and cycle.startswith("lmde"):
        return "lmde", cycle.removeprefix("lmde")
    if table_id == "linuxmint" and "." in cycle:
        return None  # Mint point releases share their major's row (match_major)
    if table_id == "opensuse-leap" and not cycle.startswith(("15.", "16.")):
        return None
    return table_id, cycle


def compare(table: dict[str, Any], path: Path, rev: str) -> list[str]:
    lines: list[str] = []
    linux = table.get("linux", {})
    for product, (table_id, field) in PRODUCTS.items():
        text = read_product(path, rev, product)
        if text is None:
            continue
        family_rows = linux.get(table_id, {})
        oldest = min((k for k in family_rows), default=None, key=_version)
        for row in releases(text):
            key = table_key(table_id, row.get("releaseCycle", ""))
            if key is None:
                continue
            family, cycle = key
            mine = linux.get(family, {}).get(cycle)
            end = row.get(field) or row.get("eol", "")
            end = "" if end in ("false", "true") else end
            if mine is None:
                if oldest is not None and _version(cycle) < _version(oldest):
                    continue  # older than the table's oldest row: judged by eol-older
                lines.append(
                    f'add    [linux.{family}."{cycle}"] released={row.get("releaseDate")} '
                    f"supported_until={end or '(none announced)'}  ({product}.md)"
                )
                continue
            if end and mine.get("supported_until") != end:
                lines.append(
                    f'change [linux.{family}."{cycle}"] supported_until '
                    f"{mine.get('supported_until')} -> {end}  ({product}.md)"
                )
            latest = row.get("latest", "")
            if "latest_minor" in mine and latest and mine["latest_minor"] != latest:
                lines.append(
                    f'change [linux.{family}."{cycle}"] latest_minor '
                    f"{mine['latest_minor']} -> {latest}  ({product}.md)"
                )
    text = read_product(path, rev, "macos")
    for row in releases(text or ""):
        mine = table["darwin"]["releases"].get(row.get("releaseCycle", ""))
        if mine is None:
            if row.get("releaseCycle", "0").split(".")[0] >= "11":
                lines.append(f"add    [darwin.releases.{row['releaseCycle']}] (macos.md)")
            continue
        if row.get("latest") and mine.get("latest") != row["latest"]:
            lines.append(
                f"change [darwin.releases.{row['releaseCycle']}] latest "
                f"{mine.get('latest')} -> {row['latest']}  (macos.md)"
            )
    return lines


def windows_missing(table: dict[str, Any], buildnumbers: dict[str, Any]) -> list[str]:
    """Security and hotpatch releases in DataForGeeks' buildnumbers.json the table lacks."""
    windows = table["windows"]
    # Client builds only: a server is named, never judged by its patch level (os-support).
    listed = {int(b) for b in windows["builds"]} | {int(b) for b in windows["ltsc"]}
    have = {(b, u["ubr"]) for u in windows["updates"] for b in u["builds"]}
    oldest = min(u["date"] for u in windows["updates"])
    lines = []
    for row in buildnumbers.get("Data", []):
        build, _, ubr = str(row.get("Version", "")).partition(".")
        comment = str(row.get("Comment", ""))
        if not (build.isdigit() and ubr.isdigit()) or int(build) not in listed:
            continue
        if "Preview" in comment or "Out-of-band" in comment or row["ReleaseDate"] < oldest:
            continue
        if int(build) == 26100 and int(ubr) > 30000:
            continue  # the separate 26100.32xxx line (research/lifecycle.md pitfall)
        if (int(build), int(ubr)) not in have:
            kind = "hotpatch" if "Hotpatch" in comment else "security"
            lines.append(
                f"add    [[windows.updates]] build {build} ubr {ubr} date {row['ReleaseDate']} "
                f"kind {kind} {str(row.get('Article', '')).rstrip(':')}  (buildnumbers.json)"
            )
    return lines


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="endoflife.date checkout or bare git directory")
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--buildnumbers", type=Path, help="DataForGeeks buildnumbers.json")
    args = parser.parse_args()
    table = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    if not (args.path / "products").is_dir() and not (args.path / "HEAD").exists():
        print(f"{args.path}: not an endoflife.date checkout or git directory", file=sys.stderr)
        return 2
    when = subprocess.run(
        [
            "git",
            f"--git-dir={args.path if (args.path / 'HEAD').exists() else args.path / '.git'}",
            "log",
            "-1",
            "--format=%H %cs",
            args.rev,
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(f"source: endoflife.date {when or '(work tree)'}; table as_of {table['as_of']}")
    changes = compare(table, args.path, args.rev)
    if args.buildnumbers:
        import json

        data = json.loads(args.buildnumbers.read_text(encoding="utf-8-sig"))
        print(f"buildnumbers.json LastUpdatedUTC {data['DataForGeeks']['LastUpdatedUTC']}")
        changes += windows_missing(table, data)
    for line in changes:
        print(line)
    print(f"{len(changes)} difference(s)")
    age = (date.today() - date.fromisoformat(table["windows"]["updates_as_of"])).days
    print(
        f"windows.updates_as_of {table['windows']['updates_as_of']} ({age} days old): add the "
        "monthly UBRs from Microsoft's release-health pages (not in endoflife.date)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
