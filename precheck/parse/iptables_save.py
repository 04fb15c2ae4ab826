"""`iptables-save`: the filter table's INPUT chain, walked like an nftables input hook.

Used when `nft` is missing (iptables-legacy systems). The format is the one iptables-restore
reads: `*table`, `:CHAIN POLICY [packets:bytes]`, `-A CHAIN … -j|-g TARGET`, `COMMIT`. A rule
with nothing but `-A CHAIN -j TARGET` matches every packet; anything more narrows it.
"""

from __future__ import annotations

from precheck.parse.nft import InputHook, Rule, walk

MAX_LINES = 100_000
_VERDICTS = {"ACCEPT": "accept", "DROP": "drop", "REJECT": "reject", "RETURN": "return"}


def parse_iptables_save(text: str) -> InputHook | None:
    """The filter table's INPUT chain, or None when there is no filter table with one."""
    table = ""
    policy: str | None = None
    chains: dict[str, list[Rule]] = {}
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
            jump = next((i for i, w in enumerate(words[:-1]) if w in ("-j", "-g")), None)
            if len(words) < 2 or jump is None:
                continue
            target = words[jump + 1][:100]
            verdict = _VERDICTS.get(target)
            chains.setdefault(words[1][:100], []).append(
                Rule(
                    verdict=verdict,
                    target=None if verdict else target,
                    goto=words[jump] == "-g",
                    conditional=len(words) > 4,
                    port="--dport" in words or "--dports" in words,
                )
            )
    if policy is None:
        return None
    hook = InputHook(family="ip", table="filter", chain="INPUT", policy=policy)
    walk(hook, chains)
    return hook
