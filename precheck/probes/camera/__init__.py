"""camera (第2条(3), 第12条(4)): does a camera open and deliver a live picture?

collect lists the cameras per OS (linux.py: sysfs; darwin.py: system_profiler; windows.py:
opening indices) and reads about 1.5 s of frames from the first usable one in a child process
(precheck/host/camera.py), keeping only numbers; decide judges them with the catalogue's
test.webrtc.org thresholds. `ctx.options["camera_source"]` names a video file to read instead
of a camera, through the very same path (tests, benchmarks, a helpdesk demonstration).
"""

from __future__ import annotations

from precheck.host import Host
from precheck.model import Facts, Status, Verdict
from precheck.probes import Context


def collect(host: Host, ctx: Context) -> Facts:
    from precheck.probes.camera.common import open_source
    from precheck.probes.camera.facts import summarise

    system = host.platform().system
    source = ctx.options.get("camera_source")
    if source:
        answer = open_source(host, ctx, system, str(source))
        return {"cameras": 1, "camera": None, "source": "file", **summarise(answer, ctx.thresholds)}
    if system == "windows":
        from precheck.probes.camera import windows as backend
    elif system == "darwin":
        from precheck.probes.camera import darwin as backend  # type: ignore[no-redef]
    else:
        from precheck.probes.camera import linux as backend  # type: ignore[no-redef]
    return backend.collect(host, ctx)


def decide(facts: Facts, ctx: Context) -> Verdict:
    th = ctx.thresholds
    failure = facts.get("failure")
    if not facts.get("opened"):
        if failure == "open-timeout":
            return Verdict(Status.UNKNOWN, "open-timeout", {"seconds": f"{facts['timeout']:g}"})
        if failure == "permission":
            return Verdict(Status.UNKNOWN, "permission-denied")
        if failure == "busy":
            return Verdict(Status.UNKNOWN, "busy")
        if not facts.get("cameras"):
            return Verdict(Status.FAIL, "no-camera")
        return Verdict(Status.UNKNOWN, "cannot-open")
    if failure == "busy":
        return Verdict(Status.UNKNOWN, "busy")
    if not facts.get("analysed"):
        return Verdict(Status.FAIL, "no-frames")
    if facts["black_ratio"] > th["max_bad_frame_ratio"]:
        return Verdict(Status.FAIL, "black")
    frozen = facts.get("frozen_ratio")
    if frozen is not None and frozen > th["max_bad_frame_ratio"]:
        return Verdict(Status.FAIL, "frozen")
    fps = facts["fps"]
    if fps < th["min_fps"]:
        return Verdict(Status.FAIL, "fps-too-low", {"fps": f"{fps:g}", "min_fps": th["min_fps"]})
    size = {"width": facts["width"], "height": facts["height"]}
    if facts["mean_luma"] < th["dark_luma"]:
        return Verdict(Status.WARN, "too-dark")
    if facts["mean_luma"] > th["bright_luma"]:
        return Verdict(Status.WARN, "too-bright")
    if fps < th["warn_fps"]:
        return Verdict(Status.WARN, "fps-low", {"fps": f"{fps:g}", "warn_fps": th["warn_fps"]})
    if facts["width"] < th["min_width"] or facts["height"] < th["min_height"]:
        minimum = {"min_width": th["min_width"], "min_height": th["min_height"]}
        return Verdict(Status.WARN, "low-resolution", {**size, **minimum})
    return Verdict(Status.PASS, "ok", {**size, "fps": f"{fps:g}"})


def preview_jpeg() -> bytes | None:
    """One frame of this PC's first camera for the desktop app's preview (never stored or
    recorded: it goes to the caller only), or None when no camera gives a picture."""
    from precheck.host import HostError, camera, live

    system = live.platform_info()["system"]
    try:
        if system == "linux" and not any(d["capture"] for d in camera.linux_devices()):
            return None  # nothing to open: do not start a child process for every frame
        return camera.preview_jpeg(0, system)
    except HostError:
        return None
