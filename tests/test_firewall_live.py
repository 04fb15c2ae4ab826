"""The Linux firewall verdict on real rulesets, in a private network and mount namespace.

Each case loads a real ruleset with the real `nft` (or lets the real `ufw` build one), then runs
the real `precheck run --only firewall` inside the namespace: the host's own firewall and
/etc/ufw are never touched. Needs root, nft, ufw, unshare and setpriv (CI has them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent
RULESETS = Path(__file__).resolve().parent / "data" / "rulesets"


def in_namespace(**case: Any) -> dict[str, Any]:
    need(
        os.geteuid() == 0 and all(shutil.which(t) for t in ("nft", "ufw", "unshare", "setpriv")),
        "root with nft, ufw, unshare and setpriv (a private network namespace)",
    )
    if "ruleset" in case:
        case["ruleset"] = str(RULESETS / case["ruleset"])
    result = subprocess.run(
        ["unshare", "--net", "--mount", "--propagation", "private", "--",
         sys.executable, "-m", "tests.netns_firewall", json.dumps(case)],
        capture_output=True, text=True, cwd=ROOT, timeout=180, check=False,
    )  # fmt: skip
    assert result.stdout, result.stderr
    data = json.loads(result.stdout)
    (firewall,) = data["results"]
    assert firewall["id"] == "firewall"
    return firewall  # type: ignore[no-any-return]


def test_accept_all_ruleset_fails_whatever_claims_to_be_active() -> None:
    result = in_namespace(ruleset="accept-all.nft", ufw="empty")
    assert (result["status"], result["code"]) == ("FAIL", "allow-all")
    assert "inet accept_all input" in result["summary"]["en"]


def test_drop_by_default_ruleset_passes_and_counts_its_exception() -> None:
    result = in_namespace(ruleset="drop-by-default.nft", ufw="empty")
    assert (result["status"], result["code"]) == ("PASS", "on")
    assert result["facts"]["exceptions"] == 1
    assert result["facts"]["inbound"] == "block"


def test_docker_chains_are_not_a_host_firewall() -> None:
    result = in_namespace(ruleset="docker-style.nft", ufw="empty")
    assert (result["status"], result["code"]) == ("FAIL", "allow-all")
    assert result["facts"]["hooks"] == [
        {"where": "ip filter INPUT", "policy": "accept", "drops": False, "path": "policy"}
    ]


def test_empty_ruleset_without_any_firewall_is_no_firewall() -> None:
    result = in_namespace(ufw="empty")
    assert (result["status"], result["code"]) == ("FAIL", "no-firewall")


def test_ufw_enabled_passes() -> None:
    result = in_namespace(ufw="enable")
    assert (result["status"], result["code"]) == ("PASS", "on"), result["summary"]["en"]
    assert result["facts"]["firewall"] == "ufw"


def test_ufw_installed_but_disabled_fails_as_off() -> None:
    result = in_namespace(ufw="copy")
    assert (result["status"], result["code"]) == ("FAIL", "off")
    assert "ufw" in result["summary"]["en"]


def test_a_user_without_root_gets_the_command_to_run() -> None:
    result = in_namespace(ruleset="drop-by-default.nft", ufw="empty", user=True)
    assert (result["status"], result["code"]) == ("UNKNOWN", "needs-admin")
    assert "sudo nft list ruleset" in result["summary"]["en"]
    assert "sudo nft list ruleset" in result["remediation"]["en"]


def test_a_database_listening_on_every_address_is_reported() -> None:
    result = in_namespace(ruleset="drop-by-default.nft", ufw="empty", listen=5432)
    assert (result["status"], result["code"]) == ("WARN", "exposed-services")
    assert "PostgreSQL (tcp port 5432)" in result["summary"]["en"]
    assert {"proto": "tcp", "port": 5432, "scope": "any"}.items() <= result["facts"]["listeners"][
        0
    ].items()


def firewalld_case(zone: str) -> dict[str, Any]:
    need(
        bool(shutil.which("firewalld") and shutil.which("dbus-daemon")),
        "firewalld and dbus-daemon (Debian firewalld, dbus)",
    )
    return in_namespace(firewalld=zone, ufw="empty")


def test_real_firewalld_in_the_public_zone_passes() -> None:
    # firewalld's filter_INPUT has policy accept; its zone chains end in a reject.
    result = firewalld_case("public")
    assert (result["status"], result["code"]) == ("PASS", "on"), result["summary"]["en"]
    hook = next(h for h in result["facts"]["hooks"] if h["where"] == "inet firewalld filter_INPUT")
    assert (hook["policy"], hook["path"]) == ("accept", "drop")


def test_real_firewalld_in_the_trusted_zone_accepts_everything() -> None:
    # The trusted zone's chain ends in a bare accept before the reject is ever reached.
    result = firewalld_case("trusted")
    assert (result["status"], result["code"]) == ("FAIL", "allow-all"), result["summary"]["en"]
    hook = next(h for h in result["facts"]["hooks"] if h["where"] == "inet firewalld filter_INPUT")
    assert (hook["drops"], hook["path"]) == (True, "accept")
