"""Linux: the active link, its Wi-Fi security and the metered flag from NetworkManager's
`nmcli` (the live host runs it under LC_ALL=C.UTF-8: nmcli translates `yes`/`(none)`)."""

from __future__ import annotations

from typing import Any

from precheck.host import Host, HostError
from precheck.parse.nmcli import (
    WIFI_LIST_FIELDS,
    parse_active_types,
    parse_metered,
    parse_wifi_list,
)


def _has_wireless(host: Host) -> bool:
    """Whether any interface is wireless (sysfs), to tell a wired machine without
    NetworkManager from a Wi-Fi one whose security cannot be read."""
    try:
        names = host.list_dir("/sys/class/net")
        return names is None or any(
            host.list_dir(f"/sys/class/net/{name}/wireless") is not None for name in names[:64]
        )
    except HostError:
        return True


def read_link(host: Host) -> dict[str, Any]:
    try:
        active = host.run(["nmcli", "-t", "connection", "show", "--active"], 10.0)
    except HostError as exc:
        if exc.reason == "missing" and not _has_wireless(host):
            return {"link": "not-wifi", "source": "sysfs"}
        return {"link": "unknown", "source": "nmcli", "error": exc.reason, "detail": exc.detail}
    kinds = parse_active_types(active.stdout) if active.rc == 0 else []
    if not kinds:
        return {"link": "not-wifi" if active.rc == 0 else "unknown", "source": "nmcli"}
    kind, device = next(((k, d) for k, d in kinds if k == "wifi"), kinds[0])
    reading: dict[str, Any] = {"link": kind, "source": "nmcli"}
    if kind == "wifi":
        fields = ",".join(WIFI_LIST_FIELDS)
        try:
            argv = ["nmcli", "-t", "-f", fields, "device", "wifi", "list", "--rescan", "no"]
            listed = host.run(argv, 10.0)
            wifi = parse_wifi_list(listed.stdout)
            reading.update(wifi if wifi["connected"] else {"security": "unknown", "label": ""})
        except HostError as exc:
            reading.update({"security": "unknown", "error": exc.reason, "detail": exc.detail})
    if device:
        try:
            shown = host.run(["nmcli", "-f", "GENERAL", "device", "show", device], 10.0)
            reading["metered"] = parse_metered(shown.stdout)
        except HostError:
            reading["metered"] = "unknown"
    return reading
