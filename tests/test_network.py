"""The network check: parsers on real published outputs, deciding from facts, and the live
measurements against a local HTTPS server (tests/netserver.py) — never another machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from precheck.catalogue import load_catalogue
from precheck.host import LiveHost, RecordingHost, ReplayHost
from precheck.model import Status, Verdict
from precheck.parse.airport import parse_airport_info
from precheck.parse.netsh_wlan import parse_netsh_wlan
from precheck.parse.nmcli import parse_active_types, parse_metered, parse_wifi_list, split_terse
from precheck.parse.system_profiler_airport import parse_airport_json
from precheck.probes import Context, network
from precheck.probes.network.ssid import match_ssid
from tests.bundles import linux_bundle, ok, replay
from tests.conftest import SAMPLES as SAMPLES_DIR
from tests.conftest import need, run_precheck, sample
from tests.netserver import serve
from tests.tlsca import LocalCA, make_ca

# -- parsers on real outputs ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "security", "label"),
    [
        ("en", "wpa2", "WPA2-Personal / CCMP"),
        ("de", "wpa2", "WPA2-Enterprise / CCMP"),
        ("fr", "open", "Ouvrir / Aucun"),  # "Open / None", translated: decided by the cipher
        ("ja-fixture", "wpa2", "WPA2-パーソナル / CCMP"),
    ],
)
def test_netsh_in_each_language(language: str, security: str, label: str) -> None:
    link = parse_netsh_wlan(sample(f"windows/netsh-wlan-show-interfaces-{language}.txt"))
    assert link["connected"] and link["security"] == security and link["label"] == label


def test_nmcli_wifi_list_marks_the_open_network_in_use() -> None:
    link = parse_wifi_list(sample("linux/nmcli-terse-dev-wifi-list.txt"))
    assert link == {
        "connected": True,
        "ssid": "SSID-3",
        "ssid_withheld": False,
        "security": "open",
        "label": "(none)",
    }
    assert split_terse(r"a\:b:c\\d:") == ["a:b", "c\\d", ""]


def test_nmcli_active_connections_and_metered() -> None:
    kinds = parse_active_types(sample("linux/nmcli-terse-connection-show-active-rpi.txt"))
    assert kinds == [("wifi", "wlan0")]
    assert parse_metered(sample("linux/nmcli-device-show-general-metered-guessed.txt")) == "yes"
    assert parse_metered("GENERAL.METERED:no (guessed)") == "no"
    assert parse_metered("") == "unknown"


@pytest.mark.parametrize(
    ("name", "security"),
    [
        ("system_profiler-json-SPAirPortDataType-macos15.5-wpa2.txt", "wpa2"),
        ("system_profiler-json-SPAirPortDataType-macos15.5.txt", "open"),
        ("system_profiler-json-SPAirPortDataType-macos10.15.7.txt", "open"),
    ],
)
def test_system_profiler_current_network(name: str, security: str) -> None:
    link = parse_airport_json(sample(f"macos/{name}"))
    assert link is not None and link["connected"] and link["security"] == security


def test_system_profiler_withheld_name_still_gives_security() -> None:
    """macOS 14.4+ without Location permission prints `<redacted>` for the name
    (research/media-network.md §3.2); the real 15.5 output with its name so replaced."""
    data = json.loads(sample("macos/system_profiler-json-SPAirPortDataType-macos15.5-wpa2.txt"))
    for item in data["SPAirPortDataType"][0]["spairport_airport_interfaces"]:
        if "spairport_current_network_information" in item:
            item["spairport_current_network_information"]["_name"] = "<redacted>"
    link = parse_airport_json(json.dumps(data))
    assert link is not None and link["ssid"] is None and link["ssid_withheld"]
    assert link["security"] == "wpa2"


def test_airport_info_old_macos() -> None:
    link = parse_airport_info(sample("macos/airport-I-macos10.14.txt"))
    assert link is not None and link["security"] == "wpa2" and link["label"] == "wpa2-psk"
    assert parse_airport_info("nothing here") is None


PARSERS = [
    parse_netsh_wlan,
    parse_wifi_list,
    parse_active_types,
    parse_metered,
    parse_airport_json,
    parse_airport_info,
]
SAMPLES = [
    "windows/netsh-wlan-show-interfaces-fr.txt",
    "windows/netsh-wlan-show-interfaces-ja-fixture.txt",
    "linux/nmcli-terse-dev-wifi-list.txt",
    "linux/nmcli-device-show-general-metered-guessed.txt",
    "macos/system_profiler-json-SPAirPortDataType-macos15.5.txt",
    "macos/airport-I-macos10.14.txt",
]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_parsers_never_raise_on_any_text(text: str) -> None:
    for parse in PARSERS:
        parse(text)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SAMPLES), st.floats(0, 1))
def test_parsers_never_raise_on_truncated_samples(name: str, cut: float) -> None:
    text = sample(name)
    for parse in PARSERS:
        parse(text[: int(len(text) * cut)])


def test_parsers_cap_a_huge_input() -> None:
    """1 MiB of repeated blocks still parses to one bounded answer (speed: bench/net_bench.py)."""
    block = sample("windows/netsh-wlan-show-interfaces-en.txt")
    huge = block * (1_048_576 // len(block))
    assert parse_netsh_wlan(huge)["security"] == "wpa2"
    long_name = "SSID : " + "x" * 1_048_576
    assert len(json.dumps(parse_netsh_wlan(long_name))) < 1000


# -- the Wi-Fi name never leaves the producer ---------------------------------------------------


TABLE = load_catalogue().table("wifi-free-japan")


def _cmd(text: str, rc: int = 0) -> dict[str, Any]:
    return ok({"rc": rc, "stdout": text, "stderr": ""})


def _link(system: str, commands: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """net:link derived on a replay host from raw `cmd:` answers holding real outputs."""
    host = replay(linux_bundle(commands))
    link: dict[str, Any] = host.derive("net:link", partial(network.read_link, system, TABLE))
    return link


@pytest.mark.parametrize("language", ["en", "de", "fr", "ja-fixture"])
def test_windows_link_keeps_no_home_network_name(language: str) -> None:
    text = sample(f"windows/netsh-wlan-show-interfaces-{language}.txt")
    link = _link("windows", {"cmd:netsh wlan show interfaces": _cmd(text)})
    assert link["link"] == "wifi" and link["ssid_state"] == "other"
    dumped = json.dumps(link)
    assert "SSID-1" not in dumped and "%s" not in dumped


def test_macos_link_from_system_profiler() -> None:
    text = sample("macos/system_profiler-json-SPAirPortDataType-macos15.5.txt")
    link = _link("darwin", {"cmd:system_profiler -json SPAirPortDataType": _cmd(text)})
    assert (link["link"], link["security"], link["source"]) == ("wifi", "open", "system_profiler")
    assert "SSID-2" not in json.dumps(link)


def test_ssid_table_matches() -> None:
    assert match_ssid("00000japan", False, TABLE)["ssid_state"] == "public"
    assert match_ssid("at_STARBUCKS_Wi2", False, TABLE)["ssid_name"] == "at_STARBUCKS_Wi2"
    pattern = match_ssid("Cafe_Free_Wi-Fi_2F", False, TABLE)
    assert pattern["ssid_state"] == "pattern" and pattern["ssid_name"] is None
    assert "Cafe" not in json.dumps(pattern)
    assert match_ssid("Yamada-home", False, TABLE) == {"ssid_state": "other", "ssid_name": None}
    assert match_ssid(None, True, TABLE)["ssid_state"] == "withheld"


def _fake_nmcli(folder: Path) -> None:
    """A real `nmcli` executable on PATH that prints the published outputs."""
    outputs = {
        "connection": SAMPLES_DIR / "linux/nmcli-terse-connection-show-active-rpi.txt",
        "wifi": SAMPLES_DIR / "linux/nmcli-terse-dev-wifi-list.txt",
        "device": SAMPLES_DIR / "linux/nmcli-device-show-general-metered-guessed.txt",
    }
    branches = "".join(
        f'case " $* " in *" {word} "*) tail -n +2 "{path}"; exit 0;; esac\n'
        for word, path in outputs.items()
    )
    script = folder / "nmcli"
    script.write_text("#!/bin/sh\n" + branches + "exit 10\n")
    script.chmod(0o755)


def test_linux_link_recorded_live_holds_security_and_metered_but_no_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_nmcli(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    recording = RecordingHost()
    link = recording.derive("net:link", partial(network.read_link, "linux", TABLE))
    assert link["link"] == "wifi" and link["security"] == "open" and link["metered"] == "yes"
    bundle = json.dumps(recording.bundle())
    assert "SSID-3" not in bundle and "AndroidHotspot" not in bundle
    assert list(recording.bundle()["entries"]) == ["net:link"]  # the nmcli answers were private


# -- deciding from facts --------------------------------------------------------------------


def ctx(profile_network: Mapping[str, Any] | None = None, **thresholds: Any) -> Context:
    spec = load_catalogue().checks["network"]
    return Context(
        thresholds={**spec.thresholds, **thresholds},
        tables=load_catalogue().table,
        profile={"booking": {"session_minutes": 30}, "checks": {"network": profile_network or {}}},
    )


GOOD: dict[str, Any] = {
    "system": "linux",
    "link": {"link": "wired", "source": "nmcli", "metered": "no"},
    "captive": {"primary": {"status": 204, "length": 0, "error": None}},
    "https": {"status": 204, "error": None},
    "rtt": {"samples": 20, "ok": 20, "median_ms": 20.0, "jitter_ms": 2.0, "min_ms": 15.0,
            "max_ms": 30.0, "loss_percent": 0.0},
    "download": {"mbps": 50.0, "error": None},
    "upload": {"mbps": 20.0, "error": None},
}  # fmt: skip


def decide(**changes: Any) -> Verdict:
    facts = {**GOOD, **changes}
    return network.decide(facts, ctx())


@pytest.mark.parametrize(
    ("link", "status", "code"),
    [
        ({"link": "wifi", "security": "open", "ssid_state": "other"}, Status.FAIL, "open-wifi"),
        ({"link": "wifi", "security": "owe", "ssid_state": "other"}, Status.FAIL, "open-wifi"),
        ({"link": "wifi", "security": "wep", "ssid_state": "other"}, Status.FAIL, "wep-wifi"),
        ({"link": "wifi", "security": "wpa2", "ssid_state": "public", "ssid_name": "0001docomo"},
         Status.FAIL, "public-wifi"),
        ({"link": "wifi", "security": "wpa2", "ssid_state": "pattern", "pattern": "FREE"},
         Status.WARN, "maybe-public-wifi"),
        ({"link": "wifi", "security": "wpa2", "ssid_state": "withheld"},
         Status.UNKNOWN, "location-permission"),
        ({"link": "unknown", "error": "missing", "detail": "nmcli is not installed"},
         Status.UNKNOWN, "wifi-unknown"),
        ({"link": "wifi", "security": "wpa3", "ssid_state": "other", "label": "WPA3-Personal"},
         Status.PASS, "ok"),
        ({"link": "not-wifi"}, Status.PASS, "ok"),  # Wi-Fi off, wired: not "open"
        ({"link": "wired", "metered": "yes"}, Status.WARN, "metered"),
    ],
)  # fmt: skip
def test_wifi_verdicts(link: dict[str, Any], status: Status, code: str) -> None:
    verdict = decide(link=link)
    assert (verdict.status, verdict.code) == (status, code)


def test_offline_and_open_wifi_both_fail_with_the_wifi_first() -> None:
    open_wifi = {"link": "wifi", "security": "open", "ssid_state": "other"}
    assert decide(link=open_wifi, offline="dns").code == "open-wifi"
    assert decide(offline="dns").code == "offline"


def test_not_configured_is_unknown() -> None:
    assert decide(not_configured="captive_portal_url").status is Status.UNKNOWN


# -- live, against the local HTTPS server ----------------------------------------------------


def run_network(
    targets: Mapping[str, Any], host: Any = None, **thresholds: Any
) -> tuple[Verdict, dict[str, Any]]:
    """collect + decide on a live (or given) host, with test-sized measurements by default."""
    context = ctx(
        targets,
        **{"rtt_samples": 10, "rtt_spacing_ms": 20, "throughput_seconds": 1.0,
           "throughput_warmup_seconds": 0.2, **thresholds},
    )  # fmt: skip
    facts = network.collect(host or LiveHost(), context)
    return network.decide(facts, context), json.loads(json.dumps(facts))


@pytest.fixture
def site(trusted_ca: LocalCA) -> Any:
    with serve(trusted_ca) as server:
        yield server


def targets(url: str, **changes: str) -> dict[str, str]:
    return {
        "captive_portal_url": f"{url}/generate_204",
        "second_probe_url": f"{url}/connecttest.txt",
        "second_probe_body": "Microsoft Connect Test",
        "https_probe_url": f"{url}/generate_204",
        "download_url": f"{url}/down?bytes={{bytes}}",
        "upload_url": f"{url}/up",
        **changes,
    }


def test_a_good_line_passes(site: Any) -> None:
    verdict, facts = run_network(targets(site.url))
    assert (verdict.status, verdict.code) == (Status.PASS, "ok"), facts
    assert facts["rtt"]["ok"] == 10 and facts["download"]["bytes"] > 0
    assert facts["upload"]["bytes"] > 0 and site.state.hits["/up"] == 1
    assert facts["dns"] == {"localhost": facts["dns"]["localhost"]}


@pytest.mark.parametrize("path", ["/portal", "/redirect"])
def test_captive_portal(site: Any, path: str) -> None:
    verdict, facts = run_network(
        targets(
            site.url, captive_portal_url=f"{site.url}{path}", second_probe_url=f"{site.url}/portal"
        )
    )
    assert (verdict.status, verdict.code) == (Status.FAIL, "captive-portal")
    assert "rtt" not in facts  # nothing measured behind a portal
    if path == "/redirect":
        assert facts["captive"]["primary"]["status"] == 302  # the redirect was not followed


def test_one_provider_down_is_not_a_portal(site: Any) -> None:
    verdict, facts = run_network(targets(site.url, captive_portal_url=f"{site.url}/portal"))
    assert verdict.code == "ok", facts
    assert facts["captive"]["second"]["body"] == "Microsoft Connect Test"


def test_untrusted_chain_is_tls_interception(site: Any, tmp_path: Path) -> None:
    other = make_ca(tmp_path / "other", name="Interceptor Root CA")
    with serve(other) as resigned:
        verdict, facts = run_network(
            targets(site.url, https_probe_url=f"{resigned.url}/generate_204")
        )
    assert (verdict.status, verdict.code) == (Status.WARN, "tls-intercepted")
    assert facts["https"]["error"] == "tls-untrusted" and facts["https"]["verify_code"] == 20
    assert facts["https"]["issuer"] == "Interceptor Root CA"


def test_refused_connections_are_offline_at_once(tmp_path: Path) -> None:
    closed = "http://localhost:1"
    verdict, facts = run_network(targets(closed, https_probe_url="https://localhost:1/"))
    assert (verdict.status, verdict.code) == (Status.FAIL, "offline")
    assert facts["https"]["error"] == "refused"  # the fast path, not a timeout


def test_one_cut_handshake_is_tried_again(site: Any) -> None:
    site.state.cut_handshakes = 1  # the first connection: the connectivity check's (one URL)
    verdict, facts = run_network(targets(site.url))
    assert (verdict.status, verdict.code) == (Status.PASS, "ok"), facts["https"]
    assert facts["https"]["retried"] in ("tls-error", "reset"), facts["https"]
    assert facts["https"]["status"] == 204 and site.state.cut_handshakes == 0


def test_a_line_that_cuts_every_handshake_is_unknown(site: Any) -> None:
    site.state.cut_handshakes = 1000
    verdict, facts = run_network(targets(site.url))
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "measure-failed"), facts["https"]
    assert facts["https"]["error"] in ("tls-error", "reset")
    assert facts["https"]["retried"] in ("tls-error", "reset")
    assert "rtt" not in facts  # nothing measured over a line that cuts every connection


@pytest.mark.parametrize(
    ("rtt_path", "status", "phrase"),
    [
        ("/generate_204?ms=150", Status.WARN, "rtt"),
        ("/generate_204?ms=300", Status.FAIL, "rtt"),
        ("/jitter?a=0&b=40", Status.WARN, "jitter"),
        ("/jitter?a=0&b=120", Status.FAIL, "jitter"),
        ("/flaky?every=5", Status.FAIL, "loss"),
    ],
)
def test_quality_from_server_side_delay_jitter_and_loss(
    site: Any, rtt_path: str, status: Status, phrase: str
) -> None:
    verdict, facts = run_network(targets(site.url, rtt_url=f"{site.url}{rtt_path}"))
    assert verdict.status is status, {k: facts.get(k) for k in ("https", "captive", "rtt")}
    assert phrase in [p.code for p in verdict.params["problems"]], facts["rtt"]


@pytest.mark.parametrize(
    ("rate", "status"), [(150_000, Status.WARN), (40_000, Status.FAIL)]
)  # 1.2 Mbps: below 2.5 (WARN); 0.32 Mbps: below 0.6 (FAIL)
def test_throttled_download(site: Any, rate: int, status: Status) -> None:
    down = f"{site.url}/down?bytes={{bytes}}&rate={rate}"
    verdict, facts = run_network(targets(site.url, download_url=down))
    assert verdict.status is status, facts
    assert "download" in [p.code for p in verdict.params["problems"]]
    assert facts["download"]["mbps"] < (2.5 if status is Status.WARN else 0.6)


def test_no_test_host_is_unknown_not_pass(site: Any) -> None:
    verdict, _ = run_network(targets(site.url, download_url="", upload_url=""))
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "measure-failed")


def test_office_page_unreachable_warns(site: Any) -> None:
    profile = targets(site.url, pages=[f"{site.url}/missing"])  # type: ignore[arg-type]
    verdict, _ = run_network(profile)
    assert (verdict.status, verdict.code) == (Status.WARN, "page-unreachable")


def test_the_terms_page_of_the_profile_is_an_office_page(site: Any) -> None:
    context = ctx(targets(site.url), rtt_samples=3, throughput_seconds=0.5)
    terms = f"{site.url}/terms-missing"
    context = Context(
        context.thresholds, context.tables, {**context.profile, "contact": {"terms_url": terms}}
    )
    facts = network.collect(LiveHost(), context)
    assert terms in facts["pages"] and facts["pages"][terms]["status"] == 404
    verdict = network.decide(facts, context)
    assert (verdict.code, verdict.params["url"]) == ("page-unreachable", terms)


def test_a_replay_decides_the_same(site: Any) -> None:
    recording = RecordingHost()
    first, _ = run_network(targets(site.url, rtt_url=f"{site.url}/generate_204?ms=150"), recording)
    bundle = json.loads(json.dumps(recording.bundle()))
    from precheck.host.evidence import validate_bundle

    validate_bundle(bundle, "recorded")
    assert any(k.startswith("net:rtt:https://localhost:") for k in bundle["entries"])
    again, _ = run_network(
        targets(site.url, rtt_url=f"{site.url}/generate_204?ms=150"), ReplayHost(bundle)
    )
    assert (again.status, again.code) == (first.status, first.code)


# -- the whole command, and real kernel impairment in a namespace ------------------------------


def test_precheck_run_says_offline_quickly_in_tests() -> None:
    """Every test's default profile points at a closed local port (conftest.local_profile)."""
    done = run_precheck("run", "--only", "network", "--json")
    doc = json.loads(done.stdout)
    result = doc["results"][0] if "results" in doc else doc["checks"][0]
    assert (result["status"], result["code"]) == ("FAIL", "offline")


ROOT = hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("unshare") is not None


def _in_namespace(ca: LocalCA, *qdisc: str) -> dict[str, Any]:
    done = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "tests.netns_check", str(ca.ca_cert.parent),
         *qdisc],
        capture_output=True, text=True, timeout=120, check=False,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "REQUESTS_CA_BUNDLE": str(ca.ca_cert), "NO_PROXY": "*"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    ("rate", "status"), [("2mbit", "WARN"), ("300kbit", "FAIL"), ("100mbit", "PASS")]
)
def test_kernel_throttle_in_a_namespace(ca: LocalCA, rate: str, status: str) -> None:
    """tc tbf on the namespace's loopback (netem is not in this kernel; tbf is)."""
    need(ROOT, "needs root and unshare for a private network namespace")
    result = _in_namespace(ca, "tbf", "rate", rate, "burst", "8kb", "latency", "400ms")
    assert result["status"] == status, result
    if status != "PASS":
        assert result["facts"]["download"]["mbps"] < 2.5


def test_real_packet_loss_in_a_namespace_makes_the_line_unusable(ca: LocalCA) -> None:
    """nftables drops every 10th packet on the namespace's loopback: TCP recovers each loss
    after a retransmission timeout (200 ms or more), which the round trips show as jitter."""
    need(ROOT and shutil.which("nft") is not None, "needs root, unshare and nftables")
    result = _in_namespace(ca, "--drop-every", "10")
    assert (result["status"], result["code"]) == ("FAIL", "quality-unusable"), result
    assert {"jitter", "unstable", "loss"} & set(result["problems"]), result
    rtt = result["facts"]["rtt"]
    assert rtt["max_ms"] >= 200 or rtt["failed"], rtt  # a retransmission timeout, or a lost one


def test_empty_namespace_is_offline_from_dns(tmp_path: Path) -> None:
    """No route at all: the names (.invalid, never a public name) fail at once."""
    need(ROOT, "needs root and unshare for a private network namespace")
    profile = tmp_path / "p.toml"
    text = Path(os.environ["PRECHECK_PROFILE"]).read_text("utf-8")
    profile.write_text(text.replace("http://localhost:1/", "http://check.precheck.invalid/"))
    done = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "precheck", "run", "--only", "network", "--json",
         "--profile", str(profile)],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "PRECHECK_LANG": "en"},
    )  # fmt: skip
    doc = json.loads(done.stdout)
    result = doc["results"][0] if "results" in doc else doc["checks"][0]
    assert (result["status"], result["code"]) == ("FAIL", "offline"), result
    assert result["facts"]["https"]["error"] == "dns"


def test_an_upper_bound_only_decides_when_it_is_too_slow() -> None:
    slow = {"mbps": 0.3, "bound": "at-most", "error": None}
    fast = {"mbps": 9.0, "bound": "at-most", "error": None}
    assert decide(upload=slow).code == "quality-unusable"
    assert (decide(upload=fast).status, decide(upload=fast).code) == (
        Status.UNKNOWN,
        "measure-failed",
    )


def test_a_system_proxy_is_used_and_reported(site: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.netserver import connect_proxy

    with connect_proxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "")
        https_only = targets(site.url, captive_portal_url=f"{site.url}/generate_204")
        verdict, facts = run_network(https_only)
    assert (verdict.status, verdict.code) == (Status.WARN, "proxy"), facts
    assert facts["proxy"] == "http" and facts["upload"]["proxy"] == "http"
    port = site.url.rsplit(":", 1)[1]
    assert proxy.tunnels[f"localhost:{port}"] >= 4  # every request went through the tunnel


def test_netsh_that_fails_is_unknown_not_wired() -> None:
    failed = _link("windows", {"cmd:netsh wlan show interfaces": _cmd("", rc=1)})
    assert failed["link"] == "unknown"
    assert decide(link=failed).code == "wifi-unknown"
    disconnected = _link("windows", {"cmd:netsh wlan show interfaces": _cmd("", rc=0)})
    assert disconnected["link"] == "not-wifi"
