from __future__ import annotations

import pytest

from precheck.parse.os_release import parse_os_release
from tests.conftest import SAMPLES, need, sample

OS_RELEASE = sorted(p.name for p in (SAMPLES / "linux").glob("os-release-*.txt"))


@pytest.mark.parametrize("name", OS_RELEASE)
def test_every_published_os_release_has_an_id(name: str) -> None:
    fields = parse_os_release(sample(f"linux/{name}"))
    assert fields["ID"]
    assert all(not v.startswith(('"', "'")) for v in fields.values())


@pytest.mark.parametrize(
    ("name", "os_id", "version"),
    [
        ("os-release-debian12.txt", "debian", "12"),
        ("os-release-ubuntu2204.txt", "ubuntu", "22.04"),
        ("os-release-rhel9.txt", "rhel", "9.6"),
        ("os-release-manjaro23.txt", "manjaro-arm", None),
        ("os-release-arch.txt", "arch", None),
        ("os-release-opensuse-tumbleweed.txt", "opensuse-tumbleweed", "20230108"),
    ],
)
def test_fields(name: str, os_id: str, version: str | None) -> None:
    fields = parse_os_release(sample(f"linux/{name}"))
    assert fields["ID"] == os_id
    assert fields.get("VERSION_ID") == version


def test_commented_and_quoted_values() -> None:
    # Tumbleweed comments VERSION out; Mint 19.1 has an odd URL; values lose their quotes.
    fields = parse_os_release(sample("linux/os-release-opensuse-tumbleweed.txt"))
    assert "VERSION" not in fields
    assert fields["NAME"] == "openSUSE Tumbleweed"
    mint = parse_os_release(sample("linux/os-release-linuxmint19.1.txt"))
    assert (
        mint["BUG_REPORT_URL"]
        == "http: //linuxmint-troubleshooting-guide.readthedocs.io/en/latest/"
    )
    assert (mint["NAME"], mint["VERSION_ID"]) == ("Linux Mint", "19.1")


def test_this_machine() -> None:
    from pathlib import Path

    path = Path("/etc/os-release")
    need(path.exists(), "no /etc/os-release on this machine")
    assert parse_os_release(path.read_text())["ID"]
