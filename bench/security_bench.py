"""Firewall and antivirus probe timings, printed as figures (not a pass/fail test).

    .venv/bin/python bench/security_bench.py [--runs N]

- live: collect + decide of each probe on this machine (a fresh LiveHost per run, so nothing is
  cached), median and max;
- parsers: the time to parse 1 MiB of nft JSON, netsh text and iptables-save text;
- Windows replay: both probes run at once through the runner against a bundle whose `ps:batch`
  answer costs a simulated PowerShell start (0.5 s); the figures show how many times the batch
  was computed and the wall time, which stays near one start, not two.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from typing import Any

from precheck.catalogue import load_catalogue
from precheck.host import LiveHost, ReplayHost
from precheck.host.base import Answer, Producer
from precheck.parse.iptables_save import parse_iptables_save
from precheck.parse.netsh_advfirewall import parse_netsh_profiles
from precheck.parse.nft import parse_nft_json
from precheck.probes import Context, antivirus, firewall
from precheck.profile import load_profile
from precheck.runner import run_checks

POWERSHELL_START_S = 0.5


def context(check_id: str) -> Context:
    catalogue = load_catalogue()
    spec = catalogue.checks[check_id]
    return Context(spec.thresholds, catalogue.table, load_profile(None))


def live(runs: int) -> None:
    for name, module in (("firewall", firewall), ("antivirus", antivirus)):
        ctx = context(name)
        times = []
        code = ""
        for _ in range(runs):
            started = time.perf_counter()
            verdict = module.decide(module.collect(LiveHost(), ctx), ctx)
            times.append(time.perf_counter() - started)
            code = f"{verdict.status.value} {verdict.code}"
        print(
            f"live {name}: median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms over {runs} runs (verdict here: {code})"
        )


def parsers() -> None:
    rule = {"rule": {"family": "inet", "table": "t", "chain": "input",
                     "expr": [{"match": {"left": {"payload": {"field": "dport"}}, "right": 22}},
                              {"accept": None}]}}  # fmt: skip
    chain = {"chain": {"family": "inet", "table": "t", "name": "input", "hook": "input",
                       "type": "filter", "policy": "drop"}}  # fmt: skip
    inputs = {
        "nft JSON": (parse_nft_json, json.dumps({"nftables": [chain] + [rule] * 8000})),
        "netsh text": (parse_netsh_profiles, "Public Profile Settings:\nState  ON\n" * 30_000),
        "iptables-save": (parse_iptables_save, "-A INPUT -p tcp --dport 22 -j ACCEPT\n" * 30_000),
    }
    for label, (parse, text) in inputs.items():
        started = time.perf_counter()
        parse(text)
        elapsed = time.perf_counter() - started
        print(f"parse {label}: {len(text) / (1 << 20):.2f} MiB in {elapsed * 1000:.0f} ms")


class SlowPowerShell(ReplayHost):
    """A replay host whose `ps:batch` costs a PowerShell start, counting how often it is paid."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        super().__init__(bundle)
        self.batches = 0
        self._count = threading.Lock()

    def _answer(self, key: str, produce: Producer) -> Answer:
        if key == "ps:batch":
            with self._count:
                self.batches += 1
            time.sleep(POWERSHELL_START_S)
        return super()._answer(key, produce)


def windows_replay() -> None:
    sections = {
        "firewall": {"ok": {"connected": ["Private"], "profiles": [
            {"name": "Private", "enabled": "True", "inbound": "Block"}],
            "allow_rules": 4, "broad_rules": [], "products": None}},
        "antivirus": {"ok": {"security_center": True, "products": [
            {"name": "Bitdefender Antivirus", "state": 266240},
            {"name": "Windows Defender", "state": 393472}],
            "defender": {"RealTimeProtectionEnabled": False}}},
    }  # fmt: skip
    bundle = {"format": "precheck-evidence", "version": 1, "entries": {
        "sys:platform": {"ok": {"system": "windows", "release": "10", "version": "",
                                "machine": "amd64"}},
        "sys:now": {"ok": "2026-11-24T03:00:00+00:00"}, "sys:listening": {"ok": []},
        "ps:batch": {"ok": sections}}}  # fmt: skip
    host = SlowPowerShell(bundle)
    started = time.perf_counter()
    run = run_checks(host, load_catalogue(), profile=load_profile(None),
                     only=["firewall", "antivirus"])  # fmt: skip
    wall = time.perf_counter() - started
    verdicts = ", ".join(f"{r.id} {r.status.value}" for r in run.results)
    print(
        f"Windows replay, both probes at once: PowerShell batch computed {host.batches} time(s), "
        f"wall {wall * 1000:.0f} ms with a {POWERSHELL_START_S * 1000:.0f} ms start ({verdicts})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    live(runs)
    parsers()
    windows_replay()


if __name__ == "__main__":
    main()
