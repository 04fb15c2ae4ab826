"""The one PowerShell call per run, and the single-flight cache that makes it one."""

from __future__ import annotations

import base64
import threading
from typing import Any

import pytest

from precheck.host import HostError, ReplayHost
from precheck.host import powershell as ps
from precheck.host.base import Answer, Host, Producer


def test_batch_fits_a_windows_command_line() -> None:
    argv = ps.command_line()
    assert len(" ".join(argv)) < ps.MAX_COMMAND_LINE
    script = base64.b64decode(argv[-1]).decode("utf-16-le")
    for name in ps.sections():
        assert f"$precheck['{name}']" in script
    assert script.rstrip().endswith("-Depth 6 -Compress")


def test_parse_batch_refuses_what_is_not_json() -> None:
    assert ps.parse_batch(0, '{"a": {"ok": 1}}', "") == {"a": {"ok": 1}}
    with pytest.raises(HostError) as err:
        ps.parse_batch(1, "", "Cannot run in ConstrainedLanguage mode\nmore")
    assert "ConstrainedLanguage" in err.value.detail
    with pytest.raises(HostError):
        ps.parse_batch(0, "[1, 2]", "")


def bundle(batch: Any) -> dict[str, Any]:
    return {"format": "precheck-evidence", "version": 1, "entries": {"ps:batch": {"ok": batch}}}


def test_sections_answer_or_raise_with_powershell_message() -> None:
    host = ReplayHost(bundle({"a": {"ok": [1, 2]}, "b": {"error": "Access denied"}, "c": 3}))
    assert host.powershell("a") == [1, 2]
    with pytest.raises(HostError, match="Access denied"):
        host.powershell("b")
    with pytest.raises(HostError):
        host.powershell("c")
    with pytest.raises(HostError):
        host.powershell("missing")


class Waiting(dict[str, threading.Event]):
    """The host's in-flight table, counting the askers that found a computation under way."""

    def __init__(self) -> None:
        super().__init__()
        self.joined = threading.Semaphore(0)

    def get(self, key: str, default: Any = None) -> Any:
        found = super().get(key, default)
        if found is not None:
            self.joined.release()
        return found


class CountingHost(Host):
    """Counts computations; the first one finishes only when the other askers are waiting."""

    def __init__(self, others: int) -> None:
        super().__init__()
        self.calls = 0
        self.others = others
        self._pending = Waiting()

    def _answer(self, key: str, produce: Producer) -> Answer:
        self.calls += 1
        if self.calls == 1:
            pending = self._pending
            assert isinstance(pending, Waiting)
            for _ in range(self.others):
                assert pending.joined.acquire(timeout=30), "the other askers never waited"
        return {"ok": produce()}


def test_concurrent_asks_of_one_key_compute_once() -> None:
    host = CountingHost(others=3)
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(host.ask("k", lambda: {"x": 1})))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == [{"x": 1}] * 4
    assert host.calls == 1
