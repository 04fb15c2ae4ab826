"""Package versions without root: `dpkg-query -W -f '${Package}\\t${Version}\\n' NAMES…` (and
rpm's `rpm -q --qf '%{NAME}\\t%{VERSION}\\n' NAMES…`, the same two columns), and
Mozilla's application.ini (`Version=153.8.0`) for a Firefox installed outside dpkg.

Browser versions are read from these records, never by running the browser (`chromium
--version` starts it)."""

from __future__ import annotations

import itertools
import re

from precheck.host.text import bounded

_DPKG_VERSION = re.compile(r"^(?:\d+:)?(\d+(?:\.\d+)+)(?:esr)?(?:[-+~][^ ]*)?$")


def parse_dpkg_query(text: str) -> list[tuple[str, str]]:
    """`package<TAB>version` lines -> (package, upstream version); not-installed rows (empty
    version) and odd lines are dropped.

    "1:142.0-1~deb12u1" -> "142.0", "153.8.0esr-1" -> "153.8.0"; Ubuntu's snap stub
    "1:1snap1-0ubuntu5" has no browser version and is dropped.
    """
    rows = []
    for line in itertools.islice(text.splitlines(), 200):
        package, sep, version = line.partition("\t")
        match = _DPKG_VERSION.match(version.strip()[:100]) if sep else None
        if match:
            rows.append((bounded(package.strip(), 80), bounded(match.group(1), 80)))
    return rows


def application_ini_version(text: str) -> str | None:
    """`Version=153.8.0` from the [App] section of Mozilla's application.ini."""
    for line in itertools.islice(text.splitlines(), 200):
        key, sep, value = line.partition("=")
        if sep and key.strip() == "Version" and value.strip()[:1].isdigit():
            return bounded(value.strip(), 80)
    return None
