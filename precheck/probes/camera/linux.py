"""Linux: cameras from sysfs (video4linux), opened with OpenCV's V4L2 backend."""

from __future__ import annotations

from precheck.host import Host
from precheck.model import Facts
from precheck.probes import Context
from precheck.probes.camera.common import capture_first


def collect(host: Host, ctx: Context) -> Facts:
    nodes = [d for d in host.camera_devices() if d["capture"] and d["present"]]
    if not nodes:
        return {"cameras": 0, "camera": None, "opened": False, "failure": None}
    usable = [d for d in nodes if d["access"]]
    if not usable:
        # The node exists but this user may not open it (not in the `video` group).
        return {"cameras": len(nodes), "camera": nodes[0]["name"], "opened": False,
                "failure": "permission"}  # fmt: skip
    names = {d["index"]: d["name"] for d in usable}
    return capture_first(host, ctx, "linux", list(names), names, cameras=len(nodes))
