"""microphone (第12条(4), advisory): does the microphone pick up speech at a usable level?

Only with `precheck run --mic` (`ctx.options["mic"]`): the user is asked to speak and a few
seconds are recorded through the Host (`mic:record`, precheck/host/microphone.py), reduced to
numbers at once (precheck/media/audio.py). decide applies test.webrtc.org's mictest values from
the catalogue. Without --mic the check is SKIPPED and says how to ask for it.

Silence cannot tell a muted microphone from a refused permission (macOS and Windows hand an
app without permission silent samples), so the silent fix names both.
"""

from __future__ import annotations

from precheck.host import Host
from precheck.model import Facts, Status, Verdict
from precheck.probes import Context


def collect(host: Host, ctx: Context) -> Facts:
    seconds = float(ctx.thresholds["max_seconds"])
    return host.microphone(seconds, requested=bool(ctx.options.get("mic")))


def decide(facts: Facts, ctx: Context) -> Verdict:
    th = ctx.thresholds
    if not facts.get("requested"):
        return Verdict(Status.SKIPPED, "not-requested")
    if not facts.get("input_devices"):
        return Verdict(Status.UNKNOWN, "no-microphone")
    if facts["peak_dbfs"] <= th["silent_dbfs"]:
        return Verdict(Status.FAIL, "silent")
    level = f"{facts['rms_dbfs']:g}"
    if facts["rms_dbfs"] < th["low_rms_dbfs"]:
        return Verdict(
            Status.FAIL, "too-quiet", {"rms_dbfs": level, "min_dbfs": th["low_rms_dbfs"]}
        )
    if facts["max_clip_run"] > th["clip_run_samples"]:
        return Verdict(Status.WARN, "clipping")
    return Verdict(Status.PASS, "ok", {"rms_dbfs": level})
