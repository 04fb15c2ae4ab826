"""The app's server guards, its lifetime, the settings allow-list and the preview slot.

The server runs in this process on 127.0.0.1 with a real Session (no check is started here:
tests/test_app_browser.py runs them in a real window). Lifetime is pure, with the clock passed in.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from precheck.app import preview, settings
from precheck.app.server import COOKIE, MAX_BODY, PAGE_DIR, AppServer, Lifetime
from precheck.app.session import FIELD_MAX, Session
from precheck.app.texts import page_texts
from precheck.catalogue import load_catalogue
from precheck.host import LiveHost
from precheck.profile import load_profile
from tests.conftest import run_precheck


@pytest.fixture
def server() -> Iterator[AppServer]:
    session = Session(load_catalogue(), load_profile(), lang="ja", new_host=LiveHost)
    app = AppServer(session)
    thread = threading.Thread(target=app.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield app
    finally:
        app.shutdown()
        app.server_close()
        thread.join()


def request(
    app: AppServer,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    cookie: bool = True,
) -> tuple[int, dict[str, str], bytes]:
    host, port = app.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=30)
    sent = {"Host": f"127.0.0.1:{port}"}
    if cookie:
        sent["Cookie"] = f"{COOKIE}={app.cookie}"
    if method == "POST":
        sent.update({"Origin": app.origin, "Content-Type": "application/json"})
    sent.update(headers or {})
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def test_listens_on_loopback_only(server: AppServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.start_url.startswith(f"http://127.0.0.1:{server.server_address[1]}/?t=")


def test_a_connection_the_browser_drops_is_not_a_traceback(
    server: AppServer, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chromium opens sockets ahead and resets them unused; CI once printed that as a traceback
    handled = threading.Event()
    original = server.handle_error

    def noted(request: object, address: object) -> None:
        original(request, address)
        handled.set()

    monkeypatch.setattr(server, "handle_error", noted)
    host, port = server.server_address[:2]
    client = socket.create_connection((str(host), int(port)), timeout=30)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()  # with linger 0 this is a reset, not an orderly close
    assert handled.wait(30)
    assert capfd.readouterr().err == ""


def test_any_other_server_error_is_one_line(
    server: AppServer, capfd: pytest.CaptureFixture[str]
) -> None:
    try:
        raise ValueError("GET /?t=secret")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 1))
    assert capfd.readouterr().err == "precheck app: ValueError\n"


def test_token_is_traded_once_for_a_strict_cookie(server: AppServer) -> None:
    token = server.start_url.split("?t=")[1]
    status, headers, _ = request(server, "GET", f"/?t={token}", cookie=False)
    assert status == 303 and headers["Location"] == "/"
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}={server.cookie};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    again, _, _ = request(server, "GET", f"/?t={token}", cookie=False)
    assert again == 403
    assert request(server, "GET", "/?t=guess", cookie=False)[0] == 403


def test_page_needs_the_cookie_and_carries_a_strict_policy(server: AppServer) -> None:
    assert request(server, "GET", "/", cookie=False)[0] == 403
    assert request(server, "GET", "/api/state", cookie=False)[0] == 403
    status, headers, body = request(server, "GET", "/")
    assert status == 200 and b'<script src="/app.js"' in body
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "host", ["localhost:{port}", "attacker.example:{port}", "127.0.0.1", "127.0.0.1:1"]
)
def test_other_host_names_are_refused(server: AppServer, host: str) -> None:
    """DNS rebinding: a page from another name that resolves here still says its own Host."""
    port = server.server_address[1]
    status, _, _ = request(server, "GET", "/api/state", headers={"Host": host.format(port=port)})
    assert status == 403


def test_posts_need_this_origin_and_json(server: AppServer) -> None:
    assert request(server, "POST", "/api/beat", body=b"{}")[0] == 200
    evil = {"Origin": "http://attacker.example"}
    assert request(server, "POST", "/api/run", body=b"{}", headers=evil)[0] == 403
    # a cross-site form can only send a "simple" content type: refused
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert request(server, "POST", "/api/run", body=b"a=b", headers=form)[0] == 415
    assert request(server, "POST", "/api/run", body=b"{}", cookie=False)[0] == 403
    assert request(server, "POST", "/api/run", body=b"[1]")[0] == 400
    assert request(server, "POST", "/api/run", body=b"x" * (MAX_BODY + 1))[0] == 413
    assert server.session.phase() == "start", "nothing refused may start the checks"


def test_settings_open_only_for_a_problem_shown(server: AppServer) -> None:
    """The page names a check, never a URL; no result is shown yet, so nothing opens."""
    body = json.dumps({"check": "os-support", "uri": "file:///etc/passwd"}).encode()
    status, _, data = request(server, "POST", "/api/settings", body=body)
    assert status == 200 and json.loads(data) == {"ok": False}


def test_unknown_check_does_not_start(server: AppServer) -> None:
    status, _, data = request(server, "POST", "/api/run", body=b'{"only": "nope"}')
    assert status == 200 and json.loads(data) == {"ok": False}
    assert server.session.phase() == "start"


def test_state_speaks_the_sessions_language(server: AppServer) -> None:
    state = json.loads(request(server, "GET", "/api/state")[2])
    assert state["phase"] == "start" and state["lang"] == "ja"
    assert [i["id"] for i in state["items"]] == [s.id for s in load_catalogue().ordered()]
    assert state["overall"] is None and state["preview"] is False
    request(server, "POST", "/api/lang", body=b'{"lang": "en"}')
    state = json.loads(request(server, "GET", "/api/state")[2])
    assert state["lang"] == "en" and state["office"] == "Hello Work Tonami"
    request(server, "POST", "/api/lang", body=b'{"lang": "xx"}')
    assert server.session.lang == "en"


def test_report_is_not_saved_before_the_checks(server: AppServer) -> None:
    answer = json.loads(request(server, "POST", "/api/report", body=b"{}")[2])
    assert answer["ok"] is False and answer["lines"]


def test_booking_refusals_come_from_the_booking_rules(server: AppServer) -> None:
    body = json.dumps({"fields": {"job_seeker_number": "12", "email": "x"}}).encode()
    answer = json.loads(request(server, "POST", "/api/booking/check", body=body)[2])
    assert answer["ok"] is False
    fields = {e["field"] for e in answer["errors"]}
    assert {"name", "job_seeker_number", "email", "phone", "slots", "topic"} <= fields
    send = json.dumps({"fields": {}, "consent": True}).encode()
    refused = json.loads(request(server, "POST", "/api/booking/send", body=send)[2])
    assert refused["ok"] is False and refused["code"] != 0


@pytest.mark.parametrize(
    ("selfcheck", "intake", "expected"),
    [
        ("https://hw.example/check", "", "https://hw.example/check"),
        ("", "https://office.example:8443/api/v1/bookings", "https://office.example:8443/check"),
        ("", "", ""),
    ],
)
def test_the_phone_page_address_and_its_qr_code(selfcheck: str, intake: str, expected: str) -> None:
    profile = load_profile()
    profile = {**profile, "selfcheck": {"url": selfcheck}, "intake": {"url": intake}}
    app = AppServer(Session(load_catalogue(), profile, lang="en", new_host=LiveHost))
    thread = threading.Thread(target=app.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        _, _, body = request(app, "GET", "/api/booking")
        assert json.loads(body)["phone_url"] == expected
        status, headers, svg = request(app, "GET", "/phone-qr.svg")
    finally:
        app.shutdown()
        app.server_close()
        thread.join()
    if expected:  # the QR code's content is decoded in tests/test_app_browser.py
        assert status == 200 and headers["Content-Type"] == "image/svg+xml"
        assert svg.startswith(b"<svg") and b"QR code of the device check page" in svg
    else:  # an office without a self-check page: nothing to show, nothing made up
        assert status == 404


def test_a_self_check_address_must_be_https(tmp_path: Path) -> None:
    from precheck.profile import ProfileError, default_profile_path

    text = default_profile_path().read_text("utf-8")
    bad = tmp_path / "profile.toml"
    changed = re.sub(r'(\[selfcheck\][^\[]*?\nurl = )""', r'\1"http://hw.example/check"', text)
    assert changed != text
    bad.write_text(changed, encoding="utf-8")
    with pytest.raises(ProfileError, match=r"selfcheck\.url"):
        load_profile(bad)


def test_form_values_are_bounded_and_typed() -> None:
    values = Session.form_values(
        {"name": "x" * (FIELD_MAX * 3), "email": 5, "slot1": " 2026-12-07T10:00 ", "slot2": ""}
    )
    assert len(values["name"]) == FIELD_MAX and values["email"] == ""
    assert values["slots"] == ["2026-12-07T10:00"] and "private_room" not in values
    assert Session.form_values({"private_room": "yes"}).get("private_room") is None
    assert Session.form_values({"private_room": True})["private_room"] is True


def test_lifetime_stops_when_the_page_is_gone() -> None:
    life = Lifetime(started=0.0, first_visit=120, heartbeat=150, goodbye=5, idle=1800)
    assert life.stop_reason(119) is None
    assert life.stop_reason(121) == "never-opened"
    life.action(10)
    assert life.stop_reason(100) is None
    life.bye(100, "first")
    assert life.stop_reason(104) is None
    life.beat(104, "reloaded")  # a reload: the new page beats within the grace
    assert life.stop_reason(200) is None
    life.bye(200, "reloaded")
    assert life.stop_reason(206) == "closed"


def test_a_late_beat_from_the_closed_page_does_not_keep_the_app() -> None:
    life = Lifetime(started=0.0, goodbye=5)
    life.beat(1, "page-a")
    life.bye(10, "page-a")
    life.beat(10.2, "page-a")  # sent before the goodbye, arrived after it
    assert life.stop_reason(16) == "closed"
    life.bye(20, "page-a")
    life.beat(21, "page-b")  # a reload is another page
    assert life.stop_reason(30) is None


def test_lifetime_stops_without_heartbeat_or_action() -> None:
    life = Lifetime(started=0.0, heartbeat=150, idle=1800)
    life.action(0)
    assert life.stop_reason(151) == "no-heartbeat"
    for second in range(100, 1801, 100):
        life.beat(second)  # the page is open, but nobody does anything
    assert life.stop_reason(1801) == "idle"


def test_settings_allow_list_never_takes_a_url() -> None:
    for system, pages in settings.PAGES.items():
        for target in pages.values():
            assert target.uri.startswith(
                ("ms-settings:", "windowsdefender:", "x-apple.systempreferences:")
            ) or target.argv[0] in ("gnome-control-center", "gnome-software"), (system, target)
    windows = settings.target_for("antivirus", "Windows")
    assert windows is not None and windows.uri == "ms-settings:windowsdefender"
    update = settings.target_for("os-support", "Windows")
    assert update is not None and update.uri == "ms-settings:windowsupdate"
    assert settings.target_for("network", "Windows") is None
    assert settings.target_for("file:///etc/passwd", "Darwin") is None


def test_preview_slot_is_empty_without_the_camera_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = types.ModuleType(preview.PROVIDER_MODULE)
    monkeypatch.setitem(sys.modules, preview.PROVIDER_MODULE, module)
    assert preview.find_preview() is None
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 16
    module.preview_jpeg = lambda: jpeg  # type: ignore[attr-defined]
    provider = preview.find_preview()
    assert provider is not None and preview.frame(provider) == jpeg
    assert preview.frame(lambda: b"GIF89a") is None
    assert preview.frame(lambda: b"\xff\xd8" + b"\x00" * preview.MAX_BYTES) is None

    def broken() -> bytes:
        raise OSError("camera busy")

    assert preview.frame(broken) is None


def test_every_text_the_page_names_exists_in_both_languages() -> None:
    html = (PAGE_DIR / "index.html").read_text(encoding="utf-8")
    script = (PAGE_DIR / "app.js").read_text(encoding="utf-8")
    named = set(re.findall(r'data-t="([^"]+)"', html)) | set(re.findall(r'T\["([^"]+)"\]', script))
    for lang in ("ja", "en"):
        texts = page_texts(lang)
        missing = sorted(k for k in named if not texts.get(k) or texts[k] == k)
        assert missing == [], (lang, missing)
    assert page_texts("ja")["app.start.button"] != page_texts("en")["app.start.button"]


def test_page_has_no_inline_script_or_style() -> None:
    """The Content-Security-Policy allows only the page's own files."""
    html = (PAGE_DIR / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "style=" not in html and "onclick" not in html
    assert Path(PAGE_DIR / "app.js").exists() and Path(PAGE_DIR / "app.css").exists()


@pytest.mark.parametrize("minutes", ["0", "-1", "100000", "soon"])
def test_bad_idle_minutes_is_a_usage_error(minutes: str) -> None:
    result = run_precheck("app", "--no-browser", "--idle-minutes", minutes)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == "", "no server was started"
