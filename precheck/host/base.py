"""The one door through which probes see a machine.

Every question a probe asks has a stable key ("cmd:…", "file:…", "reg:…", "sys:…"), and every
answer is plain JSON: `{"ok": value}` or `{"error": reason, "detail": text}`. The live host
computes answers, the recording host also writes them into an evidence bundle, and the replay
host reads them back, so parsing and deciding never know which of the three they talk to.
Answers are cached per key: one run sees one consistent machine and never asks twice.
"""

from __future__ import annotations

import shlex
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from precheck.model import Text

Answer = dict[str, Any]
Producer = Callable[[], Any]

ERROR_REASONS = ("timeout", "missing", "permission", "unsupported", "failed")


class HostError(Exception):
    """The machine could not answer: the probe turns this into UNKNOWN with the reason."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class EvidenceError(Exception):
    """An evidence bundle is unreadable, corrupt, or lacks an answer: the whole replay stops.

    `code` names its sentence in precheck/messages/core.toml (`[evidence-error.CODE]`) and
    `params` fill it, so a Japanese message is Japanese throughout; str() is the English one.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.text().en)

    def text(self) -> Text:
        from precheck.messages import ui_text

        return ui_text(f"evidence-error.{self.code}", **self.params)


@dataclass(frozen=True)
class CommandResult:
    rc: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Platform:
    system: str  # "linux", "windows" or "darwin"
    release: str
    version: str
    machine: str


@dataclass(frozen=True)
class Listener:
    proto: str  # "tcp" or "udp"
    port: int
    scope: str  # "loopback", "any" or "address" (the address itself is never kept)
    process: str | None


@dataclass(frozen=True)
class RegistryKey:
    values: dict[str, Any]
    subkeys: list[str]


class Host(ABC):
    """Base of the live, recording and replay hosts; subclasses only say where answers come from."""

    def __init__(self) -> None:
        self._cache: dict[str, Answer] = {}
        self._pending: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._derived: set[str] = set()

    # -- where answers come from -------------------------------------------------------------

    @abstractmethod
    def _answer(self, key: str, produce: Producer) -> Answer:
        """The encoded answer to `key`: computed live, recorded, or read from a bundle."""

    def _observe(self, key: str, answer: Answer, keep: bool) -> None:
        """Called with every answer a probe sees (cached or new); the recording host keeps it
        unless it was asked privately, to compute a derived answer (see `derive`)."""
        del key, answer, keep  # the live and replay hosts keep nothing

    def ask(self, key: str, produce: Producer, *, keep: bool = True) -> Any:
        """Answer `key`, computing it with `produce` on a live machine; raise HostError on error.

        Single-flight: when two probes ask the same key at once (the one PowerShell batch, the
        software inventory), one computes and the other waits for its answer, so a run never
        pays twice for an expensive question. Later capabilities (camera, network timing) come
        through this same door with their own key prefix, so they are recorded and replayed.
        `keep=False` (only through `private()`) answers without putting the answer in a bundle.
        """
        while True:
            with self._lock:
                answer = self._cache.get(key)
                pending = None if answer is not None else self._pending.get(key)
                owner = answer is None and pending is None
                if owner:
                    pending = self._pending[key] = threading.Event()
            if answer is not None:
                break
            assert pending is not None
            if not owner:
                pending.wait()
                continue  # the owner's answer is cached now, or it failed and we try ourselves
            try:
                answer = self._answer(key, produce)
                with self._lock:
                    answer = self._cache.setdefault(key, answer)
            finally:
                with self._lock:
                    del self._pending[key]
                pending.set()
            break
        self._observe(key, answer, keep)
        if "error" in answer:
            raise HostError(str(answer["error"]), str(answer.get("detail", "")))
        return answer["ok"]

    def derive(self, key: str, produce: Callable[[Host], Any]) -> Any:
        """An answer computed from other answers, of which a bundle keeps only the result.

        The software inventory reads every installed package and running process, but the
        report and the bundle may keep only what a check matched (docs/evidence.md). So
        `produce` gets `self.private()`: what it asks is cached and shared as usual but never
        recorded, and the bundle holds `key` with the (filtered) result alone. A replay answers
        `key` from the bundle; a bundle without it (one built from raw published listings)
        has the result computed again from the raw answers it does hold.
        """
        with self._lock:
            self._derived.add(key)
        return self.ask(key, lambda: produce(self.private()))

    def private(self) -> Host:
        """This host, asking without recording: for the inside of `derive` only."""
        return _PrivateView(self)

    # -- the questions ----------------------------------------------------------------------

    def platform(self) -> Platform:
        from precheck.host import live

        value = self.ask("sys:platform", live.platform_info)
        return Platform(**value)

    def now(self) -> datetime:
        """The run's clock: recorded once, so a replay decides dates exactly as the run did."""
        value = self.ask("sys:now", lambda: datetime.now(UTC).isoformat())
        return datetime.fromisoformat(value)

    def run(self, argv: Sequence[str], timeout: float = 10.0) -> CommandResult:
        from precheck.host import live

        key = "cmd:" + shlex.join(argv)
        value = self.ask(key, lambda: live.run_command(list(argv), timeout))
        return CommandResult(rc=value["rc"], stdout=value["stdout"], stderr=value["stderr"])

    def read_file(self, path: str, limit: int = 1 << 20) -> str | None:
        """Text of a file (`~` allowed, kept as `~` in the key), or None when it does not exist.

        A smaller `limit` reads only the file's head (a database header, not its 160 MB) and is
        its own question, `head:LIMIT:PATH`, so a replay never mistakes a head for the file.
        """
        from precheck.host import live

        key = "file:" + path if limit == 1 << 20 else f"head:{limit}:{path}"
        value: str | None = self.ask(key, lambda: live.read_text(path, limit))
        return value

    def list_dir(self, path: str) -> list[str] | None:
        """Sorted entry names of a folder, or None when it does not exist."""
        from precheck.host import live

        value: list[str] | None = self.ask("dir:" + path, lambda: live.list_dir(path))
        return value

    def mtime(self, path: str) -> datetime | None:
        """When a file or folder last changed (UTC), or None when it does not exist."""
        from precheck.host import live

        value = self.ask("stat:" + path, lambda: live.mtime(path))
        return None if value is None else datetime.fromisoformat(value)

    def powershell(self, section: str) -> Any:
        """One section of the run's single PowerShell call (Windows only).

        Starting PowerShell costs 0.3–2 s, so every Windows probe's query is a `.ps1` section in
        `precheck/host/powershell/`, all run by one `powershell.exe` that prints one JSON
        document (key `ps:batch`); each probe then reads its own section. A section that threw
        inside PowerShell raises HostError("failed") with PowerShell's message.
        """
        from precheck.host import powershell

        batch = self.ask("ps:batch", powershell.run_batch)
        part = batch.get(section)
        if not isinstance(part, dict) or not ({"ok"} == part.keys() or "error" in part):
            raise HostError("failed", f"PowerShell gave no answer for {section}")
        if "error" in part:
            raise HostError("failed", str(part["error"])[:300])
        return part["ok"]

    def registry(self, path: str) -> RegistryKey | None:
        r"""A Windows registry key (e.g. `HKLM\SOFTWARE\…`): its values and subkey names."""
        from precheck.host import live

        value = self.ask("reg:" + path, lambda: live.read_registry(path))
        return (
            None if value is None else RegistryKey(values=value["values"], subkeys=value["subkeys"])
        )

    def processes(self) -> list[str]:
        """Names of running processes (names only: command lines can hold personal paths)."""
        from precheck.host import live

        value: list[str] = self.ask("sys:processes", live.process_names)
        return value

    def process_arguments(self, names: Sequence[str]) -> list[str]:
        """Which of `names` some running process has as an argument's file name.

        A few recorders run inside an interpreter (GNOME's screen recorder is `gjs
        /usr/share/gnome-shell/org.gnome.Shell.Screencast`), so their process name says
        nothing. Command lines can hold personal paths, so the answer is only ever a subset of
        the names asked about, never an argument itself.
        """
        from precheck.host import live

        wanted = sorted(set(names))
        key = "sys:process-args:" + ",".join(wanted)
        value: list[str] = self.ask(key, lambda: live.process_arguments(wanted))
        return value

    def listening(self) -> list[Listener]:
        from precheck.host import live

        return [Listener(**item) for item in self.ask("sys:listening", live.listeners)]

    def device(self) -> dict[str, Any]:
        """Memory, disk, CPU count and load, battery (psutil)."""
        from precheck.host import live

        value: dict[str, Any] = self.ask("sys:device", live.device_stats)
        return value

    def cpu_model(self) -> str | None:
        """The CPU's brand string (py-cpuinfo, about a second: ask it from its own probe)."""
        from precheck.host import live

        value: str | None = self.ask("sys:cpu-model", live.cpu_model)
        return value

    # -- camera and microphone (live producers: host/camera.py, host/microphone.py) ----------

    def camera_devices(self) -> list[dict[str, Any]]:
        """Linux video4linux nodes: index, name, capture node or not, present, may we open it."""
        from precheck.host import camera

        value: list[dict[str, Any]] = self.ask("camera:list", camera.linux_devices)
        return value

    def camera_capture(
        self,
        source: int | str,
        *,
        system: str,
        open_timeout: float,
        read_timeout: float,
        seconds: float,
    ) -> dict[str, Any]:
        """Open a camera (index) or video file (path) in a child process and read `seconds`.

        The answer is numbers only: open time, resolution, per-frame times, luma and SSIM to the
        previous frame (precheck/media/frames.py), or why it did not open. A file is keyed by
        its name alone, so a path under the home folder never reaches a bundle.
        """
        from pathlib import PurePath

        from precheck.host import camera

        settings = camera.CaptureSettings(system, open_timeout, read_timeout, seconds)
        if isinstance(source, int):
            key = f"camera:capture:{source}"
        else:
            key = f"camera:capture:file:{PurePath(source).name}"
        value: dict[str, Any] = self.ask(key, lambda: camera.capture(source, settings))
        return value

    def microphone(self, seconds: float, *, requested: bool) -> dict[str, Any]:
        """Record `seconds` from the default microphone and return its level numbers.

        Only when the user asked (`precheck run --mic`); otherwise the answer says so, and a
        replay of that bundle skips the check exactly as the run did.
        """
        from precheck.host import microphone

        value: dict[str, Any] = self.ask(
            "mic:record", lambda: microphone.record(seconds, requested=requested)
        )
        return value

    # -- the network (key prefix net:, producers in host/net.py) --------------------------------

    def net_dns(self, host: str, timeout: float = 3.0) -> dict[str, Any]:
        """Whether a name resolves (`resolved`, `ms`, `error`): the addresses are never kept."""
        from precheck.host import net

        value: dict[str, Any] = self.ask(f"net:dns:{host}", lambda: net.resolve(host, timeout))
        return value

    def net_fetch(self, url: str, timeout: float = 5.0) -> dict[str, Any]:
        """One HTTP(S) request without following redirects: status, time, body head or error."""
        from precheck.host import net

        value: dict[str, Any] = self.ask(f"net:https:{url}", lambda: net.fetch(url, timeout))
        return value

    def net_rtt(
        self, url: str, count: int, spacing_ms: float, timeout: float, budget: float
    ) -> dict[str, Any]:
        """Round-trip samples of small requests on one connection (None for a failed one)."""
        from precheck.host import net

        value: dict[str, Any] = self.ask(
            f"net:rtt:{url}", lambda: net.rtt(url, count, spacing_ms, timeout, budget)
        )
        return value

    def net_download(
        self, url: str, seconds: float, warmup: float, max_bytes: int
    ) -> dict[str, Any]:
        from precheck.host import net

        value: dict[str, Any] = self.ask(
            f"net:throughput:down:{url}", lambda: net.download(url, seconds, warmup, max_bytes)
        )
        return value

    def net_upload(self, url: str, seconds: float, max_bytes: int) -> dict[str, Any]:
        from precheck.host import net

        value: dict[str, Any] = self.ask(
            f"net:throughput:up:{url}", lambda: net.upload(url, seconds, max_bytes)
        )
        return value


class _PrivateView(Host):
    """Shares its host's cache and single-flight, but its answers never reach a bundle."""

    def __init__(self, base: Host) -> None:  # no state of its own: everything is the base's
        self._base = base

    def _answer(self, key: str, produce: Producer) -> Answer:
        raise AssertionError("a private view answers through its base host")

    def ask(self, key: str, produce: Producer, *, keep: bool = True) -> Any:
        return self._base.ask(key, produce, keep=False)

    def derive(self, key: str, produce: Callable[[Host], Any]) -> Any:
        return self._base.derive(key, produce)

    def private(self) -> Host:
        return self
