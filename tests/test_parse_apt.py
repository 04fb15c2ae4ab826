from __future__ import annotations

import shutil
import subprocess

from precheck.parse.apt import parse_upgradable
from tests.conftest import need, sample


def test_published_sample() -> None:
    found = parse_upgradable(sample("linux/apt-list-upgradable-ubuntu2410.txt"))
    assert [u.name for u in found] == ["grub-common", "grub-pc-bin", "grub-pc", "grub2-common"]
    assert found[0].suites == ("oracular-updates",)
    assert found[0].version == "2.12-5ubuntu5.3"
    assert found[0].old_version == "2.12-5ubuntu5.1"
    assert not any(u.security for u in found)


def test_real_apt_on_this_machine() -> None:
    need(shutil.which("apt") is not None, "apt is not installed")
    out = subprocess.run(
        ["apt", "list", "--upgradable"], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    lines = [line for line in out.splitlines() if "[upgradable from:" in line]
    found = parse_upgradable(out)
    assert len(found) == len(lines)
    for line, item in zip(lines, found, strict=True):
        suites = line.split("/", 1)[1].split()[0]
        assert item.security == ("-security" in suites)
