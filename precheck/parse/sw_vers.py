"""`sw_vers`: `ProductName:`, `ProductVersion:`, `BuildVersion:` (and `ProductVersionExtra:`)."""

from __future__ import annotations

import itertools

from precheck.host.text import bounded

_KEYS = {
    "ProductName": "product_name",
    "ProductVersion": "product_version",
    "BuildVersion": "build_version",
    "ProductVersionExtra": "extra",
}


def parse_sw_vers(text: str) -> dict[str, str]:
    """The fields present, each bounded; unknown lines are ignored and nothing raises."""
    fields: dict[str, str] = {}
    for line in itertools.islice(text.splitlines(), 50):
        key, sep, value = line.partition(":")
        name = _KEYS.get(key.strip())
        if sep and name and name not in fields:
            fields[name] = bounded(value.strip())
    return fields


def version_tuple(version: str) -> tuple[int, ...]:
    """ "15.7.3" -> (15, 7, 3); digits only, at most four parts, () when there are none."""
    parts: list[int] = []
    for piece in version.split(".")[:4]:
        digits = "".join(itertools.takewhile(str.isdigit, piece.strip()))[:9]
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)
