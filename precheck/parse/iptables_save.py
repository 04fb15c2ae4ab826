"""`iptables-save`: the filter table's INPUT policy and whether any rule drops or rejects.

Used when `nft` is missing (iptables-legacy systems). The format is the one iptables-restore
reads: `*table`, `:CHAIN POLICY [packets:bytes]`, `-A CHAIN … -j TARGET`, `COMMIT`.
"""

from __future__ import annotations

from dataclasses import dataclass

from precheck.parse.nft import is_foreign

MAX_LINES = 100_000


@dataclass(frozen=True)
class InputChain:
    policy: str | None  # None: no filter table with an INPUT chain
    drops: bool
    exceptions: int
    broad: int


def parse_iptables_save(text: str) -> InputChain:
    table = ""
    policy: str | None = None
    chains: dict[str, list[tuple[str, bool, bool]]] = {}
    for raw in text.splitlines()[:MAX_LINES]:
        line = raw.strip()[:2000]
        if line.startswith("*"):
            table = line[1:]
        elif table != "filter":
            continue
        elif line.startswith(":INPUT "):
            parts = line.split()
            policy = parts[1].lower() if len(parts) > 1 else None
        elif line.startswith("-A "):
            words = line.split()
            if len(words) < 2:
                continue
            target = words[words.index("-j") + 1] if "-j" in words[:-1] else ""
            port = "--dport" in words or "--dports" in words
            matches = len(words) > 4
            chains.setdefault(words[1], []).append((target, port, matches))
    drops = False
    exceptions = broad = 0
    seen: set[str] = set()
    todo = [("INPUT", False)]
    while todo:
        name, conditional = todo.pop()
        if name in seen or (name != "INPUT" and is_foreign(name)):
            continue
        seen.add(name)
        for target, port, matches in chains.get(name, []):
            if target in ("DROP", "REJECT"):
                drops = True
            elif target == "ACCEPT":
                exceptions += port
                broad += not (matches or conditional)
            elif target in chains:
                todo.append((target, conditional or matches))
    return InputChain(policy=policy, drops=drops, exceptions=exceptions, broad=broad)
