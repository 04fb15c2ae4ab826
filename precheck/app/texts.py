"""The page's own words, in one language, from precheck/messages (app.toml and the shared keys).

The page never carries a sentence of its own: labels and notices come from the message catalogue,
so the CLI and the app say the same things (the booking form uses `precheck book`'s prompts).
"""

from __future__ import annotations

from typing import Any

from precheck.messages import ui_text

SHARED = [
    "heading",
    "fix",
    *(f"status.{s}" for s in ("PASS", "WARN", "FAIL", "UNKNOWN", "SKIPPED")),
    *(
        f"booking.cli.ask.{f}"
        for f in (
            "name",
            "job_seeker_number",
            "email",
            "phone",
            "slot1",
            "slot2",
            "topic",
            "interpreter",
            "private_room",
        )
    ),
    "booking.cli.label.slots",
    "booking.cli.errors",
    "booking.cli.warnings",
    "booking.consent.ask",
]
"""Keys outside `app.` that the page shows."""


def _keys(entry: Any, prefix: str) -> list[str]:
    if not isinstance(entry, dict):
        return []
    if "ja" in entry and "en" in entry:
        return [prefix]
    return [k for name, sub in entry.items() for k in _keys(sub, f"{prefix}.{name}")]


def page_texts(lang: str) -> dict[str, str]:
    """Every `app.*` message and the shared ones the page uses, as key -> text in `lang`.

    Placeholders stay as written ({office}, …) except the office's name, which the page fills.
    """
    from precheck.messages import all_messages

    keys = _keys(all_messages().get("app"), "app") + SHARED
    return {key: ui_text(key).get(lang) for key in keys}
