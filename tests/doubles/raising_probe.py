"""A probe with a bug: the runner must report it as UNKNOWN and carry on."""

from __future__ import annotations

from precheck.host import Host
from precheck.model import Facts, Verdict
from precheck.probes import Context


def collect(host: Host, ctx: Context) -> Facts:
    return {"value": host.platform().system}


def decide(facts: Facts, ctx: Context) -> Verdict:
    raise ValueError("a bug in decide")
