"""What macOS already knows about pending updates, without the network and without admin rights.

`defaults read /Library/Preferences/com.apple.SoftwareUpdate` prints the old-style plist that
Software Update writes after each background check: `LastRecommendedUpdatesAvailable = 3;`,
`LastSuccessfulDate = "2021-02-23 07:52:51 +0000";` and the `RecommendedUpdates` array whose
entries carry `"Display Name" = …;`. `softwareupdate -l` (asks Apple's servers, so only run
bounded in time) prints `* Label: …` entries (10.15+), `   * name` entries (older), or
"No new software available.".
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime

from precheck.host.text import bounded

MAX_LINES = 2000
MAX_NAMES = 5

_COUNT = re.compile(r"^\s*LastRecommendedUpdatesAvailable\s*=\s*(\d{1,6});")
_DATE = re.compile(
    r'^\s*LastSuccessfulDate\s*=\s*"?(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)"?;'
)
_NAME = re.compile(r'^\s*"Display Name"\s*=\s*"?(.*?)"?;\s*$')


def parse_softwareupdate_prefs(text: str) -> dict[str, object]:
    """`recommended` (int), `last_check` (ISO time) and `names` (up to five) when present."""
    facts: dict[str, object] = {}
    names: list[str] = []
    for line in itertools.islice(text.splitlines(), MAX_LINES):
        line = line[:400]
        if (match := _COUNT.match(line)) and "recommended" not in facts:
            facts["recommended"] = int(match.group(1))
        elif (match := _DATE.match(line)) and "last_check" not in facts:
            try:
                stamp = datetime.fromisoformat(
                    f"{match.group(1)}T{match.group(2)}{match.group(3)}:{match.group(4)}"
                )
            except ValueError:
                continue
            facts["last_check"] = stamp.isoformat()
        elif (match := _NAME.match(line)) and len(names) < MAX_NAMES:
            names.append(bounded(match.group(1), 80))
    if names:
        facts["names"] = names
    return facts


_LABEL = re.compile(r"^\s*\*\s+(?:Label:\s*)?(.+?)\s*$")
_TITLE = re.compile(r"^\s*Title:\s*([^,]+)")


def parse_softwareupdate_list(text: str) -> dict[str, object] | None:
    """`pending` and `names` from `softwareupdate -l`, or None when the text says neither."""
    names: list[str] = []
    pending = 0
    said_none = False
    for line in itertools.islice(text.splitlines(), MAX_LINES):
        line = line[:400]
        if "No new software available" in line:
            said_none = True
        elif (match := _LABEL.match(line)) or (match := _TITLE.match(line)):
            pending += 1
            if len(names) < MAX_NAMES:
                names.append(bounded(match.group(1).strip(), 80))
    if pending:
        return {"pending": pending, "names": names}
    return {"pending": 0, "names": []} if said_none else None
