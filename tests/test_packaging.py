"""The wheel and the executable carry the catalogue, so precheck works from any directory."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest

from precheck import exitcodes
from tests.conftest import need

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_catalogue_reports_and_messages(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("precheck-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for check in (ROOT / "checks").glob("*.toml"):
        assert f"precheck/_data/checks/{check.name}" in names
    assert "precheck/_data/checks/tables/os-lifecycle.toml" in names
    assert "precheck/messages/core.toml" in names
    for shipped in ("report.schema.json", "templates/report.html", "templates/report.css"):
        assert f"precheck/_data/reports/{shipped}" in names
    assert "precheck/messages/report.toml" in names
    assert "precheck/messages/office.toml" in names
    assert "precheck/office/migrations/env.py" in names  # the office service migrates on start
    assert "precheck/office/migrations/versions/r0001_intake.py" in names
    assert not any(n.endswith((".pem", ".key")) for n in names), "no key may ship"


@pytest.mark.skipif(sys.platform != "linux", reason="the CI build is made on Linux")
def test_pyinstaller_executable_runs_from_anywhere(tmp_path: Path) -> None:
    need(shutil.which("pyinstaller") is not None or _has_pyinstaller(), "pyinstaller missing")
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"),
         str(ROOT / "pyinstaller.spec")],
        check=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    exe = tmp_path / "dist" / "precheck"
    result = subprocess.run(
        [str(exe), "list", "--json"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert '"os-support"' in result.stdout
    run = subprocess.run(
        [str(exe), "run", "--json", "--only", "load"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode in (0, 1), run.stderr
    assert '"id": "load"' in run.stdout
    # the office service's libraries stay out of the job seeker's executable
    office = subprocess.run(
        [str(exe), "office", "serve", "--lang", "en"], capture_output=True, text=True, timeout=60
    )
    assert office.returncode == exitcodes.OFFICE_NOT_INSTALLED, office.stderr
    assert "pip install 'precheck[office]'" in office.stderr
    # the executable signs a report with a key it makes on first use, and verifies it
    full = subprocess.run(
        [str(exe), "run", "--json"], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert full.returncode in (0, 1), full.stderr
    report = json.loads(full.stdout)["report"]["json"]
    check = subprocess.run(
        [str(exe), "verify", "--json", report], capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads(check.stdout)["reports"][0]["state"] == "valid"
    assert PEM_KEY.search(_fresh_pem()), "the scan recognises a real key file"
    assert _private_keys_in(exe) == [], "no private key may ship in the executable"


def _fresh_pem() -> bytes:
    from precheck.report.keys import KEY_FILE, load_device_key

    load_device_key(Path(os.environ["PRECHECK_DATA_DIR"]))
    return (Path(os.environ["PRECHECK_DATA_DIR"]) / KEY_FILE).read_bytes()


PEM_KEY = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----\s+[A-Za-z0-9+/]")


def _private_keys_in(exe: Path) -> list[str]:
    """Entries of the executable holding a PEM private key: its files and every module's strings.

    The archive is compressed, so its bytes are read back through PyInstaller's own readers.
    """
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(exe))
    found = [n for n in archive.toc if PEM_KEY.search(archive.extract(n) or b"")]
    modules = archive.open_embedded_archive("PYZ.pyz")
    for name in modules.toc:
        code = modules.extract(name)
        if code is not None and any(PEM_KEY.search(c) for c in _constants(code)):
            found.append(name)
    return found


def _constants(code: types.CodeType) -> list[bytes]:
    out: list[bytes] = []
    for const in code.co_consts:
        if isinstance(const, str):
            out.append(const.encode("utf-8", "replace"))
        elif isinstance(const, bytes):
            out.append(const)
        elif isinstance(const, types.CodeType):
            out += _constants(const)
    return out


def _has_pyinstaller() -> bool:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return False
    return True
