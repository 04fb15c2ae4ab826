"""The three hosts and the evidence bundle they share (format: docs/evidence.md)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from precheck import __version__
from precheck.fsutil import write_atomic
from precheck.host.base import ERROR_REASONS, Answer, EvidenceError, Host, HostError, Producer
from precheck.host.redact import Redactor

FORMAT = "precheck-evidence"
VERSION = 1
MAX_BUNDLE_BYTES = 64 << 20


class LiveHost(Host):
    """Answers from this machine, redacted before any parser or bundle sees them."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self._redactor = redactor or Redactor.for_this_machine()

    def _answer(self, key: str, produce: Producer) -> Answer:
        try:
            return {"ok": self._redactor.value(produce())}
        except HostError as exc:
            return {"error": exc.reason, "detail": self._redactor.text(exc.detail)}

    def redact_key(self, key: str) -> str:
        return self._redactor.text(key)


class RecordingHost(LiveHost):
    """A live host that also keeps every answer, in the order asked, for `save`."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__(redactor)
        self._entries: dict[str, Answer] = {}
        self._entries_lock = threading.Lock()

    def _observe(self, key: str, answer: Answer, keep: bool) -> None:
        """Keep what a probe saw, cached or new; answers asked only to derive another are not."""
        if not keep:
            return
        with self._entries_lock:
            self._entries.setdefault(self.redact_key(key), answer)

    def bundle(self) -> dict[str, Any]:
        with self._entries_lock:
            entries = dict(sorted(self._entries.items()))
        return {
            "format": FORMAT,
            "version": VERSION,
            "tool_version": __version__,
            "recorded_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "entries": entries,
        }

    def save(self, path: Path) -> None:
        data = json.dumps(self.bundle(), ensure_ascii=False, indent=1).encode("utf-8")
        write_atomic(path, data + b"\n", private=True)


class ReplayHost(Host):
    """Answers from a bundle, on any OS; a question the bundle cannot answer stops the replay."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        super().__init__()
        self._entries: dict[str, Answer] = bundle["entries"]

    def _answer(self, key: str, produce: Producer) -> Answer:
        try:
            return self._entries[key]
        except KeyError:
            pass
        if key in self._derived:  # derived from raw answers the bundle must hold instead
            try:
                return {"ok": produce()}
            except HostError as exc:
                return {"error": exc.reason, "detail": exc.detail}
        raise EvidenceError(f"the evidence has no answer for {key!r}")


def load_bundle(path: Path) -> dict[str, Any]:
    """Read and validate a bundle; every problem is an EvidenceError naming the file and entry."""
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise EvidenceError(f"{path}: {size} bytes is larger than an evidence bundle can be")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EvidenceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise EvidenceError(f"{path}: is a folder, not an evidence file") from None
    except PermissionError:
        raise EvidenceError(f"{path}: no permission to read it") from None
    except OSError as exc:
        raise EvidenceError(f"{path}: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvidenceError(f"{path}: not valid JSON ({exc})") from None
    validate_bundle(data, str(path))
    return data  # type: ignore[no-any-return]


def validate_bundle(data: Any, name: str) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise EvidenceError(f"{name}: not a precheck evidence bundle")
    if data.get("version") != VERSION:
        raise EvidenceError(
            f"{name}: evidence format version {data.get('version')!r} is not supported "
            f"(this precheck reads version {VERSION})"
        )
    entries = data.get("entries")
    if not isinstance(entries, dict):
        raise EvidenceError(f"{name}: 'entries' is missing or not an object")
    for key, answer in entries.items():
        if not isinstance(answer, dict):
            raise EvidenceError(f"{name}: entry {key!r} is not an object")
        if "ok" in answer:
            check = next((v for prefix, v in SHAPES.items() if key.startswith(prefix)), None)
            if check is not None and not check(answer["ok"]):
                raise EvidenceError(f"{name}: entry {key!r} does not have the shape of its kind")
            continue
        if answer.get("error") in ERROR_REASONS:
            continue
        raise EvidenceError(f"{name}: entry {key!r} has neither 'ok' nor a known 'error'")


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _inventory_shape(v: Any) -> bool:
    from precheck.inventory import is_encoded

    return is_encoded(v)


def _is_iso_time(v: Any) -> bool:
    try:
        return isinstance(v, str) and datetime.fromisoformat(v).tzinfo is not None
    except ValueError:
        return False


def _is_flat(v: Any) -> bool:
    """Numbers, short strings, booleans and nulls only: what every net: answer may hold."""
    return isinstance(v, dict) and all(
        x is None or isinstance(x, (bool, int, float)) or (isinstance(x, str) and len(x) <= 300)
        for x in v.values()
    )


SHAPES: dict[str, Callable[[Any], bool]] = {
    "cmd:": lambda v: (
        isinstance(v, dict)
        and isinstance(v.get("rc"), int)
        and isinstance(v.get("stdout"), str)
        and isinstance(v.get("stderr"), str)
    ),
    "file:": lambda v: v is None or isinstance(v, str),
    "dir:": lambda v: v is None or _is_str_list(v),
    "reg:": lambda v: (
        v is None
        or (
            isinstance(v, dict)
            and isinstance(v.get("values"), dict)
            and _is_str_list(v.get("subkeys"))
        )
    ),
    "stat:": lambda v: v is None or _is_iso_time(v),
    "sys:platform": lambda v: (
        isinstance(v, dict)
        and all(isinstance(v.get(k), str) for k in ("system", "release", "version", "machine"))
    ),
    "sys:now": _is_iso_time,
    "sys:processes": _is_str_list,
    "sys:listening": lambda v: (
        isinstance(v, list)
        and all(
            isinstance(x, dict) and {"proto", "port", "scope", "process"} <= x.keys() for x in v
        )
    ),
    "sys:device": lambda v: isinstance(v, dict),
    "sys:cpu-model": lambda v: v is None or isinstance(v, str),
    "ps:batch": lambda v: isinstance(v, dict),
    "net:dns:": lambda v: isinstance(v, dict) and isinstance(v.get("resolved"), bool),
    "net:https:": lambda v: _is_flat(v) and "status" in v and "error" in v,
    "net:rtt:": lambda v: (
        isinstance(v, dict)
        and isinstance(v.get("samples_ms"), list)
        and all(x is None or isinstance(x, (int, float)) for x in v["samples_ms"])
    ),
    "net:throughput:": lambda v: _is_flat(v) and "mbps" in v,
    "net:link": lambda v: _is_flat(v) and isinstance(v.get("link"), str),
    "inv:software": lambda v: _inventory_shape(v),
}
"""What a well-formed answer of each kind looks like; later capabilities add their prefixes."""
