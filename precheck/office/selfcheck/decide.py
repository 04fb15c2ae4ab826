"""Pure decisions of the browser self-check: facts in, (status, code, params) out.

The same thresholds as the PC checks (checks/camera.toml, microphone.toml, network.toml) judge
what the page measured, so a phone and a PC are held to one standard; the OS rows are the
`[mobile]` part of checks/tables/os-lifecycle.toml. A figure the page sends is bounded by the
record's validation before it gets here. Every code has its sentence in
precheck/messages/selfcheck.toml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from precheck.model import Status
from precheck.parse.user_agent import DeviceFacts


@dataclass(frozen=True)
class Finding:
    id: str  # "os-support", "camera", "microphone", "network"
    status: Status
    code: str
    source: str  # "server" (seen by the office's server) or "page" (measured in the browser)
    params: dict[str, Any] = field(default_factory=dict)


def decide_os(device: DeviceFacts, table: Mapping[str, Any], today: date) -> Finding:
    def found(status: Status, code: str, **params: Any) -> Finding:
        return Finding("os-support", status, code, "server", params)

    if device.family in ("desktop", "unknown"):
        return found(Status.UNKNOWN, "os-not-phone")
    if device.major is None:
        return found(Status.WARN, "os-hidden", os=_family_name(device.family))
    rows: Mapping[str, Any] = table["mobile"]["releases"].get(device.family, {})
    majors = sorted(int(k) for k in rows)
    name = f"{_family_name(device.family)} {device.major}"
    row = rows.get(str(device.major))
    if row is None:
        if majors and device.major > majors[-1]:
            return found(Status.PASS, "os-supported", os=name)
        if majors and device.major < majors[0]:
            row = {"name": name, "status": "eol"}
        else:
            return found(Status.UNKNOWN, "os-unknown-release", os=name)
    status = row["status"]
    until = row.get("supported_until")
    ended = status == "eol" and (until is None or date.fromisoformat(str(until)) < today)
    if ended:
        hidden = device.may_hide
        return found(Status.WARN if hidden else Status.FAIL, "os-eol", os=row["name"])
    if status == "backports" or status == "eol":
        return found(Status.WARN, "os-backports", os=row["name"])
    return found(Status.PASS, "os-supported", os=row["name"])


def _family_name(family: str) -> str:
    return {"ios": "iOS", "ipados": "iPadOS", "android": "Android"}.get(family, family)


def decide_camera(page: Mapping[str, Any], th: Mapping[str, Any]) -> Finding:
    def found(status: Status, code: str, **params: Any) -> Finding:
        return Finding("camera", status, code, "page", params)

    error = page.get("error")
    if error is not None:
        return found(Status.FAIL, f"camera-{error}")
    frames = int(page["frames"])
    if frames == 0:
        return found(Status.FAIL, "camera-no-frames")
    fps = round(float(page["fps"]), 1)
    if float(page["black_ratio"]) > th["max_bad_frame_ratio"]:
        return found(Status.FAIL, "camera-black")
    if float(page["frozen_ratio"]) > th["max_bad_frame_ratio"]:
        return found(Status.FAIL, "camera-frozen")
    if fps < th["min_fps"]:
        return found(Status.FAIL, "camera-slow", fps=fps)
    width, height = int(page["width"]), int(page["height"])
    luma = round(float(page["mean_luma"]))
    if fps < th["warn_fps"]:
        return found(Status.WARN, "camera-slow-warn", fps=fps)
    if width * height < th["min_width"] * th["min_height"]:
        return found(Status.WARN, "camera-small", width=width, height=height)
    if luma < th["dark_luma"]:
        return found(Status.WARN, "camera-dark")
    if luma > th["bright_luma"]:
        return found(Status.WARN, "camera-bright")
    return found(Status.PASS, "camera-ok", width=width, height=height, fps=fps)


def decide_microphone(page: Mapping[str, Any], th: Mapping[str, Any]) -> Finding:
    def found(status: Status, code: str, **params: Any) -> Finding:
        return Finding("microphone", status, code, "page", params)

    error = page.get("error")
    if error is not None:
        return found(Status.FAIL, f"mic-{error}")
    rms = round(float(page["rms_dbfs"]), 1)
    if rms <= th["silent_dbfs"]:
        return found(Status.FAIL, "mic-silent")
    if float(page["peak_dbfs"]) >= th["clip_dbfs"] and int(page["clipped_runs"]) > 0:
        return found(Status.WARN, "mic-clipping")
    if rms < th["low_rms_dbfs"]:
        return found(Status.WARN, "mic-quiet", rms_dbfs=rms)
    return found(Status.PASS, "mic-ok", rms_dbfs=rms)


def decide_network(
    page: Mapping[str, Any], server: Mapping[str, Any], th: Mapping[str, Any]
) -> Finding:
    """RTT and upload as the office's server saw them where it could, the rest as measured."""

    def found(status: Status, code: str, **params: Any) -> Finding:
        return Finding("network", status, code, "server" if server else "page", params)

    if page.get("error") is not None:
        return found(Status.FAIL, "net-unreachable")
    rtt = float(server.get("rtt_ms") or page["rtt_ms"])
    jitter = float(page["jitter_ms"])
    loss = float(page["loss_percent"])
    down = float(page["download_mbps"])
    up = float(server.get("upload_mbps") or page["upload_mbps"])
    figures = {
        "rtt_ms": round(rtt),
        "jitter_ms": round(jitter),
        "loss_percent": round(loss, 1),
        "download_mbps": round(down, 1),
        "upload_mbps": round(up, 1),
    }
    if (
        rtt > th["rtt_max_ms"]
        or jitter > th["jitter_max_ms"]
        or loss > th["loss_max_percent"]
        or down < th["download_min_mbps"]
        or up < th["upload_min_mbps"]
    ):
        return found(Status.FAIL, "net-poor", **figures)
    if (
        rtt > th["rtt_ok_ms"]
        or jitter > th["jitter_ok_ms"]
        or loss > th["loss_ok_percent"]
        or down < th["download_ok_mbps"]
        or up < th["upload_ok_mbps"]
    ):
        return found(Status.WARN, "net-fair", **figures)
    return found(Status.PASS, "net-ok", **figures)
