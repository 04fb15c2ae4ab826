"""macOS: camera names from `system_profiler SPCameraDataType`, opened with AVFoundation.

system_profiler lists cameras without asking for camera permission, so "no camera" is told
apart from "not allowed" before anything is opened. AVFoundation numbers the cameras in its own
order, which need not be system_profiler's (research/media-network.md §5.2): the name is
reported only when there is one camera.
"""

from __future__ import annotations

from precheck.host import Host
from precheck.model import Facts
from precheck.parse.system_profiler_camera import camera_names
from precheck.probes import Context
from precheck.probes.camera.common import capture_first


def collect(host: Host, ctx: Context) -> Facts:
    from precheck.host.camera import camera_name

    listed = host.run(["system_profiler", "SPCameraDataType"], timeout=15)
    names = [camera_name(n) for n in camera_names(listed.stdout)]
    if not names:
        return {"cameras": 0, "camera": None, "opened": False, "failure": None}
    indices = list(range(min(len(names), int(ctx.thresholds["max_camera_index"]) + 1)))
    known = {0: names[0]} if len(names) == 1 else {}
    return capture_first(host, ctx, "darwin", indices, known, cameras=len(names))
