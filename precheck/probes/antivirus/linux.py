"""Linux antivirus collector: ClamAV's databases and services.

ClamAV scans on demand; what keeps it useful is its database, which freshclam refreshes. The
database folder is the one freshclam.conf names (`DatabaseDirectory`, default /var/lib/clamav);
each `.cvd`/`.cld` starts with a 512-byte header holding its version and build time
(parse/cvd.py), so only that header is read, never the whole file (main.cvd is ~160 MB).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from precheck.host import Host, HostError
from precheck.parse.cvd import HEADER_SIZE, parse_cvd_header
from precheck.probes import Context
from precheck.probes.antivirus.facts import age_days, empty, mdatp_products, product

FRESHCLAM_CONF = "/etc/clamav/freshclam.conf"
DEFAULT_DB_DIR = "/var/lib/clamav"
SERVICES = ("clamav-daemon", "clamav-freshclam")
_DB_FILE = re.compile(r"^(main|daily|bytecode)\.(cvd|cld)$")


def database_dir(host: Host) -> str:
    """freshclam.conf's DatabaseDirectory (a space-separated `Key value` file), else the default."""
    try:
        text = host.read_file(FRESHCLAM_CONF)
    except HostError:
        return DEFAULT_DB_DIR
    for line in (text or "").splitlines()[:5000]:
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[0] == "DatabaseDirectory" and parts[1].startswith("/"):
            return parts[1].strip()[:200]
    return DEFAULT_DB_DIR


def collect(host: Host, ctx: Context) -> dict[str, Any]:
    facts = empty("linux")
    _clamav(host, facts)
    facts["products"].extend(mdatp_products(host, ctx.table("antivirus"), "linux"))
    return facts


def _clamav(host: Host, facts: dict[str, Any]) -> None:
    now = host.now()
    folder = database_dir(host)
    try:
        names = host.list_dir(folder) or []
    except HostError as exc:
        facts["error"] = f"{folder}: {exc.reason}"
        return
    databases: list[dict[str, Any]] = []
    for name in names:
        if not _DB_FILE.match(name):
            continue
        try:
            header = host.read_file(f"{folder}/{name}", limit=HEADER_SIZE)
        except HostError:
            continue
        parsed = parse_cvd_header(header or "")
        if parsed is not None:
            databases.append(
                {"file": name, "version": parsed.version, "built": parsed.built.isoformat()}
            )
    if not databases and not names:
        return
    facts["clamav"] = {"folder": folder, "databases": databases, "services": _services(host)}
    if not databases:
        facts["products"].append(product("ClamAV", "clamav", source=folder))
        return
    newest = max(databases, key=lambda d: d["built"])
    facts["products"].append(
        product(
            "ClamAV",
            "clamav",
            state="on",
            age_days=age_days(now, datetime.fromisoformat(newest["built"])),
            updated=newest["built"],
            source=f"{folder}/{newest['file']}",
        )
    )


def _services(host: Host) -> dict[str, bool | None]:
    try:
        words = host.run(["systemctl", "is-active", *SERVICES], timeout=10).stdout.split()
    except HostError:
        words = []
    if len(words) != len(SERVICES):
        return {name: None for name in SERVICES}
    return {name: word == "active" for name, word in zip(SERVICES, words, strict=True)}
