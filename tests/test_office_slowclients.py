"""Slow and abusive clients against the real `precheck office serve` alone and behind Debian's
real nginx running the shipped docs/deploy/nginx-precheck-office.conf: Slowloris connections
(headers or a body one byte at a time) are cut within the documented deadline while a normal
client keeps being served; a full service answers 503 with Retry-After at once.

Timing asserts only bound from above with generous slack ("cut by the deadline + 15 s"), from
the monotonic clock; nothing asserts how fast the normal client was, only that it was served.
Slow clients come from other loopback addresses (127.0.0.2, …) so per-address limits are real.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import need
from tests.serviceprocess import ServiceProcess
from tests.tlsca import LocalCA

pytest.importorskip("uvicorn", reason="the office extra is not installed")

ROOT = Path(__file__).resolve().parents[1]
NGINX_SITE = ROOT / "docs" / "deploy" / "nginx-precheck-office.conf"
SLACK = 15.0
"""Seconds past a deadline a slow client may still be connected before the test fails: far
more than scheduling delays on a loaded 2-core machine, far less than "indefinitely"."""
TRICKLE = 0.5
"""Seconds between the bytes a slow client sends (each one would reset a keep-alive timer)."""


@dataclass
class SlowClient:
    sock: socket.socket
    opened: float
    pending: bytes
    cut_after: float | None = None
    answer: bytes = b""


@dataclass
class Normal:
    """A well-behaved client asking `path` in a loop until told to stop."""

    request: object
    served: int = 0
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                status = self.request()  # type: ignore[operator]
            except OSError as exc:
                self.failures.append(repr(exc))
            else:
                if status == 200:
                    self.served += 1
                else:
                    self.failures.append(str(status))
            self.stop.wait(0.2)


def _connect(port: int, source: str, context: ssl.SSLContext | None) -> socket.socket:
    raw = socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0))
    sock = context.wrap_socket(raw, server_hostname="127.0.0.1") if context else raw
    sock.setblocking(False)
    return sock


def trickle(
    port: int,
    payloads: Sequence[bytes | tuple[bytes, bytes]],
    deadline: float,
    *,
    context: ssl.SSLContext | None = None,
    sources: tuple[str, ...] = ("127.0.0.2",),
) -> list[SlowClient]:
    """Open one connection per payload and send it a byte every TRICKLE seconds until the
    server cuts it or `deadline` + SLACK passes; when each was cut (seconds after opening).
    A payload (first, rest) sends `first` at once, then trickles `rest`."""
    clients = []
    for n, payload in enumerate(payloads):
        first, rest = payload if isinstance(payload, tuple) else (b"", payload)
        sock = _connect(port, sources[n % len(sources)], context)
        sock.setblocking(True)
        sock.sendall(first)
        sock.setblocking(False)
        clients.append(SlowClient(sock, time.monotonic(), rest))
    give_up = time.monotonic() + deadline + SLACK
    try:
        while time.monotonic() < give_up and any(c.cut_after is None for c in clients):
            for client in clients:
                if client.cut_after is not None:
                    continue
                closed = False
                try:
                    data = client.sock.recv(4096)
                    client.answer += data
                    closed = not data
                except (BlockingIOError, ssl.SSLWantReadError):
                    pass
                except OSError:
                    closed = True
                if not closed and client.pending:
                    try:
                        client.sock.send(client.pending[:1])
                        client.pending = client.pending[1:]
                    except (BlockingIOError, ssl.SSLWantWriteError):
                        pass
                    except OSError:
                        closed = True
                if closed:
                    client.cut_after = time.monotonic() - client.opened
            time.sleep(TRICKLE)
    finally:
        for client in clients:
            client.sock.close()
    return clients


def _headers_forever() -> bytes:
    return b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-a: " + b"b" * 10_000


BODY_HEAD = (
    b"POST /api/v1/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
)


def _body_forever() -> tuple[bytes, bytes]:
    """Headers at once, then a body one byte per TRICKLE."""
    return BODY_HEAD, b" " * 100_000


def _get(port: int, *, context: ssl.SSLContext | None = None, path: str = "/healthz") -> int:
    if context is None:
        connection: http.client.HTTPConnection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=30
        )
    else:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextlib.contextmanager
def normal_client(request: object) -> Iterator[Normal]:
    client = Normal(request)
    thread = threading.Thread(target=client.run, daemon=True)
    thread.start()
    try:
        yield client
    finally:
        client.stop.set()
        thread.join(60)


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _assert_cut(clients: list[SlowClient], deadline: float) -> None:
    cut = [c.cut_after for c in clients]
    assert all(t is not None for t in cut), f"still open after {deadline + SLACK} s: {cut}"
    assert all(t is not None and t <= deadline + SLACK for t in cut)


# -- the service alone ----------------------------------------------------------------------

HEADER_S = 3.0
BODY_S = 6.0


@pytest.fixture
def alone() -> Iterator[ServiceProcess]:
    service = ServiceProcess(
        "--port",
        "0",
        "--header-timeout",
        str(HEADER_S),
        "--body-timeout",
        str(BODY_S),
        "--max-in-flight",
        "4",
    ).start()
    try:
        yield service
    finally:
        service.stop()


def test_service_alone_cuts_slow_headers_and_bodies_and_keeps_serving(
    alone: ServiceProcess,
) -> None:
    assert alone.url is not None
    port = _port(alone.url)
    with normal_client(lambda: _get(port)) as normal:
        headers = trickle(port, [_headers_forever()] * 20 + [b""] * 5, HEADER_S)
        bodies = trickle(port, [_body_forever()] * 3, BODY_S)
    _assert_cut(headers, HEADER_S)
    _assert_cut(bodies, BODY_S)
    assert all(c.answer.startswith(b"HTTP/1.1 408") for c in headers + bodies)
    # each was cut by its own deadline, not an earlier one (a timer never fires early)
    assert all(c.cut_after is not None and c.cut_after >= BODY_S - 0.5 for c in bodies)
    assert normal.served > 0 and not normal.failures, normal.failures


def test_a_full_service_answers_503_with_retry_after_at_once(alone: ServiceProcess) -> None:
    """Four bookings whose bodies never finish fill --max-in-flight 4; the fifth request is
    refused with 503 and Retry-After (not queued), /healthz still answers, and once the slow
    ones are cut by the body deadline a booking is taken again."""
    assert alone.url is not None
    port = _port(alone.url)
    holders = [_connect(port, "127.0.0.2", None) for _ in range(4)]
    try:
        for sock in holders:
            sock.sendall(BODY_HEAD + b"{")
        refused = None
        give_up = time.monotonic() + BODY_S  # the holders are in flight until then
        while time.monotonic() < give_up:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("POST", "/api/v1/bookings", body=b"{}", headers={})
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status == 503:
                refused = (response.getheader("Retry-After"), body)
                break
        assert refused is not None, "the fifth request was never refused"
        assert refused[0] == "2" and b'"busy"' in refused[1]
        assert _get(port) == 200
    finally:
        for sock in holders:
            sock.close()
    give_up = time.monotonic() + BODY_S + SLACK
    status = 503
    while status == 503 and time.monotonic() < give_up:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/api/v1/bookings", body=b"{}")
        status = connection.getresponse().status
        connection.close()
        time.sleep(0.2)
    assert status == 415  # served again (and refused for its content type, as it should be)


def test_too_many_connections_get_503_before_anything_is_read() -> None:
    service = ServiceProcess("--port", "0", "--max-connections", "5").start()
    try:
        assert service.url is not None
        port = _port(service.url)
        idle = [_connect(port, "127.0.0.2", None) for _ in range(8)]
        answers = []
        for sock in idle:
            sock.setblocking(True)
            sock.settimeout(1.0)
            try:
                answers.append(sock.recv(200))
            except TimeoutError:
                answers.append(b"")
        refused = [a for a in answers if a.startswith(b"HTTP/1.1 503")]
        assert len(refused) >= 3 and all(b"Retry-After: 2" in a for a in refused)
        for sock in idle:
            sock.close()
    finally:
        service.stop()


# -- nginx in front -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def nginx(folder: Path, upstream: int, ca: LocalCA) -> Iterator[tuple[int, int]]:
    """Debian's nginx running the shipped site file (certificate paths, ports and upstream
    replaced) on loopback; yields (https port, http port)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    need(os.path.exists(binary), "nginx (Debian package nginx) is not installed")
    need(os.geteuid() == 0, "the nginx test runs nginx as root (its workers too)")
    folder.mkdir(parents=True, exist_ok=True)
    https_port, http_port = _free_port(), _free_port()
    site = NGINX_SITE.read_text()
    for old, new in {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "/etc/ssl/precheck/fullchain.pem": str(ca.server_cert),
        "/etc/ssl/precheck/privkey.pem": str(ca.server_key),
        "server 127.0.0.1:8765;": f"server 127.0.0.1:{upstream};",
    }.items():
        assert old in site, f"the shipped config no longer has {old!r}"
        site = site.replace(old, new)
    (folder / "site.conf").write_text(site)
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    (folder / "nginx.conf").write_text(
        f"""user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder}/site.conf;
}}
"""
    )
    check = subprocess.run(
        [binary, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        give_up = time.monotonic() + 30
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", https_port), timeout=1),
            ):
                break
            assert process.poll() is None, process.stderr.read() if process.stderr else b""
            assert time.monotonic() < give_up, "nginx did not start listening"
            time.sleep(0.1)
        yield https_port, http_port
    finally:
        process.terminate()
        process.wait(30)


def test_nginx_in_front_cuts_slow_clients_forwards_addresses_and_sets_hsts(
    tmp_path: Path, ca: LocalCA
) -> None:
    service = ServiceProcess(
        "--port", "0", "--forwarded-allow-ips", "127.0.0.1", "--rate", "0.001", "--burst", "1"
    ).start()
    try:
        assert service.url is not None
        with nginx(tmp_path / "nginx", _port(service.url), ca) as (port, plain_port):
            context = ssl.create_default_context(cafile=str(ca.ca_cert))
            with normal_client(lambda: _get(port, context=context)) as normal:
                headers = trickle(
                    port,
                    [_headers_forever()] * 15 + [b""] * 5,
                    10.0,
                    context=context,
                    sources=("127.0.0.2", "127.0.0.3", "127.0.0.4"),
                )
                stalled = trickle(
                    port,
                    [(BODY_HEAD + b"{", b"")] * 5,
                    10.0,
                    context=context,
                    sources=("127.0.0.5",),
                )
            _assert_cut(headers, 10.0)  # client_header_timeout 10s
            _assert_cut(stalled, 10.0)  # client_body_timeout 10s between two reads
            assert all(c.cut_after is not None and c.cut_after >= 9.5 for c in stalled)
            # (A body trickling a byte every 0.5 s is not cut by nginx — its body timeout is
            # between reads — but nginx buffers it, so the service never waits for it.)
            assert normal.served > 0 and not normal.failures, normal.failures

            connection = http.client.HTTPSConnection("127.0.0.1", port, context=context)
            connection.request("GET", "/login")
            response = connection.getresponse()
            response.read()
            assert response.getheader("Strict-Transport-Security") == "max-age=63072000"
            assert len(response.headers.get_all("Strict-Transport-Security") or []) == 1
            connection.close()
            plain = http.client.HTTPConnection("127.0.0.1", plain_port, timeout=30)
            plain.request("GET", "/login")
            redirect = plain.getresponse()
            assert redirect.status == 301
            assert (redirect.getheader("Location") or "").startswith("https://")
            plain.close()

            def post_from(source: str) -> int:
                connection = http.client.HTTPSConnection(
                    "127.0.0.1", port, context=context, source_address=(source, 0)
                )
                connection.request("POST", "/api/v1/bookings", body=b"x")
                status = connection.getresponse().status
                connection.close()
                return status

            # The service limits by the address nginx forwards, not by nginx's own.
            assert post_from("127.0.0.6") == 415
            assert post_from("127.0.0.6") == 429
            assert post_from("127.0.0.7") == 415
    finally:
        service.stop()
