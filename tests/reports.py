"""Signed reports made in tests by the real code, from a real run of the checks on this machine."""

from __future__ import annotations

from functools import cache
from typing import Any

from precheck.catalogue import Catalogue, load_catalogue
from precheck.host import LiveHost
from precheck.profile import load_profile
from precheck.report.keys import DeviceKey
from precheck.report.make import make_report
from precheck.report.sign import sign
from precheck.runner import RunResult, run_checks


@cache
def live_run() -> tuple[RunResult, Catalogue, dict[str, Any]]:
    """One full run of every check on this machine (about a second), shared by the tests."""
    catalogue = load_catalogue()
    profile = load_profile()
    return run_checks(LiveHost(), catalogue, profile=profile), catalogue, profile


def new_key(status: str = "new") -> DeviceKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return DeviceKey(private=Ed25519PrivateKey.generate(), status=status)


def signed(**options: Any) -> dict[str, Any]:
    """make_report of the shared live run; options go to make_report (profile= overrides)."""
    run, catalogue, profile = live_run()
    profile = options.pop("profile", profile)
    return make_report(run, catalogue, profile, **options)


def resign(report: dict[str, Any], key: DeviceKey) -> dict[str, Any]:
    """The report's content signed again by `key`: what someone holding that key can make."""
    return sign({k: v for k, v in report.items() if k != "signature"}, key)
