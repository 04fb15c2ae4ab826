"""os-support on Linux: os-release names the release; the package manager (read without root)
or the rolling release's package database time says whether updates are applied."""

from __future__ import annotations

from typing import Any

from precheck.host import Host, HostError
from precheck.host.text import bounded
from precheck.model import Facts
from precheck.parse.apt import parse_upgradable
from precheck.parse.dnf import parse_updateinfo
from precheck.parse.os_release import parse_os_release
from precheck.parse.update_notifier import parse_updates_available
from precheck.parse.zypper import parse_list_patches
from precheck.probes import Context
from precheck.probes.os_support.facts import updates_error

APT_STAMPS = (
    "/var/lib/apt/periodic/update-success-stamp",
    "/var/lib/apt/lists/partial",
    "/var/lib/apt/lists",
)
MOTD = "/var/lib/update-notifier/updates-available"
# Where a rolling release's package set last changed: pacman's local database (a folder per
# installed package version) and rpm's database (Tumbleweed keeps it under /usr/lib/sysimage).
ROLLING_STAMPS = {
    "pacman": ("/var/lib/pacman/local", "/var/log/pacman.log"),
    "rpm": ("/usr/lib/sysimage/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm", "/var/lib/rpm"),
}
KEYS = (
    "ID",
    "ID_LIKE",
    "VERSION_ID",
    "VERSION_CODENAME",
    "UBUNTU_CODENAME",
    "NAME",
    "PRETTY_NAME",
)


def collect(host: Host, ctx: Context) -> Facts:
    facts: Facts = {"system": "linux", "now": host.now().isoformat()}
    text = host.read_file("/etc/os-release") or host.read_file("/usr/lib/os-release")
    if text is None:
        facts["unidentified"] = "no /etc/os-release or /usr/lib/os-release"
        return facts
    release = parse_os_release(text)
    facts["os"] = {k.lower(): release[k] for k in KEYS if k in release}
    if release.get("ID") == "debian":
        point = host.read_file("/etc/debian_version")
        if point:
            facts["os"]["debian_version"] = bounded(point.strip())
    os_id = release.get("ID", "")
    family = {os_id, *release.get("ID_LIKE", "").split()}
    rolling = set(ctx.table("os-lifecycle").get("rolling", {}).get("ids", []))
    if os_id in rolling:
        kind = "rpm" if "suse" in family or os_id.startswith("opensuse") else "pacman"
        facts["updates"] = _rolling(host, kind)
    elif "debian" in family or "ubuntu" in family:
        facts["updates"] = _apt_updates(host)
    elif "suse" in family or os_id.startswith("opensuse") or os_id == "sles":
        facts["updates"] = _zypper_updates(host)
    elif family & {"fedora", "rhel", "centos"}:
        facts["updates"] = _dnf_updates(host)
    return facts


def _stamp(host: Host, paths: tuple[str, ...]) -> tuple[str, str] | None:
    """The newest change time among `paths` that exist, with its path."""
    found: list[tuple[str, str]] = []
    for path in paths:
        try:
            stamp = host.mtime(path)
        except HostError:
            continue
        if stamp is not None:
            found.append((stamp.isoformat(), path))
    return max(found) if found else None


def _apt_updates(host: Host) -> dict[str, Any]:
    try:
        result = host.run(["apt", "list", "--upgradable"], timeout=15)
    except HostError as exc:
        return _motd_updates(host) or updates_error("apt", exc.reason, exc.detail)
    if result.rc != 0:
        return _motd_updates(host) or updates_error("apt", "failed", f"apt exited with {result.rc}")
    upgradable = parse_upgradable(result.stdout)
    security = [u for u in upgradable if u.security]
    stamp = _stamp(host, APT_STAMPS)
    return {
        "source": "apt",
        "upgradable": len(upgradable),
        "security_pending": len(security),
        "security_examples": sorted(bounded(u.name, 80) for u in security)[:5],
        "lists_updated": stamp[0] if stamp else None,
    }


def _motd_updates(host: Host) -> dict[str, Any] | None:
    """Ubuntu's update-notifier counts, when apt is slow or fails (None when absent)."""
    try:
        text = host.read_file(MOTD)
    except HostError:
        return None
    parsed = parse_updates_available(text or "")
    if parsed is None:
        return None
    stamp = _stamp(host, (MOTD,))
    return {"source": "update-notifier", **parsed, "lists_updated": stamp[0] if stamp else None}


def _zypper_updates(host: Host) -> dict[str, Any]:
    argv = ["zypper", "--non-interactive", "--no-refresh", "list-patches", "--category", "security"]
    try:
        result = host.run(argv, timeout=15)
    except HostError as exc:
        return updates_error("zypper", exc.reason, exc.detail)
    if result.rc != 0:
        return updates_error("zypper", "failed", f"zypper exited with {result.rc}")
    return {"source": "zypper", **parse_list_patches(result.stdout)}


def _dnf_updates(host: Host) -> dict[str, Any]:
    """Security advisories from dnf's cached metadata: --cacheonly needs no root and no network
    (without a cache dnf fails, and the check says UNKNOWN with dnf's reason)."""
    argv = ["dnf", "--cacheonly", "--quiet", "updateinfo", "list", "--security"]
    try:
        result = host.run(argv, timeout=15)
    except HostError as exc:
        return updates_error("dnf", exc.reason, exc.detail)
    if result.rc != 0:
        return updates_error("dnf", "failed", f"dnf exited with {result.rc}")
    return {"source": "dnf", **parse_updateinfo(result.stdout)}


def _rolling(host: Host, kind: str) -> dict[str, Any]:
    stamp = _stamp(host, ROLLING_STAMPS[kind])
    if stamp is None:
        return updates_error("rolling", "missing", f"no {kind} package database found")
    return {"source": "rolling", "last_change": stamp[0], "path": stamp[1]}
