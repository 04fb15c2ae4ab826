"""Windows firewall and antivirus, replayed from bundles built out of real published outputs.

Every `ps:batch` section here is what precheck's own PowerShell section would return on the
machine that printed the cited text: the published outputs are Format-List / Format-Table /
wmic console text, so the section's dict is built from the parsed real text (tests/pslist.py);
the values are the published ones, only the console formatting is undone. Each bundle holds
the one `ps:batch` answer: the probes ask PowerShell once per run.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from precheck.catalogue import load_catalogue
from precheck.host import ReplayHost
from precheck.host.base import Answer, Producer
from precheck.model import Status
from precheck.profile import load_profile
from precheck.runner import run_checks
from tests.bundles import error, ok, system_bundle
from tests.conftest import run_precheck, sample
from tests.probe_kit import run_probe, sentence
from tests.pslist import as_bool, format_list, wmic_list


def batch(**sections: Any) -> dict[str, Any]:
    return {"ps:batch": ok(sections)}


def security_center(text: str) -> list[dict[str, Any]]:
    """AntiVirusProduct records as antivirus.ps1 emits them (name, state, timestamp)."""
    return [
        {"name": r["displayName"], "state": int(r["productState"]), "timestamp": r["timestamp"]}
        for r in format_list(text)
        if "displayName" in r
    ]


# --- antivirus -------------------------------------------------------------------------------


def test_bitdefender_active_with_defender_passive_beside_it_passes_naming_bitdefender() -> None:
    # Same host (TryHackMe notes): Bitdefender 266240, Defender 393472, and Defender's own
    # RealTimeProtectionEnabled False, as Windows intends when another product is primary.
    products = security_center(
        sample("windows/get-ciminstance-antivirusproduct-bitdefender-defender.txt")
    )
    rtp = sample("windows/get-mpcomputerstatus-select-realtimeprotection-false.txt")
    assert rtp.split()[-1] == "False"
    section = {"security_center": True, "products": products,
               "defender": {"RealTimeProtectionEnabled": False}}  # fmt: skip
    verdict, facts = run_probe("antivirus", system_bundle("windows", batch(antivirus=ok(section))))
    assert (verdict.status, verdict.code) == (Status.PASS, "ok")
    assert verdict.params["product"] == "Bitdefender Antivirus"
    assert [(p["name"], p["state"]) for p in facts["products"]] == [
        ("Bitdefender Antivirus", "on"),
        ("Windows Defender", "off"),
    ]
    assert "Bitdefender Antivirus is on" in sentence("antivirus", verdict)


def test_trend_micro_wins_over_sophos_order_and_defender_off() -> None:
    products = security_center(
        sample("windows/get-ciminstance-antivirusproduct-trendmicro-sophos-defender.txt")
    )
    assert [p["state"] for p in products] == [266240, 331776, 393472]
    section = {"security_center": True, "products": products, "defender": {"error": "0x800106ba"}}
    verdict, facts = run_probe("antivirus", system_bundle("windows", batch(antivirus=ok(section))))
    assert (verdict.status, verdict.code) == (Status.PASS, "ok")
    assert verdict.params["product"] == "Trend Micro Antivirus+"
    assert facts["products"][1]["state"] == "on"  # Sophos Home 0x051000: on, up to date


def defender_only_section() -> dict[str, Any]:
    """Defender alone (397568) with the 2024 Get-MpComputerStatus example's values; its
    en-US display date `6/4/2024 8:06:27 AM` is what antivirus.ps1 emits as ISO 8601."""
    wmic = wmic_list(sample("windows/wmic-securitycenter2-antivirusproduct-list-defender.txt"))
    products = [
        {"name": wmic["displayName"], "state": int(wmic["productState"]),
         "timestamp": wmic["timestamp"]}
    ]  # fmt: skip
    (mp,) = format_list(sample("windows/get-mpcomputerstatus-list-2024-en-us.txt"))
    updated = datetime.strptime(mp["AntivirusSignatureLastUpdated"], "%m/%d/%Y %I:%M:%S %p")
    defender = {
        "AMRunningMode": mp["AMRunningMode"],
        "AMServiceEnabled": as_bool(mp["AMServiceEnabled"]),
        "RealTimeProtectionEnabled": as_bool(mp["RealTimeProtectionEnabled"]),
        "AntivirusSignatureAge": int(mp["AntivirusSignatureAge"]),
        "AntivirusSignatureLastUpdated": updated.isoformat() + "Z",
        "DefenderSignaturesOutOfDate": as_bool(mp["DefenderSignaturesOutOfDate"]),
        "IsTamperProtected": as_bool(mp["IsTamperProtected"]),
        "ComputerState": int(mp["ComputerState"]),
    }
    return {"security_center": True, "products": products, "defender": defender}


def test_defender_alone_on_with_one_day_old_signatures_passes() -> None:
    section = defender_only_section()
    bundle = system_bundle("windows", batch(antivirus=ok(section)), now="2024-06-05T09:00:00+00:00")
    verdict, facts = run_probe("antivirus", bundle)
    assert (verdict.status, verdict.code) == (Status.PASS, "ok")
    assert facts["products"][0]["age_days"] == 1
    assert facts["defender"]["computer_state"] == 0  # the example's "ComputerState : 0": clean
    assert facts["active_threats"] is None  # Get-MpThreat not part of the published example
    assert "updated 1 day(s) ago" in sentence("antivirus", verdict)
    assert "Hello Work Tonami accepts" in sentence("antivirus", verdict)


@pytest.mark.parametrize(
    ("computer_state", "active", "code", "words"),
    [
        (4, None, "threat-found", "(one or more)"),  # manual steps pending after a threat
        (2, 0, "threat-found", "(one or more)"),  # a restart pending to finish the removal
        (0, 2, "threat-found", "(2 found)"),  # Get-MpThreat: two still IsActive
        (16, 0, "ok", "accepts"),  # a critical failure of the service is not a threat
        (0, 0, "ok", "accepts"),
    ],
)
def test_threats_defender_has_not_finished_with_fail(
    computer_state: int, active: int | None, code: str, words: str
) -> None:
    section = defender_only_section()
    section["defender"]["ComputerState"] = computer_state
    if active is not None:
        section["active_threats"] = active
    bundle = system_bundle("windows", batch(antivirus=ok(section)), now="2024-06-05T09:00:00+00:00")
    verdict, facts = run_probe("antivirus", bundle)
    assert verdict.code == code, facts
    assert facts["active_threats"] == active
    assert words in sentence("antivirus", verdict)


def test_a_passive_defenders_threat_state_does_not_judge_the_primary_product() -> None:
    products = security_center(
        sample("windows/get-ciminstance-antivirusproduct-trendmicro-sophos-defender.txt")
    )
    section = {"security_center": True, "products": products, "active_threats": 3,
               "defender": {**defender_only_section()["defender"], "ComputerState": 4,
                            "AMRunningMode": "Passive Mode"}}  # fmt: skip
    verdict, _ = run_probe("antivirus", system_bundle("windows", batch(antivirus=ok(section))))
    assert (verdict.status, verdict.code) == (Status.PASS, "ok")


def test_defender_in_passive_mode_without_another_active_product_is_primary_unknown() -> None:
    section = defender_only_section()
    section["defender"]["AMRunningMode"] = "Passive Mode"  # mondoohq/mql#10381 wording
    verdict, _ = run_probe("antivirus", system_bundle("windows", batch(antivirus=ok(section))))
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "primary-unknown")


def test_defender_real_time_protection_off_fails_as_disabled() -> None:
    # Windows Server 2025 capture: AMServiceEnabled True, RealTimeProtectionEnabled False.
    text = sample("windows/get-netfirewallprofile-rules-mpcomputerstatus-server2025.txt")
    (mp,) = [r for r in format_list(text) if "RealTimeProtectionEnabled" in r]
    section = defender_only_section()
    section["defender"]["RealTimeProtectionEnabled"] = as_bool(mp["RealTimeProtectionEnabled"])
    verdict, _ = run_probe("antivirus", system_bundle("windows", batch(antivirus=ok(section))))
    assert (verdict.status, verdict.code) == (Status.FAIL, "disabled")


def test_old_defender_signatures_fail_by_the_catalogue_threshold() -> None:
    section = defender_only_section()
    bundle = system_bundle("windows", batch(antivirus=ok(section)), now="2024-06-25T09:00:00+00:00")
    section["defender"]["AntivirusSignatureAge"] = 21
    verdict, _ = run_probe("antivirus", bundle)
    assert (verdict.status, verdict.code) == (Status.FAIL, "definitions-old")
    assert verdict.params["max_days"] == 14


def test_server_without_security_center_is_unknown_not_fail() -> None:
    # glpi-project/glpi-agent#868: SecurityCenter2 is an invalid namespace on Windows Server
    # 2022, MSFT_MpComputerStatus answers (Normal, service enabled, age 0; the published
    # excerpt ends before RealTimeProtectionEnabled, so the section lacks it).
    mp = wmic_list(sample("windows/wmic-msft-mpcomputerstatus-list-winserver2022.txt"))
    defender = {"AMRunningMode": mp["AMRunningMode"],
                "AMServiceEnabled": as_bool(mp["AMServiceEnabled"]),
                "AntivirusSignatureAge": int(mp["AntivirusSignatureAge"])}  # fmt: skip
    section = {"security_center": False, "products": [], "defender": defender}
    verdict, facts = run_probe("antivirus", system_bundle("windows", batch(antivirus=ok(section))))
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "no-security-center")
    assert facts["defender"]["running_mode"] == "Normal"


def test_a_blocked_powershell_is_unknown_with_its_message() -> None:
    bundle = system_bundle("windows", batch(antivirus={"error": "Cannot invoke method."}))
    verdict, _ = run_probe("antivirus", bundle)
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "state-unknown")
    assert "Cannot invoke method" in verdict.params["reason"]


# --- firewall --------------------------------------------------------------------------------


def test_firewall_profiles_from_the_active_store_pass() -> None:
    (domain,) = format_list(sample("windows/get-netfirewallprofile-activestore-snippet.txt"))
    section = {
        "connected": "DomainAuthenticated",  # ConvertTo-Json prints a one-element array bare
        "profiles": {"name": domain["Name"], "enabled": domain["Enabled"],
                     "inbound": domain["DefaultInboundAction"]},
        "allow_rules": 4, "broad_rules": [], "products": None,
    }  # fmt: skip
    verdict, facts = run_probe("firewall", system_bundle("windows", batch(firewall=ok(section))))
    assert (verdict.status, verdict.code) == (Status.PASS, "on")
    assert facts["profiles_in_force"] == ["domain"]


def test_profiles_on_with_not_configured_inbound_pass_and_count_nothing_they_cannot() -> None:
    # Windows Server 2025 capture: all three profiles on, DefaultInboundAction NotConfigured
    # (the built-in default, block). Its "183 of 348 firewall rules are enabled" counts every
    # rule of both directions and Windows' own groups, not what firewall.ps1 counts, so the
    # section carries no count (None) and the verdict says so instead of guessing.
    text = sample("windows/get-netfirewallprofile-rules-mpcomputerstatus-server2025.txt")
    names = (["Domain"], ["Private"], ["Public"])
    rows = [line.split() for line in text.splitlines() if line.split()[:1] in names]
    section = {
        "connected": ["Private"],
        "profiles": [{"name": n, "enabled": e, "inbound": i} for n, e, i, _ in rows],
        "allow_rules": None, "broad_rules": [], "products": None,
    }  # fmt: skip
    verdict, facts = run_probe("firewall", system_bundle("windows", batch(firewall=ok(section))))
    assert (verdict.status, verdict.code) == (Status.PASS, "on")
    assert facts["profiles_in_force"] == ["private"] and facts["inbound"] is None
    assert sentence("firewall", verdict) == (
        "The firewall (Windows Defender Firewall) is on. "
        "The number of exceptions for incoming connections could not be read."
    )


CONSTRAINED = "Cannot create type. Only core types are supported in this language mode."


def netsh_bundle(text: str) -> dict[str, Any]:
    netsh = ok({"rc": 0, "stdout": text, "stderr": ""})
    entries = {**batch(firewall={"error": CONSTRAINED}),
               "cmd:netsh advfirewall show currentprofile": netsh}  # fmt: skip
    return system_bundle("windows", entries)


def test_constrained_powershell_falls_back_to_english_netsh() -> None:
    text = sample("windows/netsh-advfirewall-show-currentprofile-public-on-en.txt")
    verdict, facts = run_probe("firewall", netsh_bundle(text))
    assert (verdict.status, verdict.code) == (Status.PASS, "on")
    assert facts["profiles_in_force"] == ["public"]
    assert "language mode" in facts["powershell_error"]


def test_netsh_after_set_allprofiles_state_off_fails_naming_the_profile() -> None:
    text = sample("windows/netsh-advfirewall-show-currentprofile-domain-off-en.txt")
    after = text[text.index("NetSh Advfirewall set allprofiles state off") :]
    verdict, _ = run_probe("firewall", netsh_bundle(after))
    assert (verdict.status, verdict.code) == (Status.FAIL, "profile-off")
    assert sentence("firewall", verdict) == "The firewall is off for: Domain network."
    assert sentence("firewall", verdict, "ja") == (
        "次のネットワークでファイアウォールが無効になっています: ドメイン ネットワーク。"
    )


def test_netsh_missing_too_is_unknown() -> None:
    bundle = system_bundle(
        "windows",
        {**batch(firewall={"error": "blocked"}),
         "cmd:netsh advfirewall show currentprofile": error("missing", "netsh is not installed")},
    )  # fmt: skip
    verdict, _ = run_probe("firewall", bundle)
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "state-unknown")


class CountingReplay(ReplayHost):
    def __init__(self, bundle: dict[str, Any]) -> None:
        super().__init__(bundle)
        self.asked: list[str] = []

    def _answer(self, key: str, produce: Producer) -> Answer:
        self.asked.append(key)
        return super()._answer(key, produce)


def test_both_probes_running_at_once_share_the_one_powershell_batch() -> None:
    products = security_center(
        sample("windows/get-ciminstance-antivirusproduct-bitdefender-defender.txt")
    )
    text = sample("windows/netsh-advfirewall-show-currentprofile-public-on-en.txt")
    antivirus = ok({"security_center": True, "products": products, "defender": {"error": "x"}})
    bundle = netsh_bundle(text)
    bundle["entries"]["ps:batch"]["ok"]["antivirus"] = antivirus
    host = CountingReplay(bundle)
    run = run_checks(host, load_catalogue(), profile=load_profile(None),
                     only=["firewall", "antivirus"])  # fmt: skip
    assert {r.id: r.status for r in run.results} == {
        "firewall": Status.PASS,
        "antivirus": Status.PASS,
    }
    assert host.asked.count("ps:batch") == 1


def test_the_helpdesk_replays_a_windows_bundle_with_the_real_command(tmp_path: Path) -> None:
    products = security_center(
        sample("windows/get-ciminstance-antivirusproduct-bitdefender-defender.txt")
    )
    bundle = netsh_bundle(
        sample("windows/netsh-advfirewall-show-currentprofile-domain-off-en.txt").split(
            "NetSh Advfirewall set allprofiles state off"
        )[1]
    )
    bundle["entries"]["ps:batch"]["ok"]["antivirus"] = ok(
        {"security_center": True, "products": products, "defender": {"error": "0x800106ba"}}
    )
    path = tmp_path / "evidence.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    done = run_precheck("replay", path, "--only", "firewall", "--only", "antivirus", "--json")
    assert done.returncode == 1, done.stderr
    results = {r["id"]: r for r in json.loads(done.stdout)["results"]}
    assert (results["firewall"]["status"], results["firewall"]["code"]) == ("FAIL", "profile-off")
    assert "「ファイアウォールは無効です」" in results["firewall"]["remediation"]["ja"]
    assert (results["antivirus"]["status"], results["antivirus"]["code"]) == ("PASS", "ok")
