"""Producers: how the live host answers each question on this machine.

Each function returns plain JSON or raises HostError with a reason from ERROR_REASONS. Nothing
here parses meaning out of the answers: that is the parsers' job.
"""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from precheck.host.base import HostError
from precheck.host.text import decode


def platform_info() -> dict[str, str]:
    system = {"win32": "windows", "darwin": "darwin"}.get(sys.platform, "linux")
    return {
        "system": system,
        "release": platform.release(),
        "version": platform.version(),
        "machine": platform.machine().lower(),
    }


def _command_env() -> dict[str, str]:
    """Unix tools answer in English so parsers meet the format they were written for."""
    env = dict(os.environ)
    if sys.platform != "win32":
        env["LC_ALL"] = "C.UTF-8" if sys.platform.startswith("linux") else "C"
        env.pop("LANGUAGE", None)
    return env


def run_command(argv: list[str], timeout: float) -> dict[str, Any]:
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_command_env(),
            creationflags=flags,
            start_new_session=sys.platform != "win32",
        )
    except FileNotFoundError as exc:
        raise HostError("missing", f"{argv[0]} is not installed") from exc
    except PermissionError as exc:
        raise HostError("permission", f"{argv[0]} may not be run") from exc
    except OSError as exc:
        raise HostError("failed", f"{argv[0]}: {exc.strerror}") from exc
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _kill(proc)
        raise HostError("timeout", f"{argv[0]} gave no answer in {timeout:g} s") from exc
    return {"rc": proc.returncode, "stdout": decode(out), "stderr": decode(err)}


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the command and anything it started, so a hung child cannot hold the pipes open."""
    if sys.platform != "win32":
        import signal

        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
    else:
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=2)


def read_text(path: str, limit: int) -> str | None:
    try:
        with open(os.path.expanduser(path), "rb") as handle:
            return decode(handle.read(limit))
    except FileNotFoundError:
        return None
    except PermissionError as exc:
        raise HostError("permission", f"cannot read {path}") from exc
    except IsADirectoryError as exc:
        raise HostError("failed", f"{path} is a folder") from exc
    except OSError as exc:
        raise HostError("failed", f"{path}: {exc.strerror}") from exc


def list_dir(path: str) -> list[str] | None:
    try:
        return sorted(p.name for p in Path(os.path.expanduser(path)).iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return None
    except PermissionError as exc:
        raise HostError("permission", f"cannot list {path}") from exc
    except OSError as exc:
        raise HostError("failed", f"{path}: {exc.strerror}") from exc


def mtime(path: str) -> str | None:
    from datetime import UTC, datetime

    try:
        stamp = os.stat(os.path.expanduser(path)).st_mtime
    except (FileNotFoundError, NotADirectoryError):
        return None
    except PermissionError as exc:
        raise HostError("permission", f"cannot inspect {path}") from exc
    except OSError as exc:
        raise HostError("failed", f"{path}: {exc.strerror}") from exc
    return datetime.fromtimestamp(stamp, UTC).replace(microsecond=0).isoformat()


def read_registry(path: str) -> dict[str, Any] | None:
    if sys.platform != "win32":
        raise HostError("unsupported", "the registry exists on Windows only")
    import winreg

    hive_name, _, subkey = path.partition("\\")
    hives = {"HKLM": winreg.HKEY_LOCAL_MACHINE, "HKCU": winreg.HKEY_CURRENT_USER}
    if hive_name not in hives:
        raise HostError("unsupported", f"registry hive {hive_name}")
    try:
        with winreg.OpenKey(hives[hive_name], subkey, 0, winreg.KEY_READ) as key:
            n_subkeys, n_values, _ = winreg.QueryInfoKey(key)
            subkeys = [winreg.EnumKey(key, i) for i in range(n_subkeys)]
            values: dict[str, Any] = {}
            for i in range(n_values):
                name, data, _kind = winreg.EnumValue(key, i)
                values[name] = data if isinstance(data, (int, str)) else str(data)
    except FileNotFoundError:
        return None
    except PermissionError as exc:
        raise HostError("permission", f"cannot read {path}") from exc
    except OSError as exc:
        raise HostError("failed", f"{path}: {exc.strerror}") from exc
    return {"values": values, "subkeys": subkeys}


def process_names() -> list[str]:
    import psutil

    names: set[str] = set()
    for proc in psutil.process_iter(["name"]):
        name = proc.info.get("name")
        if name:
            names.add(name)
    return sorted(names)


def process_arguments(names: list[str]) -> list[str]:
    import psutil

    wanted = set(names)
    found: set[str] = set()
    for proc in psutil.process_iter(["cmdline"]):
        for arg in (proc.info.get("cmdline") or [])[:8]:  # interpreter, options, script
            base = arg.replace("\\", "/").rsplit("/", 1)[-1]
            if base in wanted:
                found.add(base)
    return sorted(found)


def listeners() -> list[dict[str, Any]]:
    import socket

    import psutil

    try:
        conns = psutil.net_connections(kind="inet")
    except psutil.AccessDenied as exc:
        raise HostError("permission", "listing sockets needs administrator rights here") from exc
    names: dict[int, str] = {}
    found: set[tuple[str, int, str, str | None]] = set()
    for conn in conns:
        is_tcp = conn.type == socket.SOCK_STREAM
        if is_tcp and conn.status != psutil.CONN_LISTEN:
            continue
        if not is_tcp and conn.raddr:
            continue
        if not conn.laddr:
            continue
        ip, port = conn.laddr.ip, conn.laddr.port
        scope = (
            "loopback"
            if ip.startswith("127.") or ip == "::1"
            else "any"
            if ip in ("0.0.0.0", "::")
            else "address"
        )
        process = None
        if conn.pid:
            if conn.pid not in names:
                try:
                    names[conn.pid] = psutil.Process(conn.pid).name()
                except (psutil.Error, OSError):
                    names[conn.pid] = ""
            process = names[conn.pid] or None
        found.add(("tcp" if is_tcp else "udp", port, scope, process))
    return [
        {"proto": p, "port": port, "scope": s, "process": n}
        for p, port, s, n in sorted(found, key=lambda t: (t[0], t[1], t[2], t[3] or ""))
    ]


def device_stats() -> dict[str, Any]:
    import psutil

    mem = psutil.virtual_memory()
    try:
        disk = psutil.disk_usage(str(Path.home()))
        disk_free: int | None = disk.free
    except OSError:
        disk_free = None
    battery = None
    try:
        bat = psutil.sensors_battery()
    except (AttributeError, OSError, RuntimeError):
        bat = None
    if bat is not None:
        battery = {"percent": round(bat.percent, 1), "plugged": bool(bat.power_plugged)}
    machine, own = cpu_load(CPU_SAMPLE_SECONDS)
    return {
        "cpu_count": psutil.cpu_count(logical=True),
        "cpu_percent": machine,
        "cpu_percent_precheck": own,
        "memory_total": mem.total,
        "memory_available": mem.available,
        "disk_free": disk_free,
        "battery": battery,
    }


CPU_SAMPLE_SECONDS = 0.5


def _busy_and_total(times: Any) -> tuple[float, float]:
    """Busy and total seconds of all CPUs, counted as psutil.cpu_percent counts them (guest
    time is already inside user time on Linux; idle and iowait are not busy)."""
    total = sum(times) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)
    return total - times.idle - getattr(times, "iowait", 0.0), total


def _tree_cpu_seconds(me: Any) -> float:
    """CPU seconds used so far by this process and every descendant, live or finished.

    A finished child that was waited for is in its parent's children_* times (ours or a live
    descendant's); a live one is counted by itself. So the difference of two readings is what
    precheck's own process tree used between them, whatever started or ended in between.
    """
    import psutil

    def used(process: Any) -> float:
        t = process.cpu_times()
        return float(t.user + t.system + t.children_user + t.children_system)

    seconds = used(me)
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            seconds += used(child)
    return seconds


def machine_cpu_percent(
    system_before: tuple[float, float],
    system_after: tuple[float, float],
    own_seconds: float,
) -> tuple[float, float]:
    """(the machine's CPU load without precheck, precheck's own share), both 0–100.

    `system_*` are (busy, total) CPU seconds of all CPUs; `own_seconds` what precheck's own
    process tree used in between. Pure, so tests can give it any numbers.
    """
    busy = system_after[0] - system_before[0]
    total = system_after[1] - system_before[1]
    if total <= 0:
        return 0.0, 0.0
    own = min(max(own_seconds, 0.0), total)
    machine = min(max(busy - own, 0.0), total)
    return round(100 * machine / total, 1), round(100 * own / total, 1)


def cpu_load(seconds: float) -> tuple[float, float]:
    """The machine's CPU load over `seconds` without precheck's own work, and precheck's share.

    precheck samples while its other checks run (apt, py-cpuinfo, PowerShell): counting them
    made every full run on a 2-core PC report "CPU 100 %" and warn about a load that was
    precheck's own. The user's video call competes with the rest of the machine only.
    """
    import time

    import psutil

    me = psutil.Process()
    system_before = _busy_and_total(psutil.cpu_times())
    own_before = _tree_cpu_seconds(me)
    time.sleep(seconds)
    own_after = _tree_cpu_seconds(me)
    system_after = _busy_and_total(psutil.cpu_times())
    return machine_cpu_percent(system_before, system_after, own_after - own_before)


def cpu_model() -> str | None:
    import cpuinfo

    info = cpuinfo.get_cpu_info()
    brand = info.get("brand_raw") or info.get("brand")
    return str(brand) if brand else None
