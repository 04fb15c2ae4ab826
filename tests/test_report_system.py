"""Reports on a real machine: no identifying data in them, and no half files on a full disk.

The privacy scan runs twice: on this test machine as it is, and in private UTS and network
namespaces with a distinctive user name, home folder, host name, MAC and IP addresses, so the
scan cannot pass merely because this machine's names are generic ("root", "vm").
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from precheck import exitcodes
from precheck.report.device import machine_id
from precheck.report.html import render_html
from precheck.report.store import report_bytes
from precheck.report.verify import verify_file
from tests.conftest import need
from tests.reports import signed
from tests.test_evidence import identifiers


def scan(text: str, secrets_: list[str]) -> list[str]:
    lowered = text.lower()
    return [s for s in secrets_ if s and s.lower() in lowered]


def test_report_made_on_this_machine_holds_no_identifiers() -> None:
    report = signed(job_seeker_number="12345-67890123")
    found = [*identifiers(), machine_id() or "", "67890123"]
    assert scan(report_bytes(report).decode(), found) == []
    for lang in ("ja", "en"):
        assert scan(render_html(report, lang), found) == []


def _need_namespaces() -> None:
    need(os.geteuid() == 0, "namespaces and mounts need root")
    need(shutil.which("unshare") is not None, "util-linux unshare is missing")
    need(shutil.which("ip") is not None, "iproute2 is missing")


IDENTITY = """
import getpass, json, socket, pathlib, psutil
print(json.dumps({
    "user": getpass.getuser(),
    "home": str(pathlib.Path.home()),
    "host": socket.gethostname(),
    "addresses": [a.address for addrs in psutil.net_if_addrs().values() for a in addrs],
}))
"""


def test_report_holds_none_of_a_distinctive_machines_identifiers(tmp_path: Path) -> None:
    _need_namespaces()
    tag = secrets.token_hex(3)
    user, host = f"pcpriv{tag}", f"privhost-{tag}"
    mac = "02:5e:" + ":".join(secrets.token_hex(1) for _ in range(4))
    ipv4 = f"198.51.100.{secrets.randbelow(250) + 2}"
    ipv6 = f"2001:db8::{secrets.randbelow(0xFFFF) + 1:x}"
    home = tmp_path / "home" / user
    home.mkdir(parents=True)
    out = tmp_path / "out"
    out.mkdir()
    script = f"""
set -e
hostname {host}
ip link add pcp0 address {mac} type veth peer name pcp1
ip addr add {ipv4}/24 dev pcp0
ip addr add {ipv6}/64 dev pcp0
ip link set pcp0 up
"$PY" -c "$IDENTITY" > "$OUT/identity.json"
"$PY" -m precheck run --job-seeker-number 12345-678 > "$OUT/run.txt" 2>&1 || [ $? -eq 1 ]
"""
    env = {
        **os.environ,
        "HOME": str(home),
        "USER": user,
        "LOGNAME": user,
        "PRECHECK_DATA_DIR": str(home / ".local/share/precheck"),
        "PRECHECK_REPORTS_DIR": str(home / "Documents/precheck"),
        "PRECHECK_LANG": "en",
        "PY": sys.executable,
        "IDENTITY": IDENTITY,
        "OUT": str(out),
    }
    subprocess.run(
        ["unshare", "--uts", "--net", "sh", "-c", script], env=env, check=True, timeout=120
    )
    seen = json.loads((out / "identity.json").read_text())
    assert (seen["user"], seen["home"], seen["host"]) == (user, str(home), host)
    assert {mac, ipv4, ipv6} <= set(seen["addresses"]), "the run saw the distinctive addresses"
    reports = sorted((home / "Documents/precheck").glob("precheck-report-*"))
    assert [p.suffix for p in reports] == [".html", ".json"], (out / "run.txt").read_text()
    assert verify_file(reports[1], job_seeker_number="12345-678").valid
    forbidden = [user, str(home), host, mac, mac.replace(":", "-"), ipv4, ipv6, "12345-678"]
    forbidden += [machine_id() or ""]
    for path in reports:
        assert scan(path.read_text(encoding="utf-8"), forbidden) == [], path.name


def _in_small_mount(tmp_path: Path, options: str, then: str = "") -> tuple[int, str, list[str]]:
    """`precheck run` with its reports folder on a tmpfs of its own: (rc, stderr, files left)."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    script = f"""
mount -t tmpfs -o {options} tmpfs "$MNT"
{then}
"$PY" -m precheck run > "$OUT/stdout" 2> "$OUT/stderr"
echo $? > "$OUT/rc"
ls -A "$MNT" > "$OUT/files"
"""
    env = {
        **os.environ,
        "PRECHECK_REPORTS_DIR": str(mount),
        "PRECHECK_LANG": "en",
        "PY": sys.executable,
        "MNT": str(mount),
        "OUT": str(tmp_path),
    }
    subprocess.run(["unshare", "--mount", "sh", "-c", script], env=env, check=True, timeout=120)
    files = (tmp_path / "files").read_text().split()
    return int((tmp_path / "rc").read_text()), (tmp_path / "stderr").read_text(), files


def test_full_disk_leaves_no_half_report_and_says_so(tmp_path: Path) -> None:
    _need_namespaces()
    json_size = len(report_bytes(signed()))
    pages = math.ceil((json_size + 512) / 4096)  # the JSON fits, its HTML (twice as big) cannot
    rc, stderr, files = _in_small_mount(tmp_path, f"size={pages * 4096},mode=0755")
    assert rc == exitcodes.WRITE_FAILED, stderr
    assert "The report could not be saved" in stderr
    assert "No space left on device" in stderr
    assert ".html:" in stderr, "the JSON was written, its HTML was not: the JSON went again"
    assert files == [], "neither a half file nor a JSON without its HTML is left"
    assert "Traceback" not in stderr


def test_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    _need_namespaces()
    rc, stderr, files = _in_small_mount(tmp_path, "size=1m", then='mount -o remount,ro "$MNT"')
    assert rc == exitcodes.WRITE_FAILED
    assert "Read-only file system" in stderr
    assert files == []
