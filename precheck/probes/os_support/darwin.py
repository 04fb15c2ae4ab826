"""os-support on macOS: `sw_vers` names the release; what Software Update last found (its
preferences file, readable without admin rights and without the network) says what waits.
`softwareupdate -l` asks Apple's servers, so it runs only when the preferences say nothing, and
bounded in time."""

from __future__ import annotations

from typing import Any

from precheck.host import Host, HostError
from precheck.model import Facts
from precheck.parse.softwareupdate import parse_softwareupdate_list, parse_softwareupdate_prefs
from precheck.parse.sw_vers import parse_sw_vers
from precheck.probes import Context
from precheck.probes.os_support.facts import updates_error

PREFS = "/Library/Preferences/com.apple.SoftwareUpdate"
SOFTWAREUPDATE_TIMEOUT = 8.0


def collect(host: Host, ctx: Context) -> Facts:
    facts: Facts = {"system": "darwin", "now": host.now().isoformat()}
    try:
        result = host.run(["sw_vers"], timeout=5)
    except HostError as exc:
        facts["unidentified"] = f"sw_vers: {exc.reason}"
        return facts
    release = parse_sw_vers(result.stdout)
    if "product_version" not in release:
        facts["unidentified"] = "sw_vers printed no ProductVersion"
        return facts
    facts["os"] = release
    facts["updates"] = _updates(host)
    return facts


def _updates(host: Host) -> dict[str, Any]:
    try:
        result = host.run(["defaults", "read", PREFS], timeout=5)
        prefs = parse_softwareupdate_prefs(result.stdout) if result.rc == 0 else {}
    except HostError:
        prefs = {}
    if "recommended" in prefs:
        return {"source": "softwareupdate-prefs", **prefs}
    try:
        result = host.run(["softwareupdate", "-l"], timeout=SOFTWAREUPDATE_TIMEOUT)
    except HostError as exc:
        return updates_error("softwareupdate", exc.reason, exc.detail)
    listed = parse_softwareupdate_list(result.stdout + "\n" + result.stderr)
    if listed is None:
        return updates_error("softwareupdate", "failed", "softwareupdate -l said nothing usable")
    return {"source": "softwareupdate", **listed}
