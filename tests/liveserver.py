"""Run an ASGI app under real uvicorn on a free loopback port, in a background thread.

The test talks to it over real sockets (and real TLS when a test CA is given), as a job
seeker's client would.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from tests.tlsca import LocalCA


@contextlib.contextmanager
def serve(app: Any, *, tls: LocalCA | None = None, **options: Any) -> Iterator[str]:
    """Yield the base URL (`https://127.0.0.1:PORT`) while uvicorn serves `app`."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        ssl_certfile=tls.server_cert if tls else None,
        ssl_keyfile=tls.server_key if tls else None,
        log_level="warning",
        proxy_headers=False,
        timeout_graceful_shutdown=1,
        **options,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
