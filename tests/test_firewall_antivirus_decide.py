"""Deciding from facts alone (any OS), the Linux replays the namespace tests cannot cover, and
the productState decoding on real published values."""

from __future__ import annotations

from typing import Any

import pytest

from precheck.model import Status
from precheck.parse.security_center import decode_product_state
from precheck.probes import antivirus, firewall
from precheck.probes.firewall.facts import empty
from tests.bundles import error, linux_bundle, ok
from tests.conftest import sample
from tests.probe_kit import context, run_probe, sentence

# --- productState: the bit mask on real values (research/posture.md §1.2) ---------------------


@pytest.mark.parametrize(
    ("value", "state", "signatures", "microsoft", "seen_as"),
    [
        (397568, "on", "up-to-date", True, "Defender alone (samples, Cloudflare docs)"),
        (393472, "off", "up-to-date", True, "Defender beside Bitdefender/Huorong/Trend Micro"),
        (266240, "on", "up-to-date", False, "Bitdefender, Trend Micro Antivirus+, Huorong"),
        (331776, "on", "up-to-date", False, "Sophos Home (wortell/PSHelpers example)"),
        (462848, "on", "up-to-date", False, "Symantec Endpoint Protection (digirati82.com)"),
        (266256, "on", "out-of-date", False, "neophob.com example, out of date"),
        (270336, "snoozed", "up-to-date", False, "seen in BigFix data (posture.md §1.3)"),
        (344064, "unknown", "unknown", False, "state nibble 4: seen, meaning unknown"),
        (4096, "unknown", "unknown", False, "no provider bits"),
        (0, "unknown", "unknown", False, "nothing at all"),
    ],
)
def test_product_state_bit_mask(
    value: int, state: str, signatures: str, microsoft: bool, seen_as: str
) -> None:
    decoded = decode_product_state(value)
    assert (decoded.state, decoded.signatures) == (state, signatures), seen_as
    if state != "unknown":
        assert decoded.microsoft is microsoft


def test_product_state_refuses_what_is_not_a_number() -> None:
    for value in (None, True, "x", -1, 1 << 30, 3.5):
        assert decode_product_state(value).state == "unknown"
    assert decode_product_state("397568").state == "on"


# --- antivirus decide -------------------------------------------------------------------------


def av(**product: Any) -> dict[str, Any]:
    base = {"name": "Norton 360", "family": "other_products", "state": "on",
            "signatures": "up-to-date", "age_days": None, "microsoft": False}  # fmt: skip
    return {"system": "windows", "security_center": True, "defender": None,
            "defender_error": None, "error": None, "products": [{**base, **product}]}  # fmt: skip


@pytest.mark.parametrize(
    ("product", "status", "code"),
    [
        ({}, Status.PASS, "ok"),
        ({"state": "snoozed"}, Status.FAIL, "snoozed"),
        ({"state": "expired"}, Status.FAIL, "expired"),
        ({"state": "off"}, Status.FAIL, "disabled"),
        ({"state": "unknown"}, Status.UNKNOWN, "state-unknown"),
        ({"signatures": "out-of-date"}, Status.FAIL, "definitions-out-of-date"),
        ({"signatures": "unknown"}, Status.UNKNOWN, "state-unknown"),
        ({"age_days": 9}, Status.WARN, "definitions-aging"),
        ({"age_days": 15}, Status.FAIL, "definitions-old"),
        ({"family": "clamav", "age_days": 0}, Status.WARN, "needs-confirmation"),
    ],
)
def test_antivirus_decide(product: dict[str, Any], status: Status, code: str) -> None:
    verdict = antivirus.decide(av(**product), context("antivirus"))
    assert (verdict.status, verdict.code) == (status, code)
    assert "Norton 360" in sentence("antivirus", verdict) or code in ("definitions-old",)


def test_an_office_that_rejects_a_family_fails_with_its_reason() -> None:
    ctx = context("antivirus")
    profile = {**ctx.profile, "checks": {"antivirus": {
        **ctx.profile["checks"]["antivirus"], "other_products": "reject"}}}  # fmt: skip
    verdict = antivirus.decide(av(), context("antivirus", profile))
    assert (verdict.status, verdict.code) == (Status.FAIL, "not-accepted")
    assert "does not accept Norton 360" in sentence("antivirus", verdict)


def test_no_product_at_all_fails() -> None:
    facts = {**av(), "products": []}
    assert antivirus.decide(facts, context("antivirus")).code == "none"


# --- firewall decide --------------------------------------------------------------------------


def windows_facts(**changes: Any) -> dict[str, Any]:
    facts = empty("windows")
    facts.update(firewall="Windows Defender Firewall", enabled=True, inbound="block",
                 exceptions=3, profiles_in_force=["private"])  # fmt: skip
    facts.update(changes)
    return facts


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({}, Status.PASS, "on"),
        ({"enabled": False, "profiles_off": ["public"]}, Status.FAIL, "profile-off"),
        ({"enabled": False, "profiles_off": ["public"],
          "third_party": [{"name": "ESET Firewall", "state": "on", "microsoft": False}]},
         Status.PASS, "on-third-party"),
        ({"enabled": False, "profiles_off": ["public"],
          "third_party": [{"name": "ESET Firewall", "state": "unknown", "microsoft": False}]},
         Status.UNKNOWN, "third-party-unknown"),
        ({"inbound": "allow"}, Status.FAIL, "allow-all"),
        ({"enabled": None, "error": "x"}, Status.UNKNOWN, "state-unknown"),
        ({"broad_rules": ["Any app, any port"]}, Status.WARN, "broad-rule"),
        ({"exceptions": 11}, Status.WARN, "many-exceptions"),
        ({"listeners": [{"proto": "tcp", "port": 3389, "scope": "any", "process": None}]},
         Status.WARN, "exposed-services"),
        ({"listeners": [{"proto": "tcp", "port": 8080, "scope": "any", "process": None}]},
         Status.PASS, "on"),
        # the kernel's SMB server listens on every Windows PC; no allow rule opens it
        ({"listeners": [{"proto": "tcp", "port": 445, "scope": "any", "process": "System"}],
          "open_ports": [5353, 3389]}, Status.PASS, "on"),
        ({"listeners": [{"proto": "tcp", "port": 445, "scope": "any", "process": "System"}],
          "open_ports": [139, 445]}, Status.WARN, "exposed-services"),
    ],
)  # fmt: skip
def test_windows_firewall_decide(changes: dict[str, Any], status: Status, code: str) -> None:
    verdict = firewall.decide(windows_facts(**changes), context("firewall"))
    assert (verdict.status, verdict.code) == (status, code)


def test_allow_all_names_the_networks_in_both_languages() -> None:
    verdict = firewall.decide(windows_facts(inbound="allow"), context("firewall"))
    assert "(Private network)" in sentence("firewall", verdict)
    assert "（プライベート ネットワーク）" in sentence("firewall", verdict, "ja")


def test_exposed_services_say_which_in_japanese_first() -> None:
    listeners = [{"proto": "tcp", "port": 445, "scope": "any", "process": "System"}]
    verdict = firewall.decide(windows_facts(listeners=listeners), context("firewall"))
    assert sentence("firewall", verdict, "ja").startswith(
        "ファイアウォールは有効ですが、ほかのコンピューターから接続できるサービスが動いています: "
        "ファイル共有 Windows file sharing (SMB)（tcp 445 番）。"
    )


# --- Linux replays: what a user without root can still be told ---------------------------------


def linux_entries(zone_xml: str, nft_stderr: str) -> dict[str, Any]:
    return {
        "cmd:systemctl is-active firewalld ufw nftables": ok(
            {"rc": 3, "stdout": "active\ninactive\ninactive\n", "stderr": ""}),
        "file:/etc/ufw/ufw.conf": ok(None),
        "file:/etc/firewalld/firewalld.conf": ok("DefaultZone=trusted\n"),
        "file:/etc/firewalld/zones/trusted.xml": ok(None),
        "file:/usr/lib/firewalld/zones/trusted.xml": ok(zone_xml),
        "cmd:nft -j list ruleset": ok({"rc": 1, "stdout": "", "stderr": nft_stderr}),
        "sys:listening": ok([]),
    }  # fmt: skip


DENIED = "netlink: Error: cache initialization failed: Operation not permitted\n"


def test_firewalld_in_the_trusted_zone_accepts_everything_even_without_root() -> None:
    zone = sample("linux/firewalld-zone-trusted.xml.txt")
    verdict, facts = run_probe("firewall", linux_bundle(linux_entries(zone, DENIED)))
    assert (verdict.status, verdict.code) == (Status.FAIL, "allow-all")
    assert facts["firewalld_zone"] == {"name": "trusted", "target": "ACCEPT"}


def test_firewalld_public_zone_without_root_asks_for_the_command() -> None:
    zone = sample("linux/firewalld-zone-public.xml.txt")
    entries = linux_entries(zone, DENIED)
    entries["file:/etc/firewalld/firewalld.conf"] = ok("DefaultZone=public\n")
    entries["file:/etc/firewalld/zones/public.xml"] = ok(None)
    entries["file:/usr/lib/firewalld/zones/public.xml"] = entries.pop(
        "file:/usr/lib/firewalld/zones/trusted.xml"
    )
    verdict, _ = run_probe("firewall", linux_bundle(entries))
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "needs-admin")
    assert verdict.params == {"firewall": "firewalld", "command": "sudo nft list ruleset"}


# --- Linux antivirus replays: Defender for Endpoint (mdatp) -----------------------------------


def mdatp_bundle(health: str) -> dict[str, Any]:
    return linux_bundle({
        "file:/etc/clamav/freshclam.conf": ok(None),
        "dir:/var/lib/clamav": ok(None),
        "cmd:/usr/local/bin/mdatp health --output json": error("missing", "not installed"),
        "cmd:mdatp health --output json": ok({"rc": 0, "stdout": health, "stderr": ""}),
    }, now="2023-08-09T14:00:00+00:00")  # fmt: skip


def test_mdatp_in_passive_mode_with_real_time_protection_off_is_disabled() -> None:
    verdict, facts = run_probe(
        "antivirus", mdatp_bundle(sample("linux/mdatp-health-json-101.23062.txt"))
    )
    assert (verdict.status, verdict.code) == (Status.FAIL, "disabled")
    (mdatp,) = facts["products"]
    assert (mdatp["state"], mdatp["signatures"], mdatp["passive"]) == ("off", "up-to-date", True)
    assert mdatp["updated"].startswith("2023-08-09T13:19")


def test_mdatp_with_real_time_protection_on_passes() -> None:
    # The same published health JSON with one value changed: realTimeProtectionEnabled true.
    health = sample("linux/mdatp-health-json-101.23062.txt").replace(
        '"realTimeProtectionEnabled":{"displayValue":true,"isManaged":false,"value":false}',
        '"realTimeProtectionEnabled":{"displayValue":true,"isManaged":false,"value":true}',
    )
    verdict, facts = run_probe("antivirus", mdatp_bundle(health))
    assert (verdict.status, verdict.code) == (Status.PASS, "ok")
    assert facts["products"][0]["age_days"] == 0


def test_a_user_without_root_whose_ufw_is_off_is_told_so() -> None:
    entries = linux_entries("", DENIED)
    entries["cmd:systemctl is-active firewalld ufw nftables"] = ok(
        {"rc": 3, "stdout": "inactive\ninactive\ninactive\n", "stderr": ""}
    )
    entries["file:/etc/ufw/ufw.conf"] = ok("ENABLED=no\nLOGLEVEL=low\n")
    entries["file:/etc/default/ufw"] = ok('DEFAULT_INPUT_POLICY="DROP"\n')
    verdict, facts = run_probe("firewall", linux_bundle(entries))
    assert (verdict.status, verdict.code) == (Status.FAIL, "off")
    assert facts["needs_admin"] == "sudo nft list ruleset"
