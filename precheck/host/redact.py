"""Remove what identifies a person or a machine from every answer before anything sees it.

Redaction happens in the live host itself, so the verdicts of a live run and of its replay are
computed from the very same text, and a bundle cannot hold what was never kept. What goes: the
user's name and home folder, the host name, every address of this machine's interfaces, and any
MAC or IPv4 address in the text.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_MAC = re.compile(r"(?i)(?<![0-9a-f:-])(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}(?![0-9a-f:-])")
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])"
)
_NOT_IDENTIFYING = {"root", "localhost", "user", "admin", "administrator", ""}


class Redactor:
    def __init__(self, secrets: Iterable[str]) -> None:
        words = sorted(
            {s for s in secrets if len(s) >= 3 and s.lower() not in _NOT_IDENTIFYING},
            key=len,
            reverse=True,
        )
        self._pattern = (
            re.compile("|".join(rf"(?<![\w]){re.escape(w)}(?![\w])" for w in words), re.IGNORECASE)
            if words
            else None
        )
        self._home = [w for w in words if os.sep in w or "/" in w]

    @classmethod
    def for_this_machine(cls) -> Redactor:
        secrets: list[str] = []
        with contextlib.suppress(KeyError, OSError):
            secrets.append(getpass.getuser())
        home = str(Path.home())
        secrets += [home, home.replace("\\", "/")]
        host = socket.gethostname()
        secrets += [host, host.split(".")[0]]
        try:
            import psutil

            for name, addrs in psutil.net_if_addrs().items():
                for addr in addrs:
                    secrets.append(addr.address.split("%")[0])
                del name
        except Exception:  # psutil may be denied on locked-down machines: regexes still apply
            pass
        return cls(secrets)

    def text(self, value: str) -> str:
        if self._pattern is not None:
            value = self._pattern.sub(self._replacement, value)
        value = _MAC.sub("<mac>", value)
        return _IPV4.sub("<ip>", value)

    def _replacement(self, match: re.Match[str]) -> str:
        word = match.group(0)
        if any(word.lower() == h.lower() for h in self._home):
            return "~"
        return "<redacted>"

    def value(self, value: Any) -> Any:
        """Redact every string inside a JSON value, keys included."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        return value
