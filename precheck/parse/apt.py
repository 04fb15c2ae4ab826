"""`apt list --upgradable`: one `name/suite[,suite…] version arch [upgradable from: old]` a line."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(
    r"^(?P<name>[a-z0-9][a-z0-9+.\-]*)/(?P<suites>\S+)\s+(?P<version>\S+)\s+(?P<arch>\S+)"
    r"\s+\[upgradable from: (?P<old>[^\]]+)\]"
)


@dataclass(frozen=True)
class Upgradable:
    name: str
    suites: tuple[str, ...]
    version: str
    old_version: str

    @property
    def security(self) -> bool:
        return any(s.endswith("-security") or s.endswith("/updates") for s in self.suites)


def parse_upgradable(text: str) -> list[Upgradable]:
    found = []
    for line in text.splitlines():
        match = _LINE.match(line.strip())
        if match:
            found.append(
                Upgradable(
                    name=match["name"],
                    suites=tuple(match["suites"].split(",")),
                    version=match["version"],
                    old_version=match["old"].strip(),
                )
            )
    return found
