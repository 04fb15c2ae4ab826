"""A probe whose command never answers in time: a real `sleep`, run through the live host."""

from __future__ import annotations

from precheck.host import Host
from precheck.model import Facts, Status, Verdict
from precheck.probes import Context


def collect(host: Host, ctx: Context) -> Facts:
    host.run(["sleep", "60"], timeout=120)
    return {}


def decide(facts: Facts, ctx: Context) -> Verdict:
    return Verdict(Status.PASS, "never-reached")
