"""Browsers on Linux: the package manager's record (dpkg-query, no root) and Firefox's
application.ini; running `chromium --version` would start the browser, so it is never done."""

from __future__ import annotations

from typing import Any

from precheck.host import Host, HostError
from precheck.host.text import bounded
from precheck.model import Facts
from precheck.parse.dpkg_query import application_ini_version, parse_dpkg_query
from precheck.probes import Context
from precheck.probes.browser.facts import add

# Mozilla's application.ini (Version=153.8.0) for builds installed outside dpkg: the snap on
# Ubuntu, a tarball under /opt, Debian's own folders (read only when dpkg has no answer).
APPLICATION_INI = {
    "firefox": (
        "/snap/firefox/current/usr/lib/firefox/application.ini",
        "/usr/lib/firefox/application.ini",
        "/usr/lib64/firefox/application.ini",
        "/opt/firefox/application.ini",
    ),
    "firefox-esr": ("/usr/lib/firefox-esr/application.ini",),
}


def packages(table: dict[str, Any]) -> dict[str, str]:
    """Debian package name -> browsers.toml row id."""
    return {
        pkg: browser_id
        for browser_id, row in table["browsers"].items()
        for pkg in row.get("linux_packages", [])
    }


def collect(host: Host, ctx: Context) -> Facts:
    table = ctx.table("browsers")
    found: list[dict[str, Any]] = []
    errors: list[str] = []
    by_package = packages(table)
    for tool, argv in (
        ("dpkg", ["dpkg-query", "-W", "-f", "${Package}\\t${Version}\\n", *sorted(by_package)]),
        ("rpm", ["rpm", "-q", "--qf", "%{NAME}\\t%{VERSION}\\n", *sorted(by_package)]),
    ):
        try:
            # rc 1 only says some names are not installed; the installed ones are still listed.
            result = host.run(argv, timeout=10)
        except HostError as exc:
            if exc.reason != "missing":  # no dpkg on Fedora, no rpm on Debian: not an error
                errors.append(bounded(f"{argv[0]}: {exc.reason}"))
            continue
        for package, version in parse_dpkg_query(result.stdout):
            if package in by_package:
                entry = {"id": by_package[package], "version": version, "source": tool}
                stamp = (
                    _mtime(host, f"/var/lib/dpkg/info/{package}.list") if tool == "dpkg" else None
                )
                if stamp:
                    entry["installed"] = stamp
                add(found, entry)
        break
    for browser_id, paths in APPLICATION_INI.items():
        for path in paths:
            try:
                text = host.read_file(path)
            except HostError as exc:
                errors.append(bounded(f"{path}: {exc.reason}"))
                continue
            ini_version = application_ini_version(text or "")
            if ini_version:
                add(found, {"id": browser_id, "version": ini_version, "source": "application.ini"})
                break
    return {"system": "linux", "now": host.now().isoformat(), "found": found, "errors": errors}


def _mtime(host: Host, path: str) -> str | None:
    try:
        stamp = host.mtime(path)
    except HostError:
        return None
    return stamp.isoformat() if stamp else None
