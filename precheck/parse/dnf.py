"""`dnf updateinfo list --security` (and yum's `updateinfo list security`): one advisory and
package a line, `RHSA-2020:2894 Important/Sec. dbus-1:1.10.24-14.el7_8.x86_64`.

Counted per package name (several advisories often update one package), so the number is what
a person would install; header lines ("Last metadata expiration check…") have no `/Sec.` cell.
"""

from __future__ import annotations

import itertools
import re

from precheck.host.text import bounded

MAX_LINES = 20000
_LINE = re.compile(r"^\s*(\S{1,100})\s+(\w{1,20})/Sec\.\s+(\S{1,300})\s*$")
_NEVRA = re.compile(r"^(.+?)-(?:\d+:)?\d[^-]*-[^-]+$")


def parse_updateinfo(text: str) -> dict[str, object]:
    """`security_pending` (distinct packages) and up to five package names; never raises."""
    names: set[str] = set()
    for line in itertools.islice(text.splitlines(), MAX_LINES):
        match = _LINE.match(line[:500])
        if not match:
            continue
        nevra = match.group(3).rsplit(".", 1)[0]  # drop the architecture
        name = _NEVRA.match(nevra)
        names.add(bounded(name.group(1) if name else nevra, 80))
    return {"security_pending": len(names), "security_examples": sorted(names)[:5]}
