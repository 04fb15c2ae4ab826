"""The office profile: one office's settings (booking rules, contacts, report validity).

The built-in default is Hello Work Tonami as its terms describe it
(`checks/profiles/hellowork-tonami.toml`); `--profile FILE` loads another office's file,
validated here so a typo gives a message naming the file and field, never a traceback.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from precheck.catalogue import CatalogueError
from precheck.resources import data_dir

DEFAULT_PROFILE = "hellowork-tonami"


class ProfileError(CatalogueError):
    """An office profile is unreadable or wrong; the message names the file and field."""


_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "timezone": str,
    "name.ja": str,
    "name.en": str,
    "booking.session_minutes": int,
    "booking.windows": list,
    "booking.lead_days": int,
    "report.validity_days": int,
}


def _get(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def load_profile(path: Path | None = None) -> dict[str, Any]:
    """Load and validate a profile; None means the built-in default."""
    path = path or data_dir("checks") / "profiles" / f"{DEFAULT_PROFILE}.toml"
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such file") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML ({exc})") from None
    for dotted, kind in _REQUIRED.items():
        value = _get(data, dotted)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ProfileError(f"{path}: field '{dotted}' is missing or has the wrong type")
    return data
