"""A local HTTP(S) server for the network check: every behaviour a real network shows, on
127.0.0.1, so no test sends a packet off this machine.

Paths (query `ms=` adds a server-side delay, as a slow or far host would):
    /generate_204        204, empty body (online)
    /connecttest.txt     200 "Microsoft Connect Test"
    /portal              200 with a sign-in page (a captive portal answering the probe)
    /redirect            302 to a sign-in page
    /drop                closes the connection without an answer (a lost request)
    /flaky?every=N       every Nth request is dropped, the rest answer 204 (packet loss)
    /jitter?a=MS&b=MS    alternates delays of a and b milliseconds (jitter)
    /down?bytes=N        N bytes of zeros; `rate=` bytes per second throttles the sender
    /up                  reads a POST body (chunked or sized); `rate=` throttles the reader
`State.cut_handshakes = N` closes the next N connections before the TLS handshake (a middlebox
or a lost line cutting them). Requests are counted per path (`hits`) so a test can prove which
server a request reached. Delays wait on an Event that is never set (a timed wait, not a
sleep-and-hope for another thread): they stand in for distance, which is what a delay is.
"""

from __future__ import annotations

import contextlib
import http.server
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tests.tlsca import LocalCA

_NEVER = threading.Event()


def _pause(ms: float) -> None:
    if ms > 0:
        _NEVER.wait(ms / 1000)


@dataclass
class State:
    hits: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    toggle: int = 0
    cut_handshakes: int = 0  # this many next connections are closed before the TLS handshake


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        # The TLS handshake runs here, in this connection's own thread, as a real server's
        # would: done in the accept loop, one slow client would hold every other one's hello.
        if isinstance(self.request, ssl.SSLSocket):
            with self.server.state.lock:
                cut = self.server.state.cut_handshakes > 0
                self.server.state.cut_handshakes -= cut
            if cut:
                raise ConnectionAbortedError("cut before the handshake")  # the server closes it
            self.request.do_handshake()
        super().setup()

    def _query(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.path)
        return parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(2)

    def do_GET(self) -> None:
        path, query = self._query()
        state = self.server.state
        with state.lock:
            state.hits[path] += 1
            count = state.hits[path]
            state.toggle += 1
            toggle = state.toggle
        _pause(float(query.get("ms", 0)))
        if path == "/generate_204":
            self._send(204)
        elif path == "/connecttest.txt":
            self._send(200, b"Microsoft Connect Test", {"Content-Type": "text/plain"})
        elif path == "/portal":
            page = b"<html><head><title>Free Wi-Fi</title></head><body>Sign in</body></html>"
            self._send(200, page, {"Content-Type": "text/html"})
        elif path == "/redirect":
            self._send(302, b"", {"Location": "http://localhost/login"})
        elif path == "/drop":
            self._drop()
        elif path == "/flaky":
            if count % int(query.get("every", 5)) == 0:
                self._drop()
            else:
                self._send(204)
        elif path == "/jitter":
            _pause(float(query["a"] if toggle % 2 else query["b"]))
            self._send(204)
        elif path == "/down":
            self._download(int(query.get("bytes", 1_000_000)), float(query.get("rate", 0)))
        else:
            self._send(404)

    def _download(self, size: int, rate: float) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        chunk = bytes(16 << 10)
        sent, started = 0, time.monotonic()
        try:
            while sent < size:
                part = chunk[: size - sent]
                self.wfile.write(part)
                sent += len(part)
                if rate:
                    _pause(max(0.0, (started + sent / rate - time.monotonic()) * 1000))
        except OSError:
            self.close_connection = True

    def do_POST(self) -> None:
        path, query = self._query()
        with self.server.state.lock:
            self.server.state.hits[path] += 1
        if path != "/up":
            self._send(404)
            return
        rate = float(query.get("rate", 0))
        received, started = 0, time.monotonic()

        def account(n: int) -> None:
            nonlocal received
            received += n
            if rate:
                _pause(max(0.0, (started + received / rate - time.monotonic()) * 1000))

        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                while size:
                    part = self.rfile.read(min(size, 16 << 10))
                    size -= len(part)
                    account(len(part))
                self.rfile.readline()
        else:
            left = int(self.headers.get("Content-Length", 0))
            while left:
                part = self.rfile.read(min(left, 16 << 10))
                if not part:
                    break
                left -= len(part)
                account(len(part))
        self._send(200, str(received).encode())


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the probes connect at once; the default 5 drops SYNs under load
    state: State


@dataclass
class Served:
    url: str  # base URL, e.g. https://localhost:PORT
    state: State


@contextlib.contextmanager
def serve(tls: LocalCA | None = None, host: str = "127.0.0.1") -> Iterator[Served]:
    """Serve on a free port of `host`; the URL names `localhost` (a name the evidence keeps,
    where an address would be redacted) and the certificate covers it."""
    server = _Server((host, 0), Handler)
    server.state = State()
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(tls.server_cert, tls.server_key)
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield Served(f"{'https' if tls else 'http'}://localhost:{port}", server.state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class Proxy:
    url: str
    tunnels: Counter[str]


@contextlib.contextmanager
def connect_proxy() -> Iterator[Proxy]:
    """An HTTP CONNECT proxy on 127.0.0.1 (what a company or an HTTPS_PROXY setting puts in
    the way): it tunnels TLS to the requested local host and counts each tunnel's target."""
    import select
    import socket
    import socketserver

    tunnels: Counter[str] = Counter()

    class Tunnel(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            line = self.rfile.readline().decode("latin-1").split()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            if len(line) < 2 or line[0] != "CONNECT":
                self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            host, _, port = line[1].rpartition(":")
            tunnels[line[1]] += 1
            with socket.create_connection((host, int(port)), timeout=10) as upstream:
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()
                peers = {self.connection: upstream, upstream: self.connection}
                while True:
                    ready, _, _ = select.select(list(peers), [], [], 10)
                    if not ready:
                        return
                    for sock in ready:
                        data = sock.recv(65536)
                        if not data:
                            return
                        peers[sock].sendall(data)

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Tunnel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Proxy(f"http://localhost:{server.server_address[1]}", tunnels)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
