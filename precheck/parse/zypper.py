"""`zypper list-patches --category security`: a `|`-separated table, one patch a row.

A row whose Category is `security` and Status is `needed` (or `applicable`) is a pending
security patch; header, separator and summary lines have no such cells and are skipped.
"""

from __future__ import annotations

import itertools

from precheck.host.text import bounded

MAX_LINES = 5000


def parse_list_patches(text: str) -> dict[str, object]:
    """`security_pending` and up to five patch names; never raises."""
    names: list[str] = []
    count = 0
    for line in itertools.islice(text.splitlines(), MAX_LINES):
        cells = [cell.strip() for cell in line[:1000].split("|")]
        if len(cells) < 6:
            continue
        if cells[2] == "security" and cells[5] in ("needed", "applicable"):
            count += 1
            if len(names) < 5:
                names.append(bounded(cells[1], 80))
    return {"security_pending": count, "security_examples": names}
