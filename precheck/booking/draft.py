"""The form draft: what the job seeker typed, kept until the booking is handed off.

Saved (0600, atomically) whenever the form has errors or the user stops before agreeing, loaded
as the defaults of the next `precheck book`, and deleted once the email draft is written (and
the intake submission sent or queued). A damaged draft is ignored, never a reason to fail.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from precheck import paths
from precheck.fsutil import write_atomic

FORMAT = "precheck-booking-draft/1"
KEYS = ("name", "job_seeker_number", "email", "phone", "slots", "topic", "interpreter")


def draft_path() -> Path:
    return paths.user_data_dir() / "booking-draft.json"


def save_draft(values: dict[str, Any]) -> Path:
    """Keep the typed fields (as typed: text and slot strings); raises fsutil.WriteError."""
    kept: dict[str, Any] = {}
    for key in KEYS:
        value = values.get(key)
        if key == "slots":
            kept[key] = [str(v) for v in (value or []) if str(v).strip()]
        elif value is not None:
            kept[key] = str(value)
    if values.get("private_room") is True:
        kept["private_room"] = True
    data = {"format": FORMAT, "fields": kept}
    path = draft_path()
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), private=True)
    return path


def load_draft() -> dict[str, Any]:
    """The saved fields, or {} when there is no readable draft."""
    try:
        data = json.loads(draft_path().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    fields = data.get("fields")
    if not isinstance(fields, dict):
        return {}
    out: dict[str, Any] = {}
    for key in KEYS:
        value = fields.get(key)
        if key == "slots" and isinstance(value, list):
            out[key] = [str(v) for v in value]
        elif isinstance(value, str):
            out[key] = value
    if fields.get("private_room") is True:
        out["private_room"] = True
    return out


def delete_draft() -> None:
    with contextlib.suppress(FileNotFoundError):
        draft_path().unlink()
