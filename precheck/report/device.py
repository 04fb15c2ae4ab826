"""What the report says about the device: its kind, and an id that only this device can make.

The device id is HMAC-SHA256 of the OS's machine id under the device's own random salt
(keys.device_salt). The same device gives the same id in every report, while nobody without
the salt — the office included — can compute it from a machine id or link it to one. The raw
machine id is read here directly, never through the Host, so it is never written into an
evidence bundle either.

The summary (OS, CPU model, core count, memory) comes from the `load` check's facts, which the
live host has already redacted; when that check did not run, from the host's platform alone.
"""

from __future__ import annotations

import contextlib
import hmac
import re
import sys
from pathlib import Path
from typing import Any

from precheck.host import Host, HostError
from precheck.runner import RunResult

_DOMAIN = b"precheck-device-id-v1\0"
_LINUX_IDS = ("/etc/machine-id", "/var/lib/dbus/machine-id")
_HEX32 = re.compile(r"^[0-9a-f]{32}$")


def parse_machine_id(text: str) -> str | None:
    """The systemd/D-Bus machine id (32 lowercase hex digits, machine-id(5)), or None."""
    value = text.strip().lower()
    return value if _HEX32.match(value) and value != "0" * 32 else None


def machine_id() -> str | None:
    """The OS's stable id of this installation, or None where it cannot be had."""
    if sys.platform == "win32":
        return _windows_machine_guid()
    if sys.platform == "darwin":
        return _mac_host_uuid()
    for path in _LINUX_IDS:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            found = parse_machine_id(Path(path).read_text(encoding="ascii"))
            if found:
                return found
    return None


def _windows_machine_guid() -> str | None:
    """HKLM\\SOFTWARE\\Microsoft\\Cryptography MachineGuid, readable without admin rights."""
    if sys.platform != "win32":
        return None
    import winreg

    flags = winreg.KEY_READ | getattr(winreg, "KEY_WOW64_64KEY", 0)
    try:
        with winreg.OpenKey(
            winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography", 0, flags
        ) as key:
            value, _kind = winreg.QueryValueEx(key, "MachineGuid")
    except OSError:
        return None
    return str(value).strip().lower() or None


def _mac_host_uuid() -> str | None:
    """The hardware UUID from gethostuuid(2) in libSystem, without starting ioreg."""
    import ctypes
    import uuid

    try:
        libc = ctypes.CDLL(None)
        buffer = ctypes.create_string_buffer(16)
        wait = (ctypes.c_long * 2)(2, 0)  # struct timespec: give up after 2 s
        if libc.gethostuuid(buffer, wait) != 0:
            return None
    except (OSError, AttributeError):
        return None
    return str(uuid.UUID(bytes=buffer.raw))


def device_id(salt: bytes, machine: str | None) -> tuple[str, str]:
    """(hex id, basis): basis "machine-id", or "salt-only" when the OS gave no machine id."""
    message = _DOMAIN + (machine or "").encode("utf-8")
    digest = hmac.new(salt, message, "sha256").hexdigest()
    return digest, "machine-id" if machine else "salt-only"


def summary(run: RunResult, host: Host | None = None) -> dict[str, Any]:
    """OS, CPU model, cores and memory, from the load check's facts when it ran."""
    load = next((r for r in run.results if r.id == "load"), None)
    facts = load.facts if load is not None else {}
    os_facts = facts.get("os")
    if isinstance(os_facts, dict) and {"system", "release", "machine"} <= os_facts.keys():
        os_info = {k: str(os_facts[k]) for k in ("system", "release", "machine")}
    else:
        os_info = _platform(run, host)

    def whole(name: str) -> int | None:
        value = facts.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    model = facts.get("cpu_model")
    return {
        "os": os_info,
        "cpu_model": model if isinstance(model, str) else None,
        "cpu_count": whole("cpu_count"),
        "memory_total": whole("memory_total"),
    }


def _platform(run: RunResult, host: Host | None) -> dict[str, str]:
    from precheck.host import LiveHost

    try:
        p = (host or LiveHost()).platform()
    except HostError:
        return {"system": run.system, "release": "", "machine": ""}
    return {"system": p.system, "release": p.release, "machine": p.machine}
