"""Hosts: live, recording and replay; see base.py for the contract and docs/evidence.md."""

from precheck.host.base import (
    CommandResult,
    EvidenceError,
    Host,
    HostError,
    Listener,
    Platform,
    RegistryKey,
)
from precheck.host.evidence import LiveHost, RecordingHost, ReplayHost, load_bundle

__all__ = [
    "CommandResult",
    "EvidenceError",
    "Host",
    "HostError",
    "Listener",
    "LiveHost",
    "Platform",
    "RecordingHost",
    "RegistryKey",
    "ReplayHost",
    "load_bundle",
]
