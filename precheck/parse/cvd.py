"""The 512-byte header of a ClamAV database (`main.cvd`, `daily.cld`, …).

`ClamAV-VDB:build time:version:signatures:functionality level:MD5:digital signature:builder:
build time in seconds since 1970`, padded with spaces to 512 bytes; `sigtool --info` prints the
same fields (Cisco-Talos/clamav libclamav/cvd.c cl_cvdparse; clamav-documentation
Signatures.md; pkg.go.dev/github.com/mxplusb/clamav). `.cld` files, written by incremental
updates, carry the same header.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

HEADER_SIZE = 512


@dataclass(frozen=True)
class CvdHeader:
    version: int
    signatures: int
    built: datetime
    builder: str


def parse_cvd_header(text: str) -> CvdHeader | None:
    fields = text[:HEADER_SIZE].split(":")
    if len(fields) < 9 or fields[0] != "ClamAV-VDB":
        return None
    try:
        version = int(fields[2])
        signatures = int(fields[3])
    except ValueError:
        return None
    built = _built(fields[8].strip(), fields[1])
    if built is None or version < 0 or signatures < 0:
        return None
    return CvdHeader(version=version, signatures=signatures, built=built, builder=fields[7][:40])


def _built(epoch: str, text: str) -> datetime | None:
    """The epoch field when it is a number, else the printed time (`07 Mar 2017 08-02 -0500`)."""
    if epoch.isascii() and epoch.isdigit() and len(epoch) <= 11:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        return datetime.strptime(text.strip()[:40], "%d %b %Y %H-%M %z").astimezone(UTC)
    except ValueError:
        return None
