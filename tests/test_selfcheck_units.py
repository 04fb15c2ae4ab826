"""The browser self-check's pure parts: UA parsing, decisions, the payload gate, the server's
own timings, and the signed record (genuine, tampered, other key)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from precheck.catalogue import load_catalogue
from precheck.model import Status
from precheck.office.selfcheck import decide
from precheck.office.selfcheck.payload import PayloadError, parse_page
from precheck.office.selfcheck.sessions import Sessions
from precheck.parse.user_agent import DeviceFacts, parse_device
from precheck.report.browser_check import FORMAT, make_record
from precheck.report.keys import load_device_key
from precheck.report.verify import verify_report
from tests.conftest import run_precheck, sample

TODAY = date(2026, 12, 2)


def uas() -> dict[str, str]:
    rows = [line.split("\t") for line in sample("ua/user-agents.txt").splitlines()]
    return {r[0]: r[1] for r in rows if len(r) == 2 and not r[0].startswith("#")}


def table() -> dict[str, Any]:
    return load_catalogue().table("os-lifecycle")


def thresholds(check: str) -> dict[str, Any]:
    return dict(load_catalogue().checks[check].thresholds)


# -- the user agent ------------------------------------------------------------------------


def test_published_user_agents() -> None:
    ua = uas()
    safari26 = parse_device(ua["safari26-iphone"])
    assert (safari26.family, safari26.major, safari26.source) == ("ios", 26, "safari-version")
    assert not safari26.may_hide
    safari18 = parse_device(ua["safari18-iphone"])
    assert (safari18.major, safari18.may_hide) == (18, False)  # Version/18.6 is trustworthy
    webview = parse_device(ua["webview-iphone"])
    assert (webview.major, webview.may_hide) == (18, True)  # could be a frozen 26
    reduced = parse_device(ua["chrome-android-reduced"])
    assert (reduced.family, reduced.major, reduced.may_hide) == ("android", None, True)
    hinted = parse_device(
        ua["chrome-android-reduced"],
        {"sec-ch-ua-platform": '"Android"', "sec-ch-ua-platform-version": '"15.0.0"'},
    )
    assert (hinted.major, hinted.source, hinted.may_hide) == (15, "client-hints", False)
    full = parse_device(ua["chrome-android-full"])
    assert (full.major, full.source) == (13, "user-agent")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000), st.dictionaries(st.text(max_size=30), st.text(max_size=300)))
def test_any_input_parses_to_bounded_facts(ua: str, hints: dict[str, str]) -> None:
    facts = parse_device(ua, hints)
    assert facts.family in ("ios", "ipados", "android", "desktop", "unknown")
    assert facts.version is None or len(facts.version) <= 64
    assert facts.browser is None or len(facts.browser) <= 64


def test_a_megabyte_user_agent_is_cut_before_parsing() -> None:
    facts = parse_device("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1" + "_" * (1 << 20))
    assert facts.major == 17


# -- OS decisions --------------------------------------------------------------------------


def device(family: str, major: int | None, may_hide: bool = False) -> DeviceFacts:
    return DeviceFacts(family, major, None, "user-agent", may_hide, None, True)


@pytest.mark.parametrize(
    ("facts", "status", "code"),
    [
        (device("ios", 26), Status.PASS, "os-supported"),
        (device("ios", 27), Status.PASS, "os-supported"),  # newer than the table
        (device("ios", 18), Status.WARN, "os-backports"),
        (device("ios", 17), Status.FAIL, "os-eol"),
        (device("ios", 17, may_hide=True), Status.WARN, "os-eol"),  # may be hidden: no FAIL
        (device("ios", 9), Status.FAIL, "os-eol"),  # older than every row of the family
        (device("android", 14), Status.PASS, "os-supported"),
        (device("android", 13), Status.FAIL, "os-eol"),  # ended 2026-03-02
        (device("android", None, may_hide=True), Status.WARN, "os-hidden"),
        (device("desktop", None), Status.UNKNOWN, "os-not-phone"),
    ],
)
def test_os_decisions(facts: DeviceFacts, status: Status, code: str) -> None:
    found = decide.decide_os(facts, table(), TODAY)
    assert (found.status, found.code) == (status, code)


def test_an_eol_date_in_the_future_is_not_yet_eol() -> None:
    found = decide.decide_os(device("android", 13), table(), date(2026, 3, 1))
    assert (found.status, found.code) == (Status.WARN, "os-backports")


# -- camera, microphone, network with the PC checks' thresholds ------------------------------

GOOD_CAMERA = {
    "frames": 60,
    "fps": 30.0,
    "width": 1280,
    "height": 720,
    "black_ratio": 0.0,
    "frozen_ratio": 0.0,
    "mean_luma": 120.0,
}


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({}, Status.PASS, "camera-ok"),
        ({"black_ratio": 0.9}, Status.FAIL, "camera-black"),
        ({"frozen_ratio": 0.5}, Status.FAIL, "camera-frozen"),
        ({"fps": 3.0}, Status.FAIL, "camera-slow"),
        ({"fps": 10.0}, Status.WARN, "camera-slow-warn"),
        ({"width": 320, "height": 240}, Status.WARN, "camera-small"),
        ({"mean_luma": 30.0}, Status.WARN, "camera-dark"),
        ({"frames": 0}, Status.FAIL, "camera-no-frames"),
    ],
)
def test_camera_decisions(change: dict[str, Any], status: Status, code: str) -> None:
    found = decide.decide_camera({**GOOD_CAMERA, **change}, thresholds("camera"))
    assert (found.status, found.code) == (status, code)


def test_camera_and_microphone_errors_say_what_happened() -> None:
    assert decide.decide_camera({"error": "in-use"}, thresholds("camera")).code == "camera-in-use"
    mic = decide.decide_microphone({"error": "permission-denied"}, thresholds("microphone"))
    assert (mic.status, mic.code) == (Status.FAIL, "mic-permission-denied")


GOOD_NET = {
    "rtt_ms": 40.0,
    "jitter_ms": 5.0,
    "loss_percent": 0.0,
    "download_mbps": 20.0,
    "upload_mbps": 10.0,
    "samples": 20,
    "bytes": 3_000_000,
}


@pytest.mark.parametrize(
    ("page", "server", "status"),
    [
        ({}, {}, Status.PASS),
        ({"rtt_ms": 180.0}, {}, Status.WARN),
        ({"rtt_ms": 400.0}, {}, Status.FAIL),
        ({"loss_percent": 10.0}, {}, Status.FAIL),
        ({"download_mbps": 1.0}, {}, Status.WARN),
        ({}, {"rtt_ms": 400.0}, Status.FAIL),  # the server's own round trip wins over the page
        ({}, {"upload_mbps": 0.3}, Status.FAIL),
    ],
)
def test_network_decisions(page: dict[str, Any], server: dict[str, Any], status: Status) -> None:
    found = decide.decide_network({**GOOD_NET, **page}, server, thresholds("network"))
    assert found.status is status
    assert found.source == ("server" if server else "page")


# -- the payload gate -----------------------------------------------------------------------


def payload(**change: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "session": "s" * 22,
        "hints": {},
        "camera": GOOD_CAMERA,
        "microphone": None,
        "network": GOOD_NET,
        "declared": {"antivirus": "yes", "file_sharing": "none", "wifi": "home"},
    }
    base.update(change)
    return base


@pytest.mark.parametrize(
    "bad",
    [
        {"camera": {**GOOD_CAMERA, "fps": float("nan")}},
        {"camera": {**GOOD_CAMERA, "fps": 1e9}},
        {"camera": {**GOOD_CAMERA, "extra": 1}},
        {"camera": {"error": "exploded"}},
        {"network": {**GOOD_NET, "loss_percent": -1}},
        {"declared": {"antivirus": "maybe", "file_sharing": "none", "wifi": "home"}},
        {"session": "x"},
        {"surprise": True},
        {"camera": {**GOOD_CAMERA, "frames": True}},
    ],
)
def test_out_of_shape_payloads_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(PayloadError):
        parse_page(payload(**bad))


def test_hints_are_kept_bounded_and_only_known_ones() -> None:
    page = parse_page(payload(hints={"sec-ch-ua-model": "x" * 5000, "cookie": "secret"}))
    assert page.hints == {"sec-ch-ua-model": "x" * 200}


# -- what the server itself observes (injected clock) ----------------------------------------


def test_server_round_trips_and_upload_from_its_own_clock() -> None:
    now = [100.0]
    sessions = Sessions(clock=lambda: now[0])
    sid = sessions.new()
    for arrived in (100.0, 100.05, 100.11, 100.15):  # answered at once each time
        sessions.ping(sid, arrived, arrived)
    sessions.upload(sid, 1_000_000, 0.5)
    assert sessions.observed(sid) == {
        "rtt_ms": 50.0,
        "rtt_samples": 3,
        "upload_mbps": 16.0,
        "upload_bytes": 1_000_000,
    }
    now[0] += 31 * 60  # visits are forgotten after 30 minutes
    sessions.new()
    assert sessions.observed(sid) is None


# -- the signed record ---------------------------------------------------------------------


def record(key_dir: Path, **change: Any) -> dict[str, Any]:
    now = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    body: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "office": "hellowork-tonami",
        "made_at": now.isoformat(),
        "expires_at": (now + timedelta(days=7)).isoformat(),
        "job_seeker_number_sha256": None,
        "device": parse_device(uas()["safari26-iphone"]).as_dict(),
        "server_observed": {
            "user_agent": uas()["safari26-iphone"],
            "client_hints": {},
            "network": None,
        },
        "page_reported": {
            "client_hints": {},
            "camera": GOOD_CAMERA,
            "microphone": None,
            "network": None,
        },
        "declared": {"antivirus": "yes", "file_sharing": "none", "wifi": "home"},
        "results": [
            {
                "id": "camera",
                "status": "PASS",
                "code": "camera-ok",
                "source": "page",
                "required": True,
                "params": {},
            }
        ],
    }
    body.update(change)
    return make_record(body, load_device_key(key_dir))


NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def test_genuine_record_is_valid_and_said_to_be_a_browser_check(tmp_path: Path) -> None:
    signed = record(tmp_path / "key")
    result = verify_report(json.dumps(signed).encode(), now=NOW)
    assert (result.state, result.kind, result.overall) == ("valid", "browser", "ready")
    assert "iOS 26" in result.notes[0].en


def test_tampered_records_are_refused(tmp_path: Path) -> None:
    signed = record(tmp_path / "key")
    edited = json.loads(json.dumps(signed))
    edited["results"][0]["status"] = "FAIL"
    assert verify_report(json.dumps(edited).encode(), now=NOW).state == "invalid"
    edited = json.loads(json.dumps(signed))
    edited["declared"]["wifi"] = "public"
    assert verify_report(json.dumps(edited).encode(), now=NOW).state == "invalid"


def test_only_the_office_key_counts_where_it_is_known(tmp_path: Path) -> None:
    office = load_device_key(tmp_path / "office")
    other = record(tmp_path / "other")
    data = json.dumps(other).encode()
    assert verify_report(data, now=NOW, office_key=office.fingerprint).state == "invalid"
    mine = json.dumps(record(tmp_path / "office")).encode()
    assert verify_report(mine, now=NOW, office_key=office.fingerprint).state == "valid"


def test_declarations_admitting_a_problem_make_it_not_ready(tmp_path: Path) -> None:
    signed = record(
        tmp_path / "key", declared={"antivirus": "no", "file_sharing": "none", "wifi": "home"}
    )
    assert signed["overall"] == "not-ready"


def test_precheck_verify_shows_a_browser_check(tmp_path: Path) -> None:
    made = datetime.now(UTC).replace(microsecond=0)
    signed = record(
        tmp_path / "key",
        made_at=made.isoformat(),
        expires_at=(made + timedelta(days=7)).isoformat(),
    )
    good = tmp_path / "phone.json"
    good.write_text(json.dumps(signed), encoding="utf-8")
    edited = tmp_path / "edited.json"
    signed["overall"] = "not-ready"
    edited.write_text(json.dumps(signed), encoding="utf-8")
    run = run_precheck("verify", "--json", good, edited)
    assert run.returncode == 1, run.stderr
    states = {Path(r["file"]).name: r for r in json.loads(run.stdout)["reports"]}
    assert states["phone.json"]["state"] == "valid" and states["phone.json"]["kind"] == "browser"
    assert states["edited.json"]["state"] == "invalid"


def test_precheck_show_reads_a_browser_check_with_its_declarations(tmp_path: Path) -> None:
    made = datetime.now(UTC).replace(microsecond=0)
    signed = record(
        tmp_path / "key",
        made_at=made.isoformat(),
        expires_at=(made + timedelta(days=7)).isoformat(),
    )
    path = tmp_path / "phone.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    run = run_precheck("show", path, "--lang", "ja", lang=None)
    assert run.returncode == 0, run.stderr
    assert "（ブラウザ確認）" in run.stdout and "ご本人の申告" in run.stdout
    assert "カメラは動いています" in run.stdout


def test_the_self_check_address_and_its_qr_code() -> None:
    from precheck.qr import qr_svg, selfcheck_url

    assert selfcheck_url({"selfcheck": {"url": "https://hw.example/check"}}, "https://x") == (
        "https://hw.example/check"
    )
    assert selfcheck_url({"selfcheck": {"url": ""}}, "https://office.example:8443/") == (
        "https://office.example:8443/check"
    )
    svg = qr_svg("https://hw.example/check")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and 'class="segno"' in svg
    with pytest.raises(ValueError):
        qr_svg("https://x/" + "a" * 400)


def test_every_code_a_decision_can_give_has_its_words() -> None:
    import re

    from precheck.messages import ui_text
    from precheck.office.selfcheck.payload import MEDIA_ERRORS

    source = Path(decide.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'"((?:os|camera|mic|net)-[a-z-]+)"', source))
    codes -= {"os-support"}  # the check id, not a code
    codes |= {f"{kind}-{error}" for kind in ("camera", "mic") for error in MEDIA_ERRORS}
    assert len(codes) > 20
    for code in sorted(codes):
        text = ui_text(f"selfcheck.code.{code}")
        assert text.ja != f"selfcheck.code.{code}" and text.en, code
