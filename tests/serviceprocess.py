"""`precheck office serve` as a real process: started, read, stopped or killed by a test."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

URL = re.compile(r"(https?://[^\s/]+)/ ")


class ServiceProcess:
    """The service command with `args`; `url` once it printed that it is serving."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.args = args
        self.env = {**os.environ, "PRECHECK_LANG": "en", **(env or {})}
        self.output: list[str] = []
        self.url: str | None = None
        self._ready = threading.Event()
        self.process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    def start(self, timeout: float = 60) -> ServiceProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "precheck", "office", "serve", *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("service did not start:\n" + self.text)
        return self

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            match = URL.search(line)
            if match and self.url is None:
                self.url = match[1]
            if self.url is not None and "add-user" in line:
                self._ready.set()

    @property
    def text(self) -> str:
        return "".join(self.output)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout)
        if self._reader is not None:
            self._reader.join(timeout)  # all output read
        return code

    def kill(self) -> int:
        return self.stop(signal.SIGKILL)
