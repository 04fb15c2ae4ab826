"""Ubuntu's update-notifier MOTD file (/var/lib/update-notifier/updates-available).

apt-check writes it after each package-list refresh, readable by everyone, so it answers
"how many updates, how many for security" in a millisecond when `apt list` is slow. Lines:
`73 updates can be applied immediately.`, `3 of these updates are standard security updates.`
(older releases: `N updates are security updates.`), and `The list of available updates is
more than a week old.`.
"""

from __future__ import annotations

import itertools
import re

_TOTAL = re.compile(r"^(\d{1,7}) updates? can be (?:applied|installed) immediately\.")
_SECURITY = re.compile(
    r"^(\d{1,7})(?: of these)? updates? (?:is an?|are)(?: standard)? security updates?\."
)
_OLD = "list of available updates is more than a week old"


def parse_updates_available(text: str) -> dict[str, object] | None:
    """`upgradable`, `security_pending` and `stale`; None when the text has no count line."""
    total: int | None = None
    security = 0
    stale = False
    for line in itertools.islice(text.splitlines(), 200):
        line = line.strip()[:300]
        if match := _TOTAL.match(line):
            total = int(match.group(1))
        elif match := _SECURITY.match(line):
            security = int(match.group(1))
        elif _OLD in line:
            stale = True
    if total is None:
        return None
    return {"upgradable": total, "security_pending": security, "stale": stale}
