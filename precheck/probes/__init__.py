"""Probes: one module per condition, each with two functions.

    collect(host, ctx) -> Facts      asks the Host (and only the Host) about the machine
    decide(facts, ctx) -> Verdict    pure: facts and the catalogue's thresholds to a verdict

A check id listed in the catalogue but not here is reported as SKIPPED with the reason.
Modules are imported by the runner inside the probe's own thread, so a slow import (cv2,
cpuinfo) never sits on the start-up path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from precheck.host import Host
from precheck.model import Facts, Verdict

PROBES: dict[str, str] = {
    "os-support": "precheck.probes.os_support",
    "load": "precheck.probes.load",
    "network": "precheck.probes.network",
    "meeting-app": "precheck.probes.meeting_app",
    "file-sharing": "precheck.probes.file_sharing",
    "recording": "precheck.probes.recording",
    "camera": "precheck.probes.camera",
    "microphone": "precheck.probes.microphone",
    "browser": "precheck.probes.browser",
    "firewall": "precheck.probes.firewall",
    "antivirus": "precheck.probes.antivirus",
}


@dataclass(frozen=True)
class Context:
    """What a probe may know besides the machine: its thresholds, tables and the office profile."""

    thresholds: Mapping[str, Any]
    tables: Any  # a callable: name -> table data (Catalogue.table)
    profile: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    """What the user chose for this run: `mic` (record the microphone), `camera_source` (a
    video file read instead of the camera: tests, benchmarks, a helpdesk demonstration)."""

    def table(self, name: str) -> dict[str, Any]:
        result: dict[str, Any] = self.tables(name)
        return result


class ProbeModule(Protocol):
    def collect(self, host: Host, ctx: Context) -> Facts: ...

    def decide(self, facts: Facts, ctx: Context) -> Verdict: ...
