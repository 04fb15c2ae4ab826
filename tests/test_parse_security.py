"""The firewall and antivirus parsers: real outputs, and any text at all never makes them raise.

Property tests feed random text, and every prefix of the real samples (a command cut short), to
each parser; a 1 MiB input must still parse (the bench times it: bench/security_bench.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from precheck.parse.cvd import parse_cvd_header
from precheck.parse.iptables_save import parse_iptables_save
from precheck.parse.mdatp import parse_mdatp_health
from precheck.parse.mpcomputerstatus import defender_status
from precheck.parse.netsh_advfirewall import parse_netsh_profiles
from precheck.parse.nft import parse_nft_json
from precheck.parse.plist import plist_value
from precheck.parse.security_center import decode_product_state
from precheck.parse.socketfilterfw import app_count, global_state, stealth_mode
from precheck.parse.ufw import ufw_default_input, ufw_enabled
from tests.conftest import need, sample

PARSERS: list[Callable[[str], Any]] = [
    parse_cvd_header, parse_iptables_save, parse_netsh_profiles, parse_nft_json,
    lambda t: plist_value(t, "CFBundleShortVersionString"), global_state, stealth_mode,
    app_count, ufw_enabled, ufw_default_input, decode_product_state, parse_mdatp_health,
    lambda t: defender_status({"AMRunningMode": t, "AntivirusSignatureLastUpdated": t}),
]  # fmt: skip

SAMPLES = [
    "windows/netsh-advfirewall-show-currentprofile-public-on-en.txt",
    "windows/netsh-advfirewall-show-currentprofile-domain-off-en.txt",
    "macos/socketfilterfw-getglobalstate-disabled-listapps-xprotect-macos26.5.txt",
    "macos/socketfilterfw-listapps-partial.txt",
    "linux/sigtool-info-main-cvd.txt",
]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
@example("¹")  # a Unicode digit str.isdigit() accepts and int() refuses (found by this test)
@example("ClamAV-VDB:x:1:1:1:m:d:b:²")
def test_no_parser_raises_on_any_text(text: str) -> None:
    for parse in PARSERS:
        parse(text)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SAMPLES), st.integers(min_value=0, max_value=4000))
def test_no_parser_raises_on_a_cut_real_output(name: str, cut: int) -> None:
    text = sample(name)[:cut]
    for parse in PARSERS:
        parse(text)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(["nftables", "chain", "rule", "table", "hook",
                                                       "expr", "name", "policy", "drop", "jump",
                                                       "target", "family", "match"]), inner,
                                      max_size=5),
                    max_leaves=30))  # fmt: skip
def test_nft_parser_survives_any_json_shape(value: Any) -> None:
    parse_nft_json(json.dumps(value))


def test_a_mebibyte_of_input_still_parses() -> None:
    rule = {"rule": {"family": "inet", "table": "t", "chain": "input",
                     "expr": [{"match": {"left": {"payload": {"field": "dport"}}, "right": 1}},
                              {"accept": None}]}}  # fmt: skip
    chain = {"chain": {"family": "inet", "table": "t", "name": "input", "hook": "input",
                       "type": "filter", "policy": "drop"}}  # fmt: skip
    text = json.dumps({"nftables": [chain] + [rule] * 8000})
    assert len(text) > 1 << 20
    ruleset = parse_nft_json(text)
    assert ruleset.hooks[0].exceptions == 8000
    big = "State ON\n" * 120_000
    assert parse_netsh_profiles(big) == []
    assert parse_iptables_save("-A INPUT -j ACCEPT\n" * 60_000) is None  # no *filter table


def test_netsh_english_blocks() -> None:
    (public,) = parse_netsh_profiles(
        sample("windows/netsh-advfirewall-show-currentprofile-public-on-en.txt")
    )
    assert (public.name, public.enabled, public.inbound) == ("public", True, "block")
    before, after = parse_netsh_profiles(
        sample("windows/netsh-advfirewall-show-currentprofile-domain-off-en.txt")
    )
    assert (before.enabled, after.enabled) == (True, False)


def test_socketfilterfw_wordings() -> None:
    assert global_state(sample("macos/socketfilterfw-getglobalstate-enabled-macos26.txt")) == 1
    assert stealth_mode(sample("macos/socketfilterfw-getstealthmode-on-macos26.txt")) is True
    assert stealth_mode(sample("macos/socketfilterfw-getstealthmode-off-macos26.txt")) is False
    legacy = sample("macos/socketfilterfw-getstealthmode-disabled-legacy-comment.txt")
    assert stealth_mode(legacy) is False
    assert app_count(sample("macos/socketfilterfw-listapps-partial.txt")) == 7
    session = sample("macos/socketfilterfw-getglobalstate-disabled-listapps-xprotect-macos26.5.txt")
    assert global_state(session) == 0 and app_count(session) == 8


def test_cvd_header_matches_what_sigtool_printed_for_the_documented_database() -> None:
    # sigtool -i main.cvd (Signatures.md): Build time 09 Dec 2007 15:50 +0000, Version 45,
    # Signatures 169676, Builder sven. The header carries the same fields, the time twice.
    info = dict(
        line.split(": ", 1) for line in sample("linux/sigtool-info-main-cvd.txt").splitlines()
        if ": " in line
    )  # fmt: skip
    built = datetime.strptime(info["Build time"], "%d %b %Y %H:%M %z")
    header = ":".join([
        "ClamAV-VDB", built.strftime("%d %b %Y %H-%M %z"), info["Version"], info["Signatures"],
        info["Functionality level"], info["MD5"], "dsig", info["Builder"],
        str(int(built.timestamp())),
    ]).ljust(512)  # fmt: skip
    parsed = parse_cvd_header(header)
    assert parsed is not None
    assert (parsed.version, parsed.signatures, parsed.builder) == (45, 169676, "sven")
    assert parsed.built == datetime(2007, 12, 9, 15, 50, tzinfo=UTC)
    # without the epoch field the printed time is used
    no_epoch = header.replace(str(int(built.timestamp())), "x")
    assert parse_cvd_header(no_epoch) is not None
    assert parse_cvd_header("ClamAV-VDB:garbage") is None


def test_ufw_conf_values() -> None:
    assert ufw_enabled("# comment\nENABLED=yes\nLOGLEVEL=low\n") is True
    assert ufw_enabled("ENABLED=no\n") is False
    assert ufw_enabled("") is None
    assert ufw_default_input('DEFAULT_INPUT_POLICY="DROP"\n') == "drop"


def netns(script: str) -> str:
    need(os.geteuid() == 0 and bool(shutil.which("iptables-save")), "root and iptables")
    return subprocess.run(
        ["unshare", "--net", "--", "sh", "-ec", script],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip


@pytest.mark.parametrize(
    ("script", "policy", "drops", "exceptions"),
    [
        ("iptables -P INPUT DROP; iptables -A INPUT -p tcp --dport 22 -j ACCEPT", "drop", False, 1),
        ("iptables -N CHECK; iptables -A INPUT -j CHECK; iptables -A CHECK -s 10.0.0.0/8 -j DROP",
         "accept", True, 0),
        ("iptables -N DOCKER-USER; iptables -A INPUT -j DOCKER-USER; "
         "iptables -A DOCKER-USER -j DROP", "accept", False, 0),
        ("true", None, False, 0),  # no table at all: nothing filters
    ],
)  # fmt: skip
def test_real_iptables_save_output(
    script: str, policy: str | None, drops: bool, exceptions: int
) -> None:
    chain = parse_iptables_save(netns(script + "; iptables-save"))
    if policy is None:
        assert chain is None
        return
    assert chain is not None
    assert (chain.policy, chain.drops, chain.exceptions) == (policy, drops, exceptions)


def nft_doc(*chains: tuple[str, str | None, list[list[dict[str, Any]]]]) -> str:
    items: list[dict[str, Any]] = []
    for name, policy, rules in chains:
        chain: dict[str, Any] = {"family": "inet", "table": "t", "name": name}
        if policy:
            chain.update(hook="input", type="filter", policy=policy)
        items.append({"chain": chain})
        items += [{"rule": {"family": "inet", "table": "t", "chain": name, "expr": expr}}
                  for expr in rules]  # fmt: skip
    return json.dumps({"nftables": items})


def test_an_unconditional_accept_before_the_reject_is_allow_all() -> None:
    iif = {"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lo"}}
    text = nft_doc(
        ("input", "accept", [[iif, {"accept": None}], [{"jump": {"target": "zones"}}],
                             [{"reject": None}]]),
        ("zones", None, [[{"goto": {"target": "trusted"}}]]),
        ("trusted", None, [[{"counter": None}, {"accept": None}]]),
    )  # fmt: skip
    (hook,) = parse_nft_json(text).hooks
    assert (hook.drops, hook.path, hook.filtering) == (True, "accept", False)
    # the same zone chain that returns instead lets the packet reach the reject
    (hook,) = parse_nft_json(text.replace('"accept": null}]}}]}', '"return": null}]}}]}')).hooks
    assert (hook.path, hook.filtering) == ("drop", True)


def test_jump_loops_and_deep_chains_end() -> None:
    loop = nft_doc(("input", "accept", [[{"jump": {"target": "a"}}]]),
                   ("a", None, [[{"jump": {"target": "b"}}]]),
                   ("b", None, [[{"jump": {"target": "a"}}]]))  # fmt: skip
    assert parse_nft_json(loop).hooks[0].path == "policy"
    deep = [("input", "drop", [[{"jump": {"target": "c0"}}]])] + [
        (f"c{i}", None, [[{"jump": {"target": f"c{i + 1}"}}]]) for i in range(5000)
    ]
    (hook,) = parse_nft_json(nft_doc(*deep)).hooks
    assert hook.filtering and hook.path == "policy"
