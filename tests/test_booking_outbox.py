"""The outbox against a real local HTTPS server whose certificate comes from a test CA.

The server behaves like an office intake: it stores a booking once per Idempotency-Key and
answers a repeated key with 200 without storing again. Each test scripts its answers (fail,
be slow, refuse) and then asserts that nothing was lost (the outbox still holds what the
office does not have) and nothing could be duplicated: every request the office received
carried the same key and the same bytes, so any idempotent intake stores it once. (That the
server here stores it once proves nothing by itself: it deduplicates on its own.)

Nothing depends on speed: a "slow" office holds its answer until the test releases it (the
client's read timeout fires however busy the machine is), other answers have seconds to
spare, and "down" is a port this test keeps bound without listening (refused at once, and no
other program can take it before the office comes up on it).
"""

from __future__ import annotations

import json
import socket
import ssl
import stat
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from precheck.booking import form, outbox, payload
from precheck.booking.outbox import Outcome
from precheck.profile import load_profile
from tests.conftest import run_precheck
from tests.tlsca import LocalCA, make_ca

JST = ZoneInfo("Asia/Tokyo")
FAST: dict[str, Any] = {"backoff": 0.01, "timeout": (10.0, 10.0)}
"""Quick retries; connect and read timeouts a loaded machine never comes near."""
SLOW: dict[str, Any] = {"backoff": 0.01, "timeout": (10.0, 0.5)}
"""For a slow office, which never answers before the test releases it: 0.5 s to give up."""


class Office:
    """A scripted HTTPS intake on 127.0.0.1 (a free port), recording what it receives."""

    def __init__(self, ca: LocalCA, *, listening: bool = True) -> None:
        self.script: list[str] = []
        self.received: list[tuple[str, str]] = []  # (idempotency key, answer given)
        self.bodies: list[bytes] = []  # every request body, as sent
        self.stored: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.release = threading.Event()  # lets a "slow" answer go, once the test is done
        office = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                body = json.loads(raw)
                key = self.headers.get("Idempotency-Key", "")
                with office.lock:
                    action = office.script.pop(0) if office.script else "ok"
                    office.received.append((key, action))
                    office.bodies.append(raw)
                if action == "500":
                    self._answer(500, {"message": "database unavailable"})
                elif action == "429":
                    self._answer(429, {"message": "slow down"}, {"Retry-After": "1"})
                elif action == "422":
                    self._answer(
                        422,
                        {
                            "message": {
                                "ja": "第1希望は受付できない日時です",
                                "en": "The first choice cannot be booked",
                            },
                            "errors": [{"field": "slots", "code": "closed-day"}],
                        },
                    )
                elif action == "slow-after-store":
                    office._store(key, body)
                    office.release.wait(60)  # answers only after the client has given up
                    self._answer(201, {"id": key})
                else:
                    created = office._store(key, body)
                    self._answer(201 if created else 200, {"id": key})

            def _answer(
                self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                    pass  # the client gave up (timeout): what a real server sees too

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(ca.server_cert, ca.server_key)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self.server.daemon_threads = True
        self.server.server_bind()  # the port is ours from here on; refused until start()
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.url = f"https://127.0.0.1:{self.port}/api/v1/bookings"
        self.thread: threading.Thread | None = None
        if listening:
            self.start()

    def start(self) -> None:
        """Listen and serve: the office comes up on the port it has held all along."""
        self.server.server_activate()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def one_request_body(self, body: dict[str, Any]) -> bool:
        """Every request carried `body`'s key and exactly the bytes of its first sending."""
        keys = {key for key, _ in self.received}
        return keys == {body["idempotency_key"]} and len(set(self.bodies)) == 1

    def _store(self, key: str, body: dict[str, Any]) -> bool:
        with self.lock:
            if key in self.stored:
                return False
            self.stored[key] = body
            return True

    def stop(self) -> None:
        self.release.set()
        if self.thread is not None:
            self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def office(trusted_ca: LocalCA) -> Iterator[Office]:
    server = Office(trusted_ca)
    yield server
    server.stop()


def a_payload() -> dict[str, Any]:
    profile = load_profile()
    now = datetime(2026, 11, 30, 9, 0, tzinfo=JST)
    booking, errors = form.validate_fields(
        {
            "name": "山田 太郎",
            "job_seeker_number": "16050-12345678",
            "email": "taro@example.jp",
            "phone": "090-1234-5678",
            "slots": ["2026-12-03T10:00"],
            "topic": "応募書類の相談",
            "private_room": True,
        },
        profile,
    )
    assert booking is not None, errors
    return payload.build_payload(
        booking, report={"format": "precheck-report"}, consent_at=now, profile=profile, now=now
    )


def outbox_keys() -> list[str]:
    found, broken = outbox.entries()
    assert broken == []
    return [e.key for e in found]


def test_success_removes_the_entry(office: Office) -> None:
    body = a_payload()
    _entry, result = outbox.deliver(body, office.url, **FAST)
    assert result.outcome is Outcome.SENT and result.status == 201
    assert outbox_keys() == []
    assert list(office.stored) == [body["idempotency_key"]]
    assert office.stored[body["idempotency_key"]] == body


def test_500_then_success(office: Office) -> None:
    office.script = ["500", "500"]
    body = a_payload()
    _, result = outbox.deliver(body, office.url, **FAST)
    assert result.outcome is Outcome.SENT and result.attempts == 3
    assert [a for _, a in office.received] == ["500", "500", "ok"]
    assert office.one_request_body(body)
    assert outbox_keys() == []


def test_slow_server_stores_once_although_the_client_retried(office: Office) -> None:
    office.script = ["slow-after-store"]
    body = a_payload()
    _, result = outbox.deliver(body, office.url, **SLOW)
    # the first answer came too late; the retry with the same key was answered "already have it"
    assert result.outcome is Outcome.SENT and result.status == 200
    assert [action for _, action in office.received] == ["slow-after-store", "ok"]
    assert office.one_request_body(body)
    assert outbox_keys() == []


def test_slow_every_time_keeps_it_for_later(office: Office) -> None:
    office.script = ["slow-after-store"] * 2
    body = a_payload()
    _, result = outbox.deliver(body, office.url, attempts=2, **SLOW)
    assert result.outcome is Outcome.RETRY_LATER
    assert "0.5" in result.message.en
    assert outbox_keys() == [body["idempotency_key"]]
    # later, the user resends: the office already had it and says so (200, not 201)
    [(_entry, again)] = outbox.send_all(**FAST)
    assert again.outcome is Outcome.SENT and again.status == 200
    assert len(office.received) == 3 and office.one_request_body(body)
    assert outbox_keys() == []


def test_4xx_with_message_is_kept_and_not_retried(office: Office) -> None:
    office.script = ["422"]
    body = a_payload()
    _, result = outbox.deliver(body, office.url, **FAST)
    assert result.outcome is Outcome.REJECTED and result.status == 422
    assert result.attempts == 1 and len(office.received) == 1
    assert "第1希望は受付できない日時です" in result.message.ja
    assert "cannot be booked" in result.message.en
    assert result.server_errors == [{"field": "slots", "code": "closed-day"}]
    [entry] = outbox.entries()[0]
    assert entry.state == "rejected" and entry.payload == body
    assert outbox.send_all(**FAST) == []  # not resent automatically
    assert len(office.received) == 1
    assert outbox.remove(entry.key) and outbox_keys() == []


def test_429_honours_retry_after(office: Office) -> None:
    office.script = ["429"]
    pauses: list[float] = []
    _, result = outbox.deliver(a_payload(), office.url, sleep=pauses.append, **FAST)
    assert result.outcome is Outcome.SENT
    assert pauses and pauses[0] >= 1.0


def test_server_down_then_up(trusted_ca: LocalCA) -> None:
    again = Office(trusted_ca, listening=False)
    body = a_payload()
    _, result = outbox.deliver(body, again.url, attempts=3, **FAST)
    assert result.outcome is Outcome.RETRY_LATER and result.attempts == 3
    assert outbox_keys() == [body["idempotency_key"]]
    entry_file = outbox.outbox_dir() / f"{body['idempotency_key']}.json"
    assert stat.S_IMODE(entry_file.stat().st_mode) == 0o600
    saved = json.loads(entry_file.read_text(encoding="utf-8"))
    assert saved["payload"] == body and saved["attempts"] == 3
    again.start()
    try:
        [(_, sent)] = outbox.send_all(**FAST)
        assert sent.outcome is Outcome.SENT
        assert list(again.stored) == [body["idempotency_key"]]
        assert outbox_keys() == []
    finally:
        again.stop()


def test_tls_failure_sends_nothing(
    office: Office, trusted_ca: LocalCA, tmp_path: Path, monkeypatch: Any
) -> None:
    stranger = make_ca(tmp_path / "other", name="some other CA")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(stranger.ca_cert))
    body = a_payload()
    _, result = outbox.deliver(body, office.url, **FAST)
    assert result.outcome is Outcome.UNTRUSTED and result.attempts == 1
    assert office.received == [] and office.stored == {}
    assert outbox_keys() == [body["idempotency_key"]]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(trusted_ca.ca_cert))
    [(_, sent)] = outbox.send_all(**FAST)
    assert sent.outcome is Outcome.SENT and len(office.stored) == 1


def test_plain_http_is_never_used(tmp_path: Path) -> None:
    body = a_payload()
    entry = outbox.enqueue(body, "http://127.0.0.1:9/api/v1/bookings")
    result = outbox.send(entry, **FAST)
    assert result.outcome is Outcome.UNTRUSTED and result.attempts == 0
    assert outbox_keys() == [body["idempotency_key"]]


def test_many_sends_of_one_booking_store_it_once(office: Office) -> None:
    """Concurrent resends (two windows, a double click) still book once."""
    office.script = ["500"]
    body = a_payload()
    outbox.enqueue(body, office.url)
    threads = [threading.Thread(target=outbox.send_all, kwargs=FAST) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert office.one_request_body(body)
    assert [a for _, a in office.received].count("ok") >= 1
    assert outbox_keys() == []


def test_corrupt_outbox_file_is_reported_not_deleted(office: Office) -> None:
    outbox.outbox_dir().mkdir(parents=True)
    bad = outbox.outbox_dir() / "0f8fad5b-d9cb-469f-a165-70867728950e.json"
    bad.write_text("{not json", encoding="utf-8")
    found, broken = outbox.entries()
    assert found == [] and len(broken) == 1 and str(bad) in str(broken[0])
    assert bad.exists()


def test_outbox_command_lists_and_resends(trusted_ca: LocalCA) -> None:
    again = Office(trusted_ca, listening=False)
    body = a_payload()
    outbox.deliver(body, again.url, attempts=1, **FAST)
    listed = run_precheck("outbox")
    assert listed.returncode == 22, listed.stderr
    assert body["idempotency_key"] in listed.stdout and "山田 太郎" in listed.stdout
    assert "waiting to resend" in listed.stdout
    again.start()
    try:
        sent = run_precheck("outbox", "--send")
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert "Sent to the intake service" in sent.stdout
        assert "No bookings are waiting" in sent.stdout
        assert list(again.stored) == [body["idempotency_key"]]
    finally:
        again.stop()


def test_a_bound_port_that_does_not_listen_refuses() -> None:
    """The 'down' scenario relies on a bound port that does not listen refusing at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        with (
            pytest.raises(ConnectionRefusedError),
            socket.create_connection(("127.0.0.1", port), 10),
        ):
            pass
