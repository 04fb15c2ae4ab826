r"""Browsers on Windows: the version each browser's updater or installer writes in the registry
(browsers.toml `windows_registry`), never by starting the browser.

Chrome and Edge: the BLBeacon `version` their running browser writes, else the updater's `pv`.
Firefox and Firefox ESR: the Uninstall subkey names ("Mozilla Firefox 153.8.0 ESR (x64 ja)")
carry the version, so one registry listing finds both.
"""

from __future__ import annotations

import re
from typing import Any

from precheck.host import Host, HostError
from precheck.host.text import bounded
from precheck.model import Facts
from precheck.probes import Context
from precheck.probes.browser.facts import add

CHROMIUM_KEYS = {
    "chrome": (
        (r"HKCU\Software\Google\Chrome\BLBeacon", "version"),
        (
            r"HKLM\SOFTWARE\WOW6432Node\Google\Update\Clients\{8A69D345-D564-463C-AFF1-A69D9E530F96}",
            "pv",
        ),
        (r"HKCU\Software\Google\Update\Clients\{8A69D345-D564-463C-AFF1-A69D9E530F96}", "pv"),
    ),
    "edge": (
        (r"HKCU\Software\Microsoft\Edge\BLBeacon", "version"),
        (
            r"HKLM\SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{56EB18F8-B008-4CBD-B6D2-8C97FE7E9062}",
            "pv",
        ),
    ),
}
UNINSTALL = (
    r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall",
    r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall",
    r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall",
)
_FIREFOX = re.compile(r"^Mozilla Firefox (\d+(?:\.\d+){0,3})( ESR)? \(")
_VERSION = re.compile(r"^\d+(?:\.\d+){1,3}$")


def collect(host: Host, ctx: Context) -> Facts:
    found: list[dict[str, Any]] = []
    errors: list[str] = []
    for browser_id, keys in CHROMIUM_KEYS.items():
        for path, value_name in keys:
            try:
                key = host.registry(path)
            except HostError as exc:
                errors.append(bounded(f"{path}: {exc.reason}"))
                continue
            value = key.values.get(value_name) if key else None
            if isinstance(value, str) and _VERSION.match(value.strip()[:40]):
                add(found, {"id": browser_id, "version": value.strip(), "source": "registry"})
                break
    for path in UNINSTALL:
        try:
            key = host.registry(path)
        except HostError as exc:
            errors.append(bounded(f"{path}: {exc.reason}"))
            continue
        for name in key.subkeys[:2000] if key else []:
            match = _FIREFOX.match(name[:200])
            if match:
                browser_id = "firefox-esr" if match.group(2) else "firefox"
                add(found, {"id": browser_id, "version": match.group(1), "source": "registry"})
    return {"system": "windows", "now": host.now().isoformat(), "found": found, "errors": errors}
