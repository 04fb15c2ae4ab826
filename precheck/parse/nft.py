"""`nft -j list ruleset`: which input hooks filter, and which accept everything.

The JSON form (libnftables-json(5)) is nftables' machine-readable output: a list of `table`,
`chain` and `rule` objects. What matters for a host firewall is every chain hooked on `input`
(any table, any family) and the chains it jumps to: a hook whose policy is accept and that
reaches no drop or reject verdict lets every connection in, whatever service claims to be
active (Lynis 3.0.8 passes an empty accept-all ruleset; precheck must not). Chains that Docker
and libvirt create (DOCKER*, LIBVIRT_*) guard containers and VMs, not this computer, so they
are never counted as the host firewall.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MAX_INPUT = 8 << 20
MAX_ITEMS = 50_000
FOREIGN_PREFIXES = ("DOCKER", "LIBVIRT_")
_NOT_CONDITIONS = {"counter", "log", "comment", "return", "continue"}


@dataclass
class InputHook:
    family: str
    table: str
    chain: str
    policy: str
    drops: bool = False  # a drop or reject verdict is reachable from this hook
    exceptions: int = 0  # accept rules that open a destination port
    broad: int = 0  # accept rules that match nothing at all


@dataclass
class Ruleset:
    ok: bool
    hooks: list[InputHook] = field(default_factory=list)
    tables: int = 0


def is_foreign(name: str) -> bool:
    return name.upper().startswith(FOREIGN_PREFIXES)


def _verdicts(expr: list[Any]) -> tuple[set[str], list[str], bool, bool]:
    """(verdicts, jump targets, matches a port, matches anything) of one rule's expressions."""
    verdicts: set[str] = set()
    targets: list[str] = []
    port = False
    matches = False
    for item in expr[:200]:
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if key in ("drop", "reject", "accept"):
                verdicts.add(key)
            elif key in ("jump", "goto") and isinstance(value, dict):
                target = value.get("target")
                if isinstance(target, str):
                    targets.append(target)
            elif key not in _NOT_CONDITIONS:
                # any other statement (match, xt, limit, …) narrows what the rule applies to
                matches = True
                if key == "match" and "dport" in json.dumps(value)[:2000]:
                    port = True
    return verdicts, targets, port, matches


def parse_nft_json(text: str) -> Ruleset:
    """Input hooks of a ruleset; `ok` is False when the text is not nft's JSON."""
    try:
        data = json.loads(text[:MAX_INPUT])
    except (ValueError, RecursionError):
        return Ruleset(ok=False)
    items = data.get("nftables") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return Ruleset(ok=False)
    tables = 0
    hooks: list[InputHook] = []
    # (family, table, chain) -> list of (verdicts, targets, port, matches)
    rules: dict[tuple[str, str, str], list[tuple[set[str], list[str], bool, bool]]] = {}
    for item in items[:MAX_ITEMS]:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("table"), dict):
            tables += 1
        chain = item.get("chain")
        if isinstance(chain, dict) and chain.get("hook") == "input":
            name = str(chain.get("name", ""))[:100]
            if not is_foreign(name) and chain.get("type", "filter") == "filter":
                hooks.append(
                    InputHook(
                        family=str(chain.get("family", ""))[:20],
                        table=str(chain.get("table", ""))[:100],
                        chain=name,
                        policy=str(chain.get("policy", "accept"))[:20],
                    )
                )
        rule = item.get("rule")
        if isinstance(rule, dict) and isinstance(rule.get("expr"), list):
            key = (str(rule.get("family")), str(rule.get("table")), str(rule.get("chain")))
            rules.setdefault(key, []).append(_verdicts(rule["expr"]))
    for hook in hooks:
        # A chain reached only through a conditional jump (ufw's limit and skip chains) holds
        # no broad rule even when its own accept matches nothing: the jump did the matching.
        seen: set[str] = set()
        todo = [(hook.chain, False)]
        while todo:
            name, conditional = todo.pop()
            if name in seen or (name != hook.chain and is_foreign(name)):
                continue
            seen.add(name)
            for verdicts, targets, port, matches in rules.get((hook.family, hook.table, name), []):
                if verdicts & {"drop", "reject"}:
                    hook.drops = True
                if "accept" in verdicts:
                    hook.exceptions += port
                    hook.broad += not (matches or conditional)
                todo.extend((target, conditional or matches) for target in targets)
    return Ruleset(ok=True, hooks=hooks, tables=tables)
