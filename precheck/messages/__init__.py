"""The program's own sentences (not a check's): `precheck/messages/*.toml`, Japanese and English.

Each feature keeps its sentences in a file of its own here (core.toml, report.toml, …). This
module is separate from the requirement catalogue so that code that only needs a sentence —
the report verifier the office service imports, the booking rules — does not load the
catalogue's validation. `fill` is the one placeholder filler both use.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from precheck.model import Text

_HERE = Path(__file__).resolve().parent


class MessagesError(Exception):
    """A messages file is unreadable, or defines a key another file already defines."""


def read_toml(path: Path, error: type[Exception]) -> dict[str, Any]:
    """The TOML document at `path`; an unreadable or invalid file raises `error` naming it."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML ({exc})") from None


class _Params(dict[str, Any]):
    """Unknown placeholders stay visible as `{name}` instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: Text, params: Mapping[str, Any]) -> Text:
    """`template` with `{placeholders}` filled per language (a Text value gives each its own)."""

    def values(lang: str) -> _Params:
        return _Params({k: v.get(lang) if isinstance(v, Text) else v for k, v in params.items()})

    return Text(ja=template.ja.format_map(values("ja")), en=template.en.format_map(values("en")))


@cache
def _ui() -> dict[str, Any]:
    """All of precheck/messages/*.toml merged; a top-level key may appear in one file only."""
    merged: dict[str, Any] = {}
    for path in sorted(_HERE.glob("*.toml")):
        for key, value in read_toml(path, MessagesError).items():
            if key in merged:
                raise MessagesError(f"{path}: message key '{key}' is defined in another file too")
            merged[key] = value
    return merged


def all_messages() -> dict[str, Any]:
    """Every message table by its top-level key (for pages that ship a whole group of texts,
    and for the tests that read every sentence)."""
    return _ui()


def ui_template(key: str) -> Text | None:
    """The unfilled sentence under a dotted key, or None when there is none."""
    entry: Any = _ui()
    for part in key.split("."):
        entry = entry.get(part) if isinstance(entry, dict) else None
    if not isinstance(entry, dict) or "ja" not in entry:
        return None
    return Text(ja=entry["ja"], en=entry["en"])


def ui_text(key: str, /, **params: Any) -> Text:
    """A sentence of the program's own; dotted keys walk into tables: `ui_text("status.PASS")`.

    An unknown key comes back as itself in both languages, so a missing sentence shows up as
    its key on screen (and in tests) rather than crashing a run.
    """
    template = ui_template(key)
    return Text(ja=key, en=key) if template is None else fill(template, params)
