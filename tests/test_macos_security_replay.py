"""macOS firewall and XProtect, replayed from bundles built out of real published outputs."""

from __future__ import annotations

import plistlib
from typing import Any

from precheck.model import Status
from precheck.probes.firewall.darwin import TOOL
from tests.bundles import error, ok, system_bundle
from tests.conftest import sample
from tests.probe_kit import run_probe, sentence

DISABLED = sample("macos/socketfilterfw-getglobalstate-disabled-listapps-xprotect-macos26.5.txt")
XPROTECT = "/Library/Apple/System/Library/CoreServices/XProtect.bundle/Contents/Info.plist"
LEGACY_STEALTH_OFF = sample("macos/socketfilterfw-getstealthmode-disabled-legacy-comment.txt")
NO_MDATP = {
    "cmd:/usr/local/bin/mdatp health --output json": error("missing", "not installed"),
    "cmd:mdatp health --output json": error("missing", "not installed"),
    "dir:/Applications": ok(["Safari.app", "Utilities"]),
}
PROTECTED = "/var/protected/xprotect/XProtect.bundle/Contents/Info.plist"


def output(text: str, command: str) -> str:
    """The lines a `$ command` line of a published terminal session printed."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("$ ") and command in line)
    out = []
    for line in lines[start + 1 :]:
        if line.startswith(("$ ", "#")) or not line.strip():
            break
        out.append(line)
    return "\n".join(out) + "\n"


def cmd(stdout: str) -> dict[str, Any]:
    return ok({"rc": 0, "stdout": stdout, "stderr": ""})


def test_enabled_firewall_with_stealth_mode_passes_with_its_app_count() -> None:
    state = sample("macos/socketfilterfw-getglobalstate-enabled-macos26.txt")
    stealth = sample("macos/socketfilterfw-getstealthmode-on-macos26.txt")
    bundle = system_bundle("darwin", {
        f"cmd:{TOOL} --getglobalstate": cmd(state),
        f"cmd:{TOOL} --getstealthmode": cmd(stealth),
        f"cmd:{TOOL} --listapps": cmd(sample("macos/socketfilterfw-listapps-partial.txt")),
    })  # fmt: skip
    verdict, facts = run_probe("firewall", bundle)
    assert (verdict.status, verdict.code) == (Status.PASS, "on")
    assert (facts["global_state"], facts["stealth"], facts["exceptions"]) == (1, True, 7)


def test_disabled_firewall_fails_with_the_apple_click_path() -> None:
    state = output(DISABLED, "--getglobalstate").splitlines()[0] + "\n"
    bundle = system_bundle("darwin", {
        f"cmd:{TOOL} --getglobalstate": cmd(state),
        f"cmd:{TOOL} --getstealthmode": cmd(LEGACY_STEALTH_OFF),
        f"cmd:{TOOL} --listapps": cmd(output(DISABLED, "--listapps")),
    })  # fmt: skip
    verdict, facts = run_probe("firewall", bundle)
    assert (verdict.status, verdict.code) == (Status.FAIL, "off")
    assert facts["exceptions"] == 8 and facts["stealth"] is False
    assert "macOS Application Firewall" in sentence("firewall", verdict)


def test_socketfilterfw_missing_is_unknown() -> None:
    missing = error("missing", f"{TOOL} is not installed")
    bundle = system_bundle("darwin", {f"cmd:{TOOL} --getglobalstate": missing})
    verdict, _ = run_probe("firewall", bundle)
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "state-unknown")


def xprotect_bundle(changed: str, now: str) -> dict[str, Any]:
    # The version is the published one (5287, macOS 26.5.2); the file around it is the XML
    # property-list format every Info.plist uses, written with plistlib.
    version = output(DISABLED, "CFBundleShortVersionString").strip()
    assert version == "5287"
    plist = plistlib.dumps({"CFBundleIdentifier": "com.apple.XProtect",
                            "CFBundleShortVersionString": version}).decode()  # fmt: skip
    return system_bundle("darwin", {
        f"file:{XPROTECT}": ok(plist),
        f"stat:{XPROTECT}": ok(changed),
        f"file:{PROTECTED}": ok(None),
        **NO_MDATP,
    }, now=now)  # fmt: skip


def test_fresh_xprotect_passes_under_the_office_acceptance() -> None:
    verdict, facts = run_probe(
        "antivirus", xprotect_bundle("2026-11-20T10:00:00+00:00", "2026-11-24T03:00:00+00:00")
    )
    assert (verdict.status, verdict.code) == (Status.PASS, "ok")
    assert verdict.params["product"] == "XProtect 5287"
    assert facts["products"][0]["age_days"] == 3


def test_xprotect_not_updated_for_a_month_fails() -> None:
    verdict, _ = run_probe(
        "antivirus", xprotect_bundle("2026-10-20T10:00:00+00:00", "2026-11-24T03:00:00+00:00")
    )
    assert (verdict.status, verdict.code) == (Status.FAIL, "definitions-old")
    assert verdict.params["age_days"] == 34


def test_no_xprotect_bundle_is_no_antivirus() -> None:
    bundle = system_bundle(
        "darwin", {f"file:{XPROTECT}": ok(None), f"file:{PROTECTED}": ok(None), **NO_MDATP}
    )
    verdict, _ = run_probe("antivirus", bundle)
    assert (verdict.status, verdict.code) == (Status.FAIL, "none")


def test_a_third_party_product_found_by_its_app_is_named_and_never_guessed_on() -> None:
    # ESET's app bundle names as glpi-agent's ESET module looks for them; no XProtect here.
    apps = {**NO_MDATP, "dir:/Applications": ok(["ESET Endpoint Security.app", "Safari.app"])}
    bundle = system_bundle(
        "darwin", {f"file:{XPROTECT}": ok(None), f"file:{PROTECTED}": ok(None), **apps}
    )
    verdict, facts = run_probe("antivirus", bundle)
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "state-unknown")
    assert facts["products"][0]["name"] == "ESET Endpoint Security / Antivirus for macOS"
    assert "precheck cannot read its state" in sentence("antivirus", verdict)


def test_xprotect_decides_when_a_third_party_app_is_also_installed() -> None:
    bundle = xprotect_bundle("2026-11-20T10:00:00+00:00", "2026-11-24T03:00:00+00:00")
    bundle["entries"]["dir:/Applications"] = ok(["ESET Endpoint Antivirus.app"])
    verdict, facts = run_probe("antivirus", bundle)
    assert (verdict.status, verdict.code) == (Status.PASS, "ok")
    assert [p["state"] for p in facts["products"]] == ["on", "unknown"]
