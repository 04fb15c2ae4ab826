"""The phone self-check page in Debian's headless Chromium, phone-sized, with a fake camera.

Chromium plays a .y4m file the test writes as its camera (`--use-file-for-fake-video-capture`)
and a generated tone as its microphone; mobile emulation gives it an Android or iPhone user
agent and Android client hints. The page runs its real JavaScript against the real service
over TLS on 127.0.0.1, and the signed record it gets back is verified like a counselor would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from precheck.report.verify import verify_report
from tests import browser
from tests.conftest import need, sample
from tests.liveserver import serve
from tests.tlsca import LocalCA, make_ca

WAIT = 60
ANDROID = {
    "deviceMetrics": {"width": 360, "height": 780, "pixelRatio": 3.0, "touch": True},
    "clientHints": {
        "platform": "Android",
        "platformVersion": "14.0.0",
        "mobile": True,
        "model": "Pixel 7",
        "brands": [{"brand": "Chromium", "version": "142"}],
    },
}


def user_agents() -> dict[str, str]:
    rows = [line.split("\t") for line in sample("ua/user-agents.txt").splitlines()]
    return {row[0]: row[1] for row in rows if len(row) == 2 and not row[0].startswith("#")}


def write_y4m(path: Path, kind: str, fps: int = 30, frames: int = 90) -> Path:
    """A 320×240 4:2:0 video Chromium can play as a camera: moving, black or frozen."""
    import numpy as np

    width, height = 320, 240
    header = f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode()
    rng = np.random.default_rng(7)
    chroma = np.full((height // 2) * (width // 2) * 2, 128, np.uint8).tobytes()
    still = rng.integers(40, 220, (height, width), dtype=np.uint8)
    with path.open("wb") as out:
        out.write(header)
        for i in range(frames):
            if kind == "black":
                luma = np.zeros((height, width), np.uint8)
            elif kind == "frozen":
                luma = still
            else:  # a bright bar sweeping over noise: every frame differs
                luma = rng.integers(60, 200, (height, width), dtype=np.uint8)
                luma[:, (i * 7) % width : (i * 7) % width + 40] = 250
            out.write(b"FRAME\n" + luma.tobytes() + chroma)
    return path


@dataclass
class Page:
    url: str
    ca: LocalCA
    app: Any


class Impaired:
    """The service behind a line that delays or loses the page's round-trip probes.

    A delay is real time on the wire as the page and the server both see it; a lost probe is
    answered 503, which the page counts as lost like a timeout (and it keeps the test short).
    """

    def __init__(self, app: Any, *, delay: float = 0.0, lose_every: int = 0) -> None:
        self.app, self.delay, self.lose_every, self.count = app, delay, lose_every, 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        import asyncio

        if scope["type"] == "http" and scope["path"] == "/check/ping":
            self.count += 1
            if self.lose_every and self.count % self.lose_every == 0:
                await send({"type": "http.response.start", "status": 503, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
            if self.delay:
                await asyncio.sleep(self.delay)
        await self.app(scope, receive, send)


def start_office(tmp_path: Path, **impairment: Any) -> Any:
    need(browser.unavailable_reason() is None, str(browser.unavailable_reason()))
    from precheck.office.app import create_app
    from precheck.office.settings import make_settings

    ca = make_ca(tmp_path / "tls")
    app = create_app(make_settings(data_dir=tmp_path / "office"))
    return ca, app, serve(Impaired(app, **impairment) if impairment else app, tls=ca)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Page]:
    ca, app, server = start_office(tmp_path)
    with server as base:
        yield Page(url=f"{base}/check", ca=ca, app=app)


def run_page(
    office: Page,
    tmp_path: Path,
    *,
    video: Path | None,
    user_agent: str,
    hints: bool,
    allow: bool = True,
    lang: str = "ja",
    shot: str | None = None,
    number: str | None = None,
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    extra = ["--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required"]
    extra.append("--use-fake-ui-for-media-stream" if allow else "--deny-permission-prompts")
    if video is not None:
        extra.append(f"--use-file-for-fake-video-capture={video}")
    mobile: dict[str, Any] = {**ANDROID, "userAgent": user_agent}
    if not hints:
        mobile.pop("clientHints")
    with browser.chromium(
        downloads=tmp_path / "downloads",
        trust_cert=office.ca.server_cert,
        width=360,
        height=780,
        extra=extra,
        mobile=mobile,
    ) as driver:
        wait = WebDriverWait(driver, WAIT)
        driver.get(f"{office.url}?lang={lang}")
        for button in ("camera-button", "mic-button", "net-button"):
            driver.find_element(By.ID, button).click()
            wait.until(ec.element_to_be_clickable((By.ID, button)))
        for name, value in (("antivirus", "yes"), ("file_sharing", "none"), ("wifi", "home")):
            driver.find_element(By.CSS_SELECTOR, f"input[name={name}][value={value}]").click()
        if number is not None:
            driver.find_element(By.ID, "number").send_keys(number)
        driver.find_element(By.ID, "record-button").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results li"))
        lines = [
            {"id": li.get_attribute("data-id"), "status": li.get_attribute("data-status")}
            for li in driver.find_elements(By.CSS_SELECTOR, "#results li")
        ]
        driver.find_element(By.ID, "download").click()  # saved as a person would save it
        saved = tmp_path / "downloads" / "precheck-browser-check.json"
        wait.until(lambda _d: saved.exists() and saved.stat().st_size > 0)
        record = saved.read_text(encoding="utf-8")
        saved.unlink()
        if shot:
            browser.screenshot(driver, shot)
    return lines, json.loads(record)


def status_of(lines: list[dict[str, str]], check: str) -> str:
    return next(line["status"] for line in lines if line["id"] == check)


def test_android_phone_goes_through_to_a_signed_record(office: Page, tmp_path: Path) -> None:
    video = write_y4m(tmp_path / "moving.y4m", "moving")
    ua = user_agents()["chrome-android-reduced"]
    lines, record = run_page(
        office, tmp_path, video=video, user_agent=ua, hints=True, shot="selfcheck-android-ja"
    )
    assert status_of(lines, "os-support") == "PASS"  # Android 14 from the client hints
    assert record["device"]["source"] == "client-hints"
    assert record["server_observed"]["client_hints"].get("sec-ch-ua-platform-version")
    camera = record["page_reported"]["camera"]
    assert camera["frames"] > 10 and camera["black_ratio"] == 0 and camera["frozen_ratio"] < 0.34
    assert status_of(lines, "network") in ("PASS", "WARN")  # loopback, but Chromium is slow here
    assert record["server_observed"]["network"]["rtt_samples"] >= 10
    assert record["declared"] == {"antivirus": "yes", "file_sharing": "none", "wifi": "home"}
    office_key = office.app.state.office.office_key
    verification = verify_report(json.dumps(record).encode(), office_key=office_key)
    assert verification.state == "valid", [r.en for r in verification.reasons]
    assert verification.kind == "browser"


def test_black_and_frozen_cameras_fail(office: Page, tmp_path: Path) -> None:
    ua = user_agents()["chrome-android-reduced"]
    for kind, code in (("black", "camera-black"), ("frozen", "camera-frozen")):
        video = write_y4m(tmp_path / f"{kind}.y4m", kind)
        _lines, record = run_page(office, tmp_path, video=video, user_agent=ua, hints=True)
        camera = next(r for r in record["results"] if r["id"] == "camera")
        assert (camera["status"], camera["code"]) == ("FAIL", code)


def test_permission_denied_is_said_and_hidden_version_warns(office: Page, tmp_path: Path) -> None:
    ua = user_agents()["chrome-android-reduced"]
    _lines, record = run_page(office, tmp_path, video=None, user_agent=ua, hints=False, allow=False)
    by_id = {r["id"]: r for r in record["results"]}
    assert by_id["camera"]["code"] == "camera-permission-denied"
    # "Android 10; K" without client hints: the browser hides the version → WARN, never FAIL
    assert (by_id["os-support"]["status"], by_id["os-support"]["code"]) == ("WARN", "os-hidden")


def test_iphone_safari_26_in_english(office: Page, tmp_path: Path) -> None:
    video = write_y4m(tmp_path / "moving.y4m", "moving")
    ua = user_agents()["safari26-iphone"]
    lines, record = run_page(
        office,
        tmp_path,
        video=video,
        user_agent=ua,
        hints=False,
        lang="en",
        shot="selfcheck-iphone-en",
    )
    assert record["device"]["family"] == "ios" and record["device"]["major"] == 26
    assert status_of(lines, "os-support") == "PASS"


def test_a_phone_record_travels_with_a_booking_to_the_dashboard(
    office: Page, tmp_path: Path
) -> None:
    from precheck.office.dashboard.accounts import add_user
    from tests.dashboard_kit import NUMBER, PASSWORD, Office, booking_payload

    video = write_y4m(tmp_path / "moving.y4m", "moving")
    ua = user_agents()["chrome-android-reduced"]
    _lines, record = run_page(
        office, tmp_path, video=video, user_agent=ua, hints=True, number=NUMBER
    )
    assert record["job_seeker_number_sha256"]
    base = office.url.removesuffix("/check")
    desk = Office(base=base, verify=str(office.ca.ca_cert), app=office.app)
    answer = desk.book(booking_payload(report=record))
    assert answer.status_code == 201, answer.text
    assert answer.json()["report"]["state"] == "valid"
    add_user(desk.database, "sato", PASSWORD)
    session = desk.signed_in()
    day = desk.get(session, "/")
    assert "ブラウザで確認" in day.text
    link = re.search(r'href="(/bookings/\d+)', day.text)
    assert link, "the day view links the booking"
    page = desk.get(session, link[1])
    assert page.status_code == 200
    assert "ブラウザで確認（Android 14" in page.text
    assert "ご本人の申告（確認はしていません）" in page.text
    assert "カメラは動いています" in page.text or "映像が小さめです" in page.text


def test_a_record_signed_by_another_key_is_refused_with_a_booking(
    office: Page, tmp_path: Path
) -> None:
    from precheck.report.browser_check import make_record
    from precheck.report.keys import load_device_key
    from tests.dashboard_kit import NUMBER, Office, booking_payload

    video = write_y4m(tmp_path / "moving.y4m", "moving")
    ua = user_agents()["chrome-android-reduced"]
    _lines, record = run_page(
        office, tmp_path, video=video, user_agent=ua, hints=True, number=NUMBER
    )
    body = {k: v for k, v in record.items() if k not in ("signature", "overall")}
    forged = make_record(body, load_device_key(tmp_path / "someone-else"))
    desk = Office(
        base=office.url.removesuffix("/check"), verify=str(office.ca.ca_cert), app=office.app
    )
    answer = desk.book(booking_payload(report=forged))
    assert answer.status_code == 422, answer.text
    assert "report-not-verified" in answer.text


@pytest.mark.parametrize(
    ("impairment", "figure"),
    [({"delay": 0.3}, "rtt_ms"), ({"lose_every": 4}, "loss_percent")],
    ids=["slow", "lossy"],
)
def test_a_slow_or_lossy_line_fails_the_network(
    tmp_path: Path, impairment: dict[str, Any], figure: str
) -> None:
    ca, app, server = start_office(tmp_path, **impairment)
    with server as base:
        office = Page(url=f"{base}/check", ca=ca, app=app)
        _lines, record = run_page(
            office,
            tmp_path,
            video=None,
            user_agent=user_agents()["chrome-android-reduced"],
            hints=True,
        )
    network = next(r for r in record["results"] if r["id"] == "network")
    assert (network["status"], network["code"]) == ("FAIL", "net-poor")
    if figure == "rtt_ms":  # the server's own clock saw the delay too
        assert record["server_observed"]["network"]["rtt_ms"] >= 250
    else:
        assert record["page_reported"]["network"]["loss_percent"] >= 20


def test_the_page_address_as_a_qr_code(office: Page, tmp_path: Path) -> None:
    import requests
    from selenium.webdriver.common.by import By

    answer = requests.get(f"{office.url}/qr.svg", verify=str(office.ca.ca_cert), timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    # the picture as a browser draws it (a notice printed from it, a screen it is shown on),
    # read back by a decoder: the page's own address
    with browser.chromium(downloads=tmp_path / "dl", trust_cert=office.ca.server_cert) as driver:
        driver.get(f"{office.url}/qr.svg")
        picture = driver.find_element(By.TAG_NAME, "svg").screenshot_as_png
    assert browser.decode_qr(picture) == office.url
