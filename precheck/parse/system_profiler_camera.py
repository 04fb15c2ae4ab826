"""Camera names from macOS `system_profiler SPCameraDataType` (plain text output).

The report lists each camera as a heading line ending in a colon, indented under `Camera:`,
followed by more deeply indented `Key: value` lines (Model ID, Unique ID). Only the names are
kept: the unique ID is a serial number and never leaves the parser.
"""

from __future__ import annotations

MAX_CAMERAS = 16
MAX_LINE = 400


def camera_names(text: str) -> list[str]:
    """Names of the cameras listed, in order; [] when none (or the text is something else)."""
    names: list[str] = []
    top: int | None = None
    for raw in text.splitlines():
        line = raw[:MAX_LINE].rstrip()
        stripped = line.lstrip()
        if not stripped.endswith(":") or ": " in stripped:
            continue
        indent = len(line) - len(stripped)
        if top is None:
            if stripped == "Camera:":
                top = indent
            continue
        if indent <= top:
            break
        name = stripped[:-1].strip()
        if name:
            names.append(name)
            if len(names) >= MAX_CAMERAS:
                break
    return names
