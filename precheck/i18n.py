"""Which language to speak: Japanese, unless the user asks for English or their system
explicitly speaks another language.

The people precheck serves are Japanese, so an unset or neutral locale (C, POSIX, C.UTF-8, as on
many Debian installs) means Japanese. Python's locale.getlocale() turns a C locale into en_US,
so it is only asked on Windows, where it reports the user's own display language.
"""

from __future__ import annotations

import os
import sys

LANGS = ("ja", "en")
_NEUTRAL = ("c", "posix")


def lang_of(value: str) -> str | None:
    """ja or en for an explicit language setting; None for an empty or neutral (C) one."""
    name = value.strip().lower()
    if not name or name.split(".")[0].split("@")[0] in _NEUTRAL:
        return None
    return "ja" if name.startswith("ja") else "en"


def pick_lang(requested: str | None = None) -> str:
    if requested in LANGS:
        return requested
    for var in ("PRECHECK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        found = lang_of(os.environ.get(var, ""))
        if found:
            return found
    if sys.platform == "win32":
        import locale

        try:
            name = locale.getlocale()[0] or ""
        except ValueError:
            name = ""
        return lang_of(name) or "ja"
    return "ja"
