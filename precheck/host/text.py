"""Bytes from a command or file to text, whatever code page the machine used.

Windows tools print UTF-16LE when redirected (wmic), the console code page otherwise (cp932 on a
Japanese PC); everything else is UTF-8. Parsers then only ever see `str`.
"""

from __future__ import annotations

import codecs


def decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    if len(data) >= 4 and data[1::2].count(0) > len(data) // 4 and data[0::2].count(0) == 0:
        return data.decode("utf-16-le", errors="replace")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


LIMIT = 200
"""Longest machine- or user-supplied value kept in a fact, message, report or log."""


def bounded(text: str, limit: int = LIMIT) -> str:
    """`text` cut to `limit` characters, the cut marked with an ellipsis.

    A machine's text (an os-release line, a registry value, a version string) reaches facts,
    messages and the signed report; without a cap one hostile line could make a report the
    verifier refuses (4 MiB) or a page nobody can read.
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"
