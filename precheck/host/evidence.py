"""The three hosts and the evidence bundle they share (format: docs/evidence.md)."""

from __future__ import annotations

import errno
import json
import math
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

    def __init__(self, bundle: dict[str, Any], source: str = "evidence") -> None:
        super().__init__()
        self._entries: dict[str, Answer] = bundle["entries"]
        self._source = source

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
        raise EvidenceError("no-answer", path=self._source, key=key)


def load_bundle(path: Path) -> dict[str, Any]:
    """Read and validate a bundle; every problem is an EvidenceError naming the file and entry."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise EvidenceError("too-large", path=where, size=size)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EvidenceError("no-file", path=where) from None
    except IsADirectoryError:
        raise EvidenceError("folder", path=where) from None
    except PermissionError:
        raise EvidenceError("permission", path=where) from None
    except OSError as exc:
        code = errno.errorcode.get(exc.errno or 0, "OSError")
        raise EvidenceError("os", path=where, error=code) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise EvidenceError("not-utf8", path=where) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EvidenceError("not-json", path=where, line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise EvidenceError("not-json", path=where, line="?", column="?") from None
    validate_bundle(data, where)
    return data  # type: ignore[no-any-return]


def validate_bundle(data: Any, name: str) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise EvidenceError("not-bundle", path=name)
    if data.get("version") != VERSION:
        version = str(data.get("version"))[:20]
        raise EvidenceError("version", path=name, version=version, supported=VERSION)
    entries = data.get("entries")
    if not isinstance(entries, dict):
        raise EvidenceError("no-entries", path=name)
    for key, answer in entries.items():
        shown = key[:200]
        if not isinstance(answer, dict):
            raise EvidenceError("not-object", path=name, key=shown)
        if "ok" in answer:
            check = next((v for prefix, v in SHAPES.items() if key.startswith(prefix)), None)
            if check is not None and not check(answer["ok"]):
                raise EvidenceError("shape", path=name, key=shown)
            continue
        if answer.get("error") in ERROR_REASONS:
            continue
        raise EvidenceError("neither", path=name, key=shown)


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


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_capture(v: Any) -> bool:
    """Numbers only: a capture answer that held anything else (an image) is refused."""
    if not isinstance(v, dict) or not isinstance(v.get("opened"), bool):
        return False
    if not (v.get("failure") is None or isinstance(v.get("failure"), str)):
        return False
    if not (v.get("backend") is None or isinstance(v.get("backend"), str)):
        return False
    series = ("times", "luma", "ssim")
    for key, value in v.items():
        if key in series:
            if not isinstance(value, list) or not all(x is None or _is_number(x) for x in value):
                return False
        elif key not in ("opened", "failure", "backend") and not _is_number(value):
            return False
    return True


def _is_count(v: Any, *, nullable: bool = False, least: int = 0) -> bool:
    """A whole number (not a bool, which JSON keeps apart) of at least `least`."""
    if v is None:
        return nullable
    return isinstance(v, int) and not isinstance(v, bool) and v >= least


def _is_percent(v: Any) -> bool:
    """A finite number from 0 to 100 (NaN and Infinity, which Python's JSON reads, are not)."""
    return (
        isinstance(v, (int, float))
        and not isinstance(v, bool)
        and math.isfinite(v)
        and 0 <= v <= 100
    )


def _is_device(v: Any) -> bool:
    """What live.device_stats returns: counts are whole and not negative, percentages 0–100.

    The load check compares these with thresholds; a string or an impossible value there would
    end the replay in a confusing UNKNOWN or a wrong verdict instead of naming the entry.
    """
    if not isinstance(v, dict):
        return False
    battery = v.get("battery")
    return (
        _is_count(v.get("cpu_count"), nullable=True, least=1)
        and _is_percent(v.get("cpu_percent"))
        and (v.get("cpu_percent_precheck") is None or _is_percent(v["cpu_percent_precheck"]))
        and _is_count(v.get("memory_total"))
        and _is_count(v.get("memory_available"))
        and _is_count(v.get("disk_free"), nullable=True)
        and (
            battery is None
            or (
                isinstance(battery, dict)
                and _is_percent(battery.get("percent"))
                and isinstance(battery.get("plugged"), bool)
            )
        )
    )


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
    "head:": lambda v: v is None or isinstance(v, str),
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
    "sys:process-args:": _is_str_list,
    "sys:listening": lambda v: (
        isinstance(v, list)
        and all(
            isinstance(x, dict) and {"proto", "port", "scope", "process"} <= x.keys() for x in v
        )
    ),
    "sys:device": lambda v: _is_device(v),
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
    "camera:list": lambda v: (
        isinstance(v, list)
        and all(
            isinstance(x, dict)
            and isinstance(x.get("index"), int)
            and isinstance(x.get("name"), str)
            and all(isinstance(x.get(k), bool) for k in ("capture", "present", "access"))
            for x in v
        )
    ),
    "camera:capture:": lambda v: _is_capture(v),
    "mic:record": lambda v: (
        isinstance(v, dict)
        and isinstance(v.get("requested"), bool)
        and all(_is_number(x) for k, x in v.items() if k != "requested")
    ),
}
"""What a well-formed answer of each kind looks like; later capabilities add their prefixes."""
