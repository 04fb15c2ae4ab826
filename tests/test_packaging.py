"""The wheel and the executable carry the catalogue, so precheck works from any directory."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import types
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest

from precheck import __version__, exitcodes
from tests.conftest import need, precheck_env, run_precheck

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


@pytest.fixture(scope="module")
def executable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The job seeker's executable, built once from pyinstaller.spec as CI builds it."""
    if sys.platform != "linux":
        pytest.skip("the CI build is made on Linux")
    need(shutil.which("pyinstaller") is not None or _has_pyinstaller(), "pyinstaller missing")
    work = tmp_path_factory.mktemp("pyinstaller")
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
         str(ROOT / "pyinstaller.spec")],
        check=True, cwd=ROOT, timeout=900,
    )  # fmt: skip
    return work / "dist" / "precheck"


def test_pyinstaller_executable_runs_from_anywhere(executable: Path, tmp_path: Path) -> None:
    exe = executable
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0
    assert version.stdout.strip() == f"precheck {__version__}"
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
    assert PEM_KEY.search(_fresh_pem()), "the scan recognises a real key file"
    assert _private_keys_in(exe) == [], "no private key may ship in the executable"
    assert _test_files_in(exe) == [], "no test or test data may ship in the executable"


# `load` measures the moment's CPU and memory use, which differs between two runs a second
# apart on a shared machine; every other check must decide the same in both.
MOMENTARY = {"load"}


def test_executable_decides_as_the_installed_package(executable: Path, tmp_path: Path) -> None:
    full = run_executable(executable, "run", "--json", cwd=tmp_path)
    assert full.returncode in (0, 1), full.stderr
    frozen = json.loads(full.stdout)
    installed = run_precheck("run", "--json", "--no-report")
    assert installed.returncode in (0, 1), installed.stderr
    package = json.loads(installed.stdout)

    def verdicts(doc: dict[str, Any]) -> dict[str, tuple[str, str]]:
        return {
            r["id"]: (r["status"], r["code"]) for r in doc["results"] if r["id"] not in MOMENTARY
        }

    assert [r["id"] for r in frozen["results"]] == [r["id"] for r in package["results"]]
    assert verdicts(frozen) == verdicts(package)
    assert frozen["catalogue"] == package["catalogue"], "the same catalogue is shipped"
    # the executable signs a report with a key it makes on first use, and verifies it
    report = frozen["report"]["json"]
    check = run_executable(executable, "verify", "--json", report)
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads(check.stdout)["reports"][0]["state"] == "valid"


def test_executable_serves_the_app(executable: Path) -> None:
    """A double-click's window from the executable: the page and its assets are inside, the
    address works once, and the app stops when the page says goodbye."""
    process = subprocess.Popen(
        [str(executable), "app", "--no-browser", "--lang", "en"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=precheck_env(lang=None),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the server is listening
        url = re.search(r"http://127\.0\.0\.1:\d+/\?t=\S+", line)
        assert url is not None, line
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(url[0], timeout=30) as page:
            html = page.read().decode("utf-8")
        assert '<script src="/app.js"' in html
        origin = url[0].split("/?")[0]
        for asset in ("/app.js", "/app.css", "/api/texts", "/api/state"):
            with opener.open(origin + asset, timeout=30) as response:
                assert response.status == 200 and response.read()
        with pytest.raises(urllib.error.HTTPError) as again:
            urllib.request.urlopen(url[0], timeout=30)
        assert again.value.code == 403, "the address works once"
        bye = urllib.request.Request(
            origin + "/api/bye",
            data=b"{}",
            headers={"Content-Type": "application/json", "Origin": origin},
            method="POST",
        )
        with opener.open(bye, timeout=30) as response:
            assert response.status == 200
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "The window was closed" in out


def run_executable(
    exe: Path, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The executable, with run_precheck's environment (the same rules for what it may reach)."""
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        env=precheck_env("en"),
        check=False,
    )


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


def _test_files_in(exe: Path) -> list[str]:
    """Entries of the executable that come from tests/ (modules or data)."""
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(exe))
    names = list(archive.toc) + list(archive.open_embedded_archive("PYZ.pyz").toc)
    return [n for n in names if n == "tests" or n.startswith(("tests.", "tests/"))]


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
