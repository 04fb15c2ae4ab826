"""load (第5条(5), advisory) and the device summary: will this PC carry a video call now?

The CPU model comes from py-cpuinfo, which takes about a second, so it is asked in a thread of
its own while psutil samples the CPU load for half a second.
"""

from __future__ import annotations

import threading
from typing import Any

from precheck.host import Host, HostError
from precheck.model import Facts, Phrase, Status, Verdict
from precheck.probes import Context

MB = 1 << 20


def collect(host: Host, ctx: Context) -> Facts:
    model: dict[str, Any] = {}

    def ask_model() -> None:
        try:
            model["cpu"] = host.cpu_model()
        except HostError as exc:
            model["error"] = exc.reason

    thread = threading.Thread(target=ask_model, daemon=True)
    thread.start()
    platform = host.platform()
    stats = host.device()
    thread.join()
    return {
        "os": {"system": platform.system, "release": platform.release, "machine": platform.machine},
        "cpu_model": model.get("cpu"),
        **stats,
    }


def decide(facts: Facts, ctx: Context) -> Verdict:
    th = ctx.thresholds
    problems: list[Phrase] = []
    available_mb = facts["memory_available"] // MB
    if available_mb < th["min_memory_available_mb"]:
        problems.append(Phrase("low-memory", {"available_mb": available_mb}))
    if facts["cpu_percent"] > th["max_cpu_percent"]:
        problems.append(Phrase("high-cpu", {"cpu_percent": round(facts["cpu_percent"])}))
    battery = facts.get("battery")
    if battery and not battery["plugged"] and battery["percent"] < th["min_battery_percent"]:
        problems.append(Phrase("low-battery", {"battery_percent": round(battery["percent"])}))
    disk_free = facts.get("disk_free")
    if disk_free is not None and disk_free // MB < th["min_disk_free_mb"]:
        problems.append(Phrase("low-disk", {"disk_free_mb": disk_free // MB}))
    if problems:
        return Verdict(Status.WARN, "busy", {"problems": problems})
    return Verdict(
        Status.PASS,
        "ok",
        {
            "cpu": facts.get("cpu_model") or facts["os"]["machine"],
            "cores": facts["cpu_count"],
            "memory_gb": round(facts["memory_total"] / (1 << 30), 1),
            "available_gb": round(facts["memory_available"] / (1 << 30), 1),
            "cpu_percent": round(facts["cpu_percent"]),
        },
    )
