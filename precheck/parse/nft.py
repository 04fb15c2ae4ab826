"""`nft -j list ruleset`: which input hooks filter, and which accept everything.

The JSON form (libnftables-json(5)) is nftables' machine-readable output: a list of `table`,
`chain` and `rule` objects. What matters for a host firewall is every chain hooked on `input`
(any table, any family) and the chains it reaches. Two questions decide it:

* the unconditional path: following, in order, only the rules that match every packet (and the
  chains they jump or go to), does a packet end in accept, in drop/reject, or fall through to
  the hook's policy? firewalld's `trusted` zone ends its chain in a bare `accept`, so every
  connection is let in although reject rules exist further on;
* otherwise: does any drop or reject verdict exist at all? A hook whose policy is accept and
  that reaches none lets every connection in, whatever service claims to be active (Lynis 3.0.8
  passes an empty accept-all ruleset; precheck must not).

Chains that Docker and libvirt create (DOCKER*, LIBVIRT_*) guard containers and VMs, not this
computer, so they are never counted as the host firewall.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MAX_INPUT = 8 << 20
MAX_ITEMS = 50_000
MAX_DEPTH = 64
FOREIGN_PREFIXES = ("DOCKER", "LIBVIRT_")
_NOT_CONDITIONS = {"counter", "log", "comment", "return", "continue", "jump", "goto"}
_VERDICTS = ("accept", "drop", "reject", "return")


@dataclass(frozen=True)
class Rule:
    """One rule, reduced to what the walk needs."""

    verdict: str | None  # accept, drop, reject, return or None
    target: str | None  # the chain it jumps or goes to
    goto: bool  # a goto never comes back to this chain
    conditional: bool  # it matches only some packets
    port: bool  # it matches a destination port


@dataclass
class InputHook:
    family: str
    table: str
    chain: str
    policy: str
    drops: bool = False  # a drop or reject verdict is reachable from this hook
    path: str = "policy"  # where the unconditional path ends: accept, drop or policy
    exceptions: int = 0  # accept rules that open a destination port
    broad: int = 0  # unconditional accept rules reached only unconditionally

    @property
    def filtering(self) -> bool:
        if self.path == "accept":
            return False
        return self.path == "drop" or self.policy in ("drop", "reject") or self.drops


@dataclass
class Ruleset:
    ok: bool
    hooks: list[InputHook] = field(default_factory=list)
    tables: int = 0


def is_foreign(name: str) -> bool:
    return name.upper().startswith(FOREIGN_PREFIXES)


def _rule(expr: list[Any]) -> Rule:
    verdict = target = None
    goto = port = conditional = False
    for item in expr[:200]:
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if key in _VERDICTS:
                verdict = key
            elif key in ("jump", "goto") and isinstance(value, dict):
                name = value.get("target")
                if isinstance(name, str):
                    target, goto = name[:100], key == "goto"
            if key not in _NOT_CONDITIONS and key not in _VERDICTS:
                # any other statement (match, xt, limit, …) narrows what the rule applies to
                conditional = True
                if key == "match" and "dport" in json.dumps(value)[:2000]:
                    port = True
    return Rule(verdict, target, goto, conditional, port)


def walk(hook: InputHook, chains: dict[str, list[Rule]]) -> None:
    """Fill `drops`, `path`, `exceptions` and `broad` of a hook from its table's chains."""
    seen: set[str] = set()

    todo = [(hook.chain, False)]
    while todo:  # every rule reachable at all: drop/reject, port exceptions, broad accepts
        name, conditional = todo.pop()
        if name in seen or (name != hook.chain and is_foreign(name)):
            continue
        seen.add(name)
        for rule in chains.get(name, [])[:MAX_ITEMS]:
            if rule.verdict in ("drop", "reject"):
                hook.drops = True
            if rule.verdict == "accept":
                hook.exceptions += rule.port
                hook.broad += not (rule.conditional or conditional)
            if rule.target:
                todo.append((rule.target, conditional or rule.conditional))

    def path(name: str, depth: int, stack: frozenset[str]) -> str:
        """accept, drop, or "none" (fell through or returned) for a packet every rule matches."""
        if depth > MAX_DEPTH or name in stack or (name != hook.chain and is_foreign(name)):
            return "none"
        for rule in chains.get(name, [])[:MAX_ITEMS]:
            if rule.conditional:
                continue
            if rule.target:
                ending = path(rule.target, depth + 1, stack | {name})
                if ending != "none" or rule.goto:
                    return ending
                continue
            if rule.verdict == "accept":
                return "accept"
            if rule.verdict in ("drop", "reject"):
                return "drop"
            if rule.verdict == "return":
                return "none"
        return "none"

    ending = path(hook.chain, 0, frozenset())
    hook.path = "policy" if ending == "none" else ending


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
    rules: dict[tuple[str, str], dict[str, list[Rule]]] = {}
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
            table = rules.setdefault((str(rule.get("family")), str(rule.get("table"))), {})
            table.setdefault(str(rule.get("chain"))[:100], []).append(_rule(rule["expr"]))
    for hook in hooks:
        walk(hook, rules.get((hook.family, hook.table), {}))
    return Ruleset(ok=True, hooks=hooks, tables=tables)
