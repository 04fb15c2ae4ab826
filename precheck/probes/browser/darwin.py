"""Browsers on macOS: CFBundleShortVersionString of each app's Info.plist, read with
`defaults read` (no launch, no admin rights), in /Applications (browsers.toml `macos_app`)."""

from __future__ import annotations

import re
from typing import Any

from precheck.host import Host, HostError
from precheck.host.text import bounded
from precheck.model import Facts
from precheck.probes import Context
from precheck.probes.browser.facts import add

_VERSION = re.compile(r"^\d+(?:\.\d+){0,3}$")


def collect(host: Host, ctx: Context) -> Facts:
    found: list[dict[str, Any]] = []
    errors: list[str] = []
    for browser_id, row in ctx.table("browsers")["browsers"].items():
        app = row.get("macos_app")
        if not app:
            continue
        plist = f"/Applications/{app}/Contents/Info"
        try:
            result = host.run(["defaults", "read", plist, "CFBundleShortVersionString"], timeout=5)
        except HostError as exc:
            errors.append(bounded(f"{app}: {exc.reason}"))
            continue
        version = result.stdout.strip()[:40]
        if result.rc == 0 and _VERSION.match(version):
            add(found, {"id": browser_id, "version": version, "source": "Info.plist"})
    return {"system": "darwin", "now": host.now().isoformat(), "found": found, "errors": errors}
