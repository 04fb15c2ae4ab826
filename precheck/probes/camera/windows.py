"""Windows: cameras found by opening indices 0, 1, … (MSMF, then DirectShow).

OpenCV has no list of cameras and a name list (DirectShow, PnP) would not say which index is
which (research/media-network.md §5.2), so indices are tried in order and the search stops
after `stop_after_failures` indices in a row that do not open. A camera switched off by the
privacy settings looks the same as no camera unless OpenCV's log says access was denied: the
no-camera fix therefore also names the privacy switch.
"""

from __future__ import annotations

from precheck.host import Host
from precheck.model import Facts
from precheck.probes import Context
from precheck.probes.camera.common import capture_first


def collect(host: Host, ctx: Context) -> Facts:
    indices = list(range(int(ctx.thresholds["max_camera_index"]) + 1))
    return capture_first(host, ctx, "windows", indices, {}, cameras=None)
