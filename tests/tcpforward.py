"""A TCP forwarder that holds one 127.0.0.1 port for a whole test.

A test that restarts a server "on the same address" must not close the port and hope to bind
it again: another program may take it meanwhile. The forwarder keeps the address; the test
points it at whichever server process is alive (or at none: connections are then closed at
once, as a dead server's are). TLS passes through untouched.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class Forwarder:
    def __init__(self) -> None:
        self.target: int | None = None
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        target = self.target
        try:
            if target is None:
                raise ConnectionRefusedError
            server = socket.create_connection(("127.0.0.1", target), timeout=30)
        except OSError:
            client.close()  # no server behind the address: the client sees it closed
            return
        server.settimeout(None)
        for source, sink in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
