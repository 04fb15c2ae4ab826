"""What the three collectors share: open candidates in order until one delivers frames."""

from __future__ import annotations

from typing import Any

from precheck.host import Host
from precheck.model import Facts
from precheck.probes import Context
from precheck.probes.camera.facts import summarise

NOT_THERE = ("not-opened",)
"""Failures that mean "no camera at this index": the search moves on to the next one."""


def open_source(host: Host, ctx: Context, system: str, source: int | str) -> dict[str, Any]:
    th = ctx.thresholds
    return host.camera_capture(
        source,
        system=system,
        open_timeout=float(th["open_timeout_seconds"]),
        read_timeout=float(th["read_timeout_seconds"]),
        seconds=float(th["warmup_seconds"]) + float(th["analyse_seconds"]),
    )


def capture_first(
    host: Host,
    ctx: Context,
    system: str,
    indices: list[int],
    names: dict[int, str],
    *,
    cameras: int | None,
) -> Facts:
    """Capture from the first index that opens; stop after too many misses in a row.

    The first answer that is not "nothing at this index" (frames, busy, refused, a timeout) is
    the one judged: trying further cameras after a hang would only add another deadline.
    """
    misses = 0
    last: dict[str, Any] = {"opened": False, "failure": None}
    for index in indices:
        answer = open_source(host, ctx, system, index)
        if answer.get("failure") in NOT_THERE and not answer.get("opened"):
            misses += 1
            last = answer
            if misses >= int(ctx.thresholds["stop_after_failures"]):
                break
            continue
        return {
            # Windows has no list: the camera that answered is the one known to exist.
            "cameras": cameras if cameras is not None else 1,
            "camera": names.get(index),
            "index": index,
            "source": "device",
            **summarise(answer, ctx.thresholds),
        }
    if cameras is None:
        cameras = 0
    return {
        "cameras": cameras,
        "camera": None,
        "source": "device",
        **summarise(last, ctx.thresholds),
    }
