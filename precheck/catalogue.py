"""The requirement catalogue (`checks/`): loaded, validated, and turned into sentences.

The catalogue is data an office's security staff can review without reading Python: one TOML
file per condition, plus reference tables under `checks/tables/`. Everything a user reads about
a check comes from here, so a decide function only ever names a message code.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from precheck.messages import fill, read_toml, ui_template, ui_text
from precheck.model import Phrase, Status, Text
from precheck.resources import shipped_dir

SYSTEMS = ("windows", "darwin", "linux")


class CatalogueError(Exception):
    """A catalogue file is missing, unreadable or wrong; the message names the file and field."""


@dataclass(frozen=True)
class CheckSpec:
    id: str
    order: int
    articles: tuple[str, ...]
    required: bool
    timeout: float
    title: Text
    rationale: Text
    thresholds: Mapping[str, Any]
    messages: Mapping[str, Text]
    remediation: Mapping[str, Mapping[str, Text]]
    statuses: Mapping[str, Status] = field(default_factory=dict)
    systems: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def message(self, code: str, params: Mapping[str, Any]) -> Text:
        template = self.messages.get(code) or ui_text(code)
        return fill(template, self._phrases(params))

    def _phrases(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Render Phrase values (and lists of them) into per-language Text."""
        out: dict[str, Any] = {}
        for key, value in params.items():
            if isinstance(value, Phrase):
                value = [value]
            if isinstance(value, list) and value and all(isinstance(v, Phrase) for v in value):
                parts = [self.message(p.code, p.params) for p in value]
                value = Text(ja="、".join(p.ja for p in parts), en=", ".join(p.en for p in parts))
            out[key] = value
        return out

    def remediation_for(self, code: str, system: str, params: Mapping[str, Any]) -> Text | None:
        """The fix for `code` on `system`, falling back to the check's text for any system."""
        per_os = self.remediation.get(code)
        if per_os is None:
            # the runner's generic UNKNOWN codes get the common next step unless the check has
            # one of its own (precheck/messages/core.toml [next.*])
            generic = ui_template(f"next.{code}")
            return None if generic is None else fill(generic, self._phrases(params))
        template = per_os.get(system) or per_os.get("any")
        return fill(template, self._phrases(params)) if template else None


@dataclass(frozen=True)
class Catalogue:
    version: str
    as_of: str
    digest: str
    checks: Mapping[str, CheckSpec]
    root: Path

    def ordered(self) -> list[CheckSpec]:
        return sorted(self.checks.values(), key=lambda c: c.order)

    def table(self, name: str) -> dict[str, Any]:
        return load_table(self.root, name)


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(path, CatalogueError)


def _text(data: Mapping[str, Any], name: str, where: str) -> Text:
    value = data.get(name)
    if not isinstance(value, dict):
        raise CatalogueError(f"{where}: field '{name}' must be a table with 'ja' and 'en'")
    for lang in ("ja", "en"):
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise CatalogueError(f"{where}: field '{name}.{lang}' is missing or empty")
    return Text(ja=value["ja"], en=value["en"])


def parse_check(data: Mapping[str, Any], where: str) -> CheckSpec:
    """Validate one check file's content; every error names `where` and the field."""
    check_id = data.get("id")
    if not isinstance(check_id, str) or not check_id:
        raise CatalogueError(f"{where}: field 'id' is missing")
    articles = data.get("articles")
    if (
        not isinstance(articles, list)
        or not articles
        or not all(isinstance(a, str) for a in articles)
    ):
        raise CatalogueError(f"{where}: field 'articles' must be a non-empty list of strings")
    order = data.get("order")
    if not isinstance(order, int):
        raise CatalogueError(f"{where}: field 'order' must be a whole number")
    required = data.get("required")
    if not isinstance(required, bool):
        raise CatalogueError(f"{where}: field 'required' must be true or false")
    timeout = data.get("timeout", 10.0)
    if not isinstance(timeout, (int, float)) or not 0 < timeout <= 300:
        raise CatalogueError(f"{where}: field 'timeout' must be seconds between 0 and 300")
    thresholds = data.get("thresholds", {})
    if not isinstance(thresholds, dict):
        raise CatalogueError(f"{where}: field 'thresholds' must be a table")
    messages: dict[str, Text] = {}
    statuses: dict[str, Status] = {}
    message_systems: dict[str, tuple[str, ...]] = {}
    raw_messages = data.get("messages", {})
    if not isinstance(raw_messages, dict):
        raise CatalogueError(f"{where}: field 'messages' must be a table")
    for code, body in raw_messages.items():
        if not isinstance(body, dict):
            raise CatalogueError(f"{where}: field 'messages.{code}' must be a table")
        messages[code] = _text(raw_messages, code, where)
        if "status" in body:
            try:
                statuses[code] = Status(body["status"])
            except ValueError:
                raise CatalogueError(
                    f"{where}: field 'messages.{code}.status' must be one of "
                    + ", ".join(s.value for s in Status)
                ) from None
        systems = body.get("systems", list(SYSTEMS))
        if (
            not isinstance(systems, list)
            or not systems
            or not all(system in SYSTEMS for system in systems)
        ):
            raise CatalogueError(
                f"{where}: field 'messages.{code}.systems' must be a non-empty list of "
                "windows, darwin, linux"
            )
        message_systems[code] = tuple(systems)
    remediation: dict[str, dict[str, Text]] = {}
    raw_rem = data.get("remediation", {})
    if not isinstance(raw_rem, dict):
        raise CatalogueError(f"{where}: field 'remediation' must be a table")
    for code, per_os in raw_rem.items():
        if not isinstance(per_os, dict):
            raise CatalogueError(f"{where}: field 'remediation.{code}' must be a table")
        remediation[code] = {}
        for system in per_os:
            if system not in (*SYSTEMS, "any"):
                raise CatalogueError(
                    f"{where}: field 'remediation.{code}.{system}': system must be one of "
                    "windows, darwin, linux, any"
                )
            remediation[code][system] = _text(per_os, system, f"{where} remediation.{code}")
    return CheckSpec(
        id=check_id,
        order=order,
        articles=tuple(articles),
        required=required,
        timeout=float(timeout),
        title=_text(data, "title", where),
        rationale=_text(data, "rationale", where),
        thresholds=thresholds,
        messages=messages,
        remediation=remediation,
        statuses=statuses,
        systems=message_systems,
    )


def _digest(root: Path) -> str:
    """SHA-256 over every catalogue file's relative path and bytes, so reports name their rules."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.toml")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


@cache
def load_catalogue(root: Path | None = None) -> Catalogue:
    root = root or shipped_dir("checks")
    meta = _read_toml(root / "catalogue.toml")
    where = str(root / "catalogue.toml")
    for name in ("version", "as_of"):
        if not isinstance(meta.get(name), str):
            raise CatalogueError(f"{where}: field '{name}' is missing")
    checks: dict[str, CheckSpec] = {}
    for path in sorted(root.glob("*.toml")):
        if path.name in ("catalogue.toml",):
            continue
        spec = parse_check(_read_toml(path), str(path))
        if spec.id != path.stem:
            raise CatalogueError(
                f"{path}: field 'id' is {spec.id!r} but the file is named {path.stem!r}"
            )
        checks[spec.id] = spec
    for path in sorted((root / "tables").glob("*.toml")):
        load_table(root, path.stem)
    return Catalogue(
        version=meta["version"], as_of=meta["as_of"], digest=_digest(root), checks=checks, root=root
    )


# What each reference table's rows must hold, so a typo in a table an office edits fails at load
# with the file and field named, never later inside a probe. A row path walks the TOML: `*` is
# every key of a table, `name[]` every entry of an array of tables. A field kind ending in `?` is
# optional; `a|b|c` is a choice of words. Tables not listed here need only `source` and `as_of`.
_IDENTIFIERS = {
    name: "list?"
    for name in (
        "windows_exe", "windows_exe_unverified", "macos_apps", "macos_bundle_ids",
        "macos_app_prefixes", "macos_bundle_id_prefixes", "debian_packages", "linux_binaries",
        "linux_cmdline", "systemd_units", "flatpak_ids", "windows_display_names",
    )
}  # fmt: skip
_TABLE_ROWS: dict[str, tuple[tuple[str, dict[str, str]], ...]] = {
    "os-lifecycle": (
        ("linux.*.*", {"name": "str", "supported_until": "date?", "released": "date?",
                       "security_until": "date?", "paid_until": "date?", "codename": "str?",
                       "latest_minor": "str?"}),
        ("windows", {"source": "str", "updates_as_of": "date", "unsupported_below_build": "int",
                     "servicing_months_home_pro": "int", "servicing_months_enterprise": "int"}),
        ("windows.editions", {"home_pro": "list", "enterprise": "list", "ltsc_suffix": "str"}),
        ("windows.builds.*", {"name": "str", "version": "str", "source": "str",
                              "released": "date?", "home_pro_until": "date?",
                              "enterprise_until": "date?", "updates_like": "int?"}),
        ("windows.ltsc.*", {"name": "str", "until": "date", "source": "str",
                            "released": "date?", "iot_until": "date?"}),
        ("windows.esu.*", {"name": "str", "consumer_until": "date", "commercial_until": "date",
                           "evidence_after_ubr": "int", "source": "str"}),
        ("windows.server.*", {"name": "str", "until": "date", "source": "str",
                              "mainstream_until": "date?", "esu_until": "date?"}),
        ("windows.updates[]", {"builds": "list-int", "date": "date", "ubr": "int",
                               "kind": "security|preview|hotpatch", "source": "str",
                               "kb": "str?"}),
        ("darwin", {"source": "str", "supported_majors": "int", "intel_last_major": "int?"}),
        ("darwin.releases.*", {"name": "str", "status": "supported|ending|unsupported",
                               "source": "str", "released": "date?", "latest": "str?",
                               "latest_date": "date?", "eol": "date?"}),
        ("mobile", {"source": "str", "as_of": "date"}),
        ("mobile.releases.*.*", {"name": "str", "status": "supported|backports|eol",
                                 "source": "str", "released": "date?",
                                 "supported_until": "date?"}),
    ),
    "file-sharing": (
        ("programs[]", {"id": "str", "name": "str", "kind": "p2p|p2p-capable",
                        "network": "str", "source": "str", "note": "str?", **_IDENTIFIERS}),
        ("near_misses[]", {"id": "str", "name": "str", "decision": "ignore|recorder|confirm",
                           "source": "str", "note": "str?", **_IDENTIFIERS}),
    ),
    "recording": (
        ("programs[]", {"id": "str", "name": "str", "kind": "screen|audio", "builtin": "bool",
                        "source": "str", **_IDENTIFIERS}),
    ),
    "antivirus": (
        ("products[]", {"id": "str", "name": "str", "vendor": "str", "microsoft": "bool",
                        "platforms": "list",
                        "family": "microsoft_defender|macos_xprotect|clamav|other_products",
                        "source": "str", "windows_display_names": "list?", "commands": "list?",
                        "processes": "list?", "paths": "list?", "systemd_units": "list?",
                        "macos_apps": "list?"}),
    ),
    "browsers": (
        ("browsers.*", {"name": "str", "rule": "rapid-major|release-major|esr|build-age|os",
                        "may_fail": "bool", "source": "str", "anchor_major": "int?",
                        "anchor_date": "date?", "cadence_days": "int?",
                        "expected_on_as_of": "int?", "releases": "dates?", "latest": "str?",
                        "supported_branches": "list-int?", "old_os_branches": "list-int?",
                        "old_os_until": "date?", "unsupported_branches": "list-int?",
                        "windows_registry": "list?", "macos_app": "str?",
                        "linux_packages": "list?"}),
    ),
    "exposed-services": (
        ("ports[]", {"port": "int", "proto": "tcp|udp", "name": "str",
                     "category": "file-sharing|remote-access|database", "source": "str"}),
    ),
    "meeting-app": (
        ("apps[]", {"id": "str", "name": "str", "platforms": "list", "source": "str",
                    **_IDENTIFIERS}),
    ),
    "wifi-free-japan": (
        ("ssids[]", {"ssid": "str", "operator": "str", "security": "str",
                     "status": "active|ended|unknown", "verified": "bool", "source": "str"}),
        ("patterns[]", {"pattern": "regex", "source": "str"}),
    ),
}  # fmt: skip


def _is_date(value: Any) -> bool:
    if isinstance(value, date):
        return True
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _kind_error(value: Any, kind: str) -> str | None:
    """None when `value` fits `kind`, else what the field must be (for the message)."""
    if kind == "str":
        return None if isinstance(value, str) and value.strip() else "a non-empty string"
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "a whole number"
    if kind == "bool":
        return None if isinstance(value, bool) else "true or false"
    if kind == "date":
        return None if _is_date(value) else "a date (YYYY-MM-DD)"
    if kind == "list":
        ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        return None if ok else "a list of strings"
    if kind == "list-int":
        ok = isinstance(value, list) and bool(value) and all(isinstance(v, int) for v in value)
        return None if ok else "a non-empty list of whole numbers"
    if kind == "dates":
        ok = isinstance(value, dict) and all(_is_date(v) for v in value.values())
        return None if ok else "a table of dates (YYYY-MM-DD)"
    if kind == "regex":
        try:
            re.compile(value)
        except (TypeError, re.error):
            return "a regular expression"
        return None
    choices = kind.split("|")
    return None if value in choices else "one of " + ", ".join(choices)


def _rows(data: Any, parts: list[str], prefix: str) -> Iterator[tuple[str, Any]]:
    """Every row the path `parts` reaches, with its dotted name; a missing step is an error."""
    if not parts:
        yield prefix, data
        return
    part, rest = parts[0], parts[1:]
    if not isinstance(data, dict):
        raise CatalogueError(f"field '{prefix}' must be a table")
    join = (prefix + ".") if prefix else ""
    if part == "*":
        for key, value in data.items():
            yield from _rows(value, rest, f"{join}{key}")
        return
    name = part.removesuffix("[]")
    if name not in data:
        raise CatalogueError(f"field '{join}{name}' is missing")
    if part.endswith("[]"):
        entries = data[name]
        if not isinstance(entries, list) or not entries:
            raise CatalogueError(f"field '{join}{name}' must be a non-empty array of tables")
        for index, entry in enumerate(entries):
            yield from _rows(entry, rest, f"{join}{name}[{index}]")
        return
    yield from _rows(data[name], rest, f"{join}{name}")


def validate_table(name: str, data: Mapping[str, Any], where: str) -> None:
    """Check a reference table's `source`, `as_of` and rows; errors name `where` and the field."""
    if not isinstance(data.get("source"), str) or not data["source"].strip():
        raise CatalogueError(f"{where}: field 'source' is missing")
    if not isinstance(data.get("as_of"), str) or not _is_date(data["as_of"]):
        raise CatalogueError(f"{where}: field 'as_of' must be a date (YYYY-MM-DD)")
    for path, fields in _TABLE_ROWS.get(name, ()):
        try:
            rows = list(_rows(data, path.split("."), ""))
        except CatalogueError as exc:
            raise CatalogueError(f"{where}: {exc}") from None
        for row_name, row in rows:
            if not isinstance(row, dict):
                raise CatalogueError(f"{where}: field '{row_name}' must be a table")
            for field_name, kind in fields.items():
                optional = kind.endswith("?")
                if field_name not in row:
                    if optional:
                        continue
                    raise CatalogueError(f"{where}: field '{row_name}.{field_name}' is missing")
                problem = _kind_error(row[field_name], kind.removesuffix("?"))
                if problem:
                    raise CatalogueError(
                        f"{where}: field '{row_name}.{field_name}' must be {problem}"
                    )


@cache
def load_table(root: Path, name: str) -> dict[str, Any]:
    path = root / "tables" / f"{name}.toml"
    data = _read_toml(path)
    validate_table(name, data, str(path))
    return data
