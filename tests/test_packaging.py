"""The wheel and the executable carry the catalogue, so precheck works from any directory."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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


def _has_pyinstaller() -> bool:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return False
    return True
