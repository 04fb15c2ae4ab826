"""os-release(5): shell-style KEY=value lines, values optionally quoted with shell escapes.

Read with one regular-expression scan per line (no shlex: shlex took 17–20 s on a 1 MiB quoted
line), so parsing is linear in the input; each value is cut to `bounded`'s limit and at most
`MAX_FIELDS` keys of the first `MAX_LINES` lines are kept, so a broken or hostile file cannot
grow a report.
"""

from __future__ import annotations

import itertools
import re

from precheck.host.text import LIMIT, bounded

MAX_FIELDS = 100
MAX_LINES = 1000
"""A real os-release has about twenty lines; lines past this many are not read."""

# One shell word piece at a time: "double" (with \ escapes), 'single', \x, blanks, plain text,
# or any other single character (a quote that is never closed is kept as a character).
_PIECE = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|\\(.)|(\s+)|([^\s"\'\\]+)|(.)', re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_KEY = re.compile(r"[A-Za-z0-9_]+\Z")


def parse_os_release(text: str) -> dict[str, str]:
    """Keys as written (ID, VERSION_ID, …); comments, blank lines and broken lines are skipped."""
    fields: dict[str, str] = {}
    for raw in itertools.islice(text.splitlines(), MAX_LINES):
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip()
        if not _KEY.match(key):
            continue
        if key not in fields and len(fields) >= MAX_FIELDS:
            continue
        if len(value) > 4 * LIMIT:
            # Only the first LIMIT characters survive anyway: a cut inside quotes at most turns a
            # closing quote into a plain one, and the ellipsis still marks the cut.
            fields[key] = _unquote(value[: 4 * LIMIT])[: LIMIT - 1] + "…"
        else:
            fields[key] = bounded(_unquote(value))
    return fields


def _unquote(value: str) -> str:
    """The shell word(s) of `value`, words joined by one space, quotes and escapes removed."""
    words: list[str] = []
    current: list[str] = []
    kept = 0  # characters collected so far: past the cap the rest of the line is not needed
    for piece in _PIECE.finditer(value):
        if kept > LIMIT:
            break
        kept += len(piece.group())
        double, single, escaped, blank, plain, other = piece.groups()
        if blank is not None:
            if current:
                words.append("".join(current))
                current = []
        elif double is not None:
            current.append(_ESCAPE.sub(r"\1", double))
        elif single is not None:
            current.append(single)
        elif escaped is not None:
            current.append(escaped)
        elif plain is not None:
            current.append(plain)
        elif other not in ('"', "'"):
            current.append(other)
    if current:
        words.append("".join(current))
    return " ".join(words)
