"""macOS: the Wi-Fi link from `system_profiler -json SPAirPortDataType` (10.15 and later;
the only tool left on 14.4+, where it withholds the name without Location permission), else
`airport -I` (up to 14.3)."""

from __future__ import annotations

from typing import Any

from precheck.host import Host, HostError
from precheck.parse.airport import parse_airport_info
from precheck.parse.system_profiler_airport import parse_airport_json

AIRPORT = (
    "/System/Library/PrivateFrameworks/Apple80211.framework/Versions/Current/Resources/airport"
)


def read_link(host: Host) -> dict[str, Any]:
    reason: dict[str, Any] = {"error": "failed", "detail": "no Wi-Fi information"}
    for argv, parse, source in (
        (["system_profiler", "-json", "SPAirPortDataType"], parse_airport_json, "system_profiler"),
        ([AIRPORT, "-I"], parse_airport_info, "airport"),
    ):
        try:
            result = host.run(argv, 20.0)
        except HostError as exc:
            reason = {"error": exc.reason, "detail": exc.detail}
            continue
        wifi = parse(result.stdout)
        if wifi is None:
            continue
        if not wifi["connected"]:
            return {"link": "not-wifi", "source": source}
        return {"link": "wifi", "source": source, **wifi}
    return {"link": "unknown", "source": "system_profiler", **reason}
