"""Which language to speak: Japanese unless the user or their locale asks for English."""

from __future__ import annotations

import locale
import os

LANGS = ("ja", "en")


def pick_lang(requested: str | None = None) -> str:
    if requested in LANGS:
        return requested
    for var in ("PRECHECK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            if value.lower().startswith("en"):
                return "en"
            if value.lower().startswith("ja"):
                return "ja"
    try:
        name = locale.getlocale()[0] or ""
    except ValueError:
        name = ""
    return "en" if name.lower().startswith(("en", "english")) else "ja"
