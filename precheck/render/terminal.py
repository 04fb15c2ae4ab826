"""Results for a person at a terminal: one line per check, the fix under each problem.

Colour only on a terminal and never when NO_COLOR is set (https://no-color.org).
"""

from __future__ import annotations

import os
import sys
import unicodedata
from typing import TextIO

from precheck.messages import ui_text
from precheck.model import CheckResult, Status

SYMBOLS = {
    Status.PASS: "✓",
    Status.WARN: "⚠",
    Status.FAIL: "✗",
    Status.UNKNOWN: "?",
    Status.SKIPPED: "-",
}
COLOURS = {
    Status.PASS: "32",
    Status.WARN: "33",
    Status.FAIL: "31",
    Status.UNKNOWN: "35",
    Status.SKIPPED: "90",
}


_NO_LINE_END = set("「『【〔（([")
_NO_LINE_START = set("、。，．・：；？！）」』】〕ー々ゝゞぁぃぅぇぉっゃゅょァィゥェォッャュョ,.)")


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal: a full-width (Japanese) character takes two."""
    return sum(_width(c) for c in text)


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """Wrap by display width: at spaces in English, between characters in Japanese.

    textwrap only breaks at spaces, which Japanese does not have, and counts a full-width
    character as one column. Punctuation that may not start a line (kinsoku) takes the
    character before it down to the next line, so no line is ever wider than `width`. A Latin
    word inside Japanese ("qBittorrent", "sudo") moves down whole, as it would in English: cut
    in two, it reads as two words.
    """
    lines: list[str] = []
    line, used, prefix = "", 0, first
    for ch in text:
        if ch == " " and not line:
            continue
        w = _width(ch)
        if line and ch != " " and used + w > width - len(prefix):
            at = _break_at(line, ch)
            lines.append(prefix + line[:at].rstrip())
            line = line[at:].lstrip(" ")
            prefix = rest
            used = display_width(line)
        line += ch
        used += w
    if line:
        lines.append(prefix + line)
    return lines


def _break_at(line: str, ch: str) -> int:
    """Where `line` breaks when `ch` no longer fits: before an English word (at its space),
    before a Latin word that follows Japanese, before the character a closing mark (、。）)
    may not be parted from; never right after an opening mark (「（), which goes down with
    what it opens; else at the end."""
    cut = line.rfind(" ")
    word = _narrow_tail(line)
    if cut > 0 and all(_width(c) == 1 for c in line[cut:]):
        at = cut + 1
    elif _width(ch) == 1 and ch.isalnum() and 0 < word < len(line):
        at = word
    elif ch in _NO_LINE_START and len(line) > 1:
        at = len(line) - 1
    else:
        at = len(line)
    while at > 1 and line[at - 1] in _NO_LINE_END:
        at -= 1
    return at


def _narrow_tail(line: str) -> int:
    """Where the run of narrow, non-space characters at the end of `line` starts."""
    start = len(line)
    while start > 0 and line[start - 1] != " " and _width(line[start - 1]) == 1:
        start -= 1
    return start


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and not _dumb()


def _dumb() -> bool:
    """TERM=dumb (Emacs shells, some IDE consoles): no colour and no cursor control."""
    return os.environ.get("TERM") == "dumb"


def text_width() -> int:
    """Columns to wrap at: COLUMNS if set, else the terminal's own width, else 80 (a pipe).

    Capped at 100 so lines stay readable on a wide window, and at least 20 so the indented
    fix still has room.
    """
    import shutil

    columns = shutil.get_terminal_size((80, 24)).columns
    return max(20, min(columns, 100))


def paint(text: str, code: str, colour: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if colour else text


def format_result(result: CheckResult, lang: str, colour: bool, width: int = 80) -> str:
    """One check for a person: status and title, then summary and fix, wrapped to `width`
    columns (the terminal's: `text_width()`), one column spare so no terminal wraps by itself.
    """
    limit = width - 1
    status = ui_text(f"status.{result.status.value}").get(lang)
    head = f"{SYMBOLS[result.status]} {status}"
    first, *more = wrap(f"{head}  {result.title.get(lang)} [{result.id}]", limit, "", "    ")
    lines = [paint(head, COLOURS[result.status], colour) + first[len(head) :], *more]
    lines += wrap(result.summary.get(lang), limit, "    ", "    ")
    if result.remediation is not None:
        # numbered steps come as lines: each is wrapped on its own, under the arrow
        fix = ui_text("fix").get(lang)
        steps = result.remediation.get(lang).split("\n")
        lines += wrap(f"{fix}: {steps[0]}", limit, "    → ", "      ")
        for step in steps[1:]:
            lines += wrap(step, limit, "      ", "         ")
    return "\n".join(lines)


def format_overall(overall: str, lang: str, colour: bool, width: int = 80) -> str:
    code = {"ready": "32", "needs-attention": "33", "not-ready": "31", "partial": "33"}[overall]
    text = ui_text(f"overall.{overall}").get(lang)
    return "\n".join(paint(line, f"1;{code}", colour) for line in wrap(text, width - 1))


class Progress:
    """A one-line counter on stderr while probes run, only when stderr is a terminal."""

    def __init__(self, total: int, lang: str, stream: TextIO = sys.stderr) -> None:
        self.total, self.done, self.lang, self.stream = total, 0, lang, stream
        self.enabled = stream.isatty() and not _dumb()
        self._show()

    def step(self, _result: CheckResult) -> None:
        self.done += 1
        self._show()

    def _show(self) -> None:
        if self.enabled:
            text = ui_text("progress", done=self.done, total=self.total).get(self.lang)
            self.stream.write(f"\r{text}\033[K")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()
