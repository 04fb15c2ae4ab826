"""Shared test fixtures.

`need(condition, reason)` skips a test on a developer's laptop that lacks a system part (root,
a Debian package), but fails it in CI (CI=true), where `.ci/run` has installed everything.
In CI every other kind of skip fails too (tests/strict_ci.py, whose hooks are installed here).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.office_fixtures import Service
from tests.strict_ci import in_ci, pytest_make_collect_report, pytest_runtest_makereport
from tests.tlsca import LocalCA

__all__ = ["pytest_make_collect_report", "pytest_runtest_makereport"]  # hooks: any skip fails in CI

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
"""Real published command outputs, copied into the repository with their source lines."""

IN_CI = in_ci()


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must have this: {reason}")
    pytest.skip(reason)


def run_precheck(
    *args: str | Path,
    lang: str | None = "en",
    env: dict[str, str] | None = None,
    stdin: str | bytes | None = None,
    cwd: Path | None = None,
    timeout: float = 180,
    wrapper: list[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real `precheck` command as a user would, in a child process.

    `lang` sets PRECHECK_LANG (None leaves the language to LANG/LC_* in `env`); NO_COLOR is
    dropped so a test that wants it says so in `env`. Output is never a terminal here.
    `wrapper` runs it through another command first (e.g. `unshare -m sh -c '… "$@"' sh`).
    """
    full_env = precheck_env(lang, env)
    return subprocess.run(
        [*(wrapper or []), sys.executable, "-m", "precheck", *map(str, args)],
        input=stdin.decode("utf-8") if isinstance(stdin, bytes) else stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=cwd,
        check=False,
    )


def precheck_env(lang: str | None = "en", env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a `precheck` child process (run_precheck's, and the app's tests')."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PRECHECK_LANG")}
    if lang is not None:
        full_env["PRECHECK_LANG"] = lang
    full_env.update(env or {})
    return full_env


def sample(relative: str) -> str:
    """The text of a published sample, without its `# source:` header line."""
    path = SAMPLES / relative
    text = path.read_bytes().decode("utf-8")
    first, _, rest = text.partition("\n")
    assert first.startswith("# source:"), f"{relative} has no source header"
    return rest


CLOSED_PORT_URL = "http://localhost:1/"
"""Nothing listens on port 1 of this machine: a request there is refused at once."""


def local_profile_text() -> str:
    """The built-in office profile with every URL replaced by CLOSED_PORT_URL.

    Every test, and every `precheck` process a test starts, reads this as the default profile
    (PRECHECK_PROFILE), so a full `precheck run` in a test never sends a request or a DNS
    lookup off this machine: the network check finds "offline" in well under a second.
    """
    import re

    from precheck.resources import shipped_dir

    text = (shipped_dir("checks") / "profiles" / "hellowork-tonami.toml").read_text("utf-8")
    return re.sub(r'"https?://[^"]*"', f'"{CLOSED_PORT_URL}"', text)


@pytest.fixture(scope="session", autouse=True)
def local_profile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Session-wide, so even module- and session-scoped fixtures that run `precheck` (set up
    before any function-scoped fixture) read the local profile."""
    path = tmp_path_factory.mktemp("profile") / "hellowork-tonami-local.toml"
    path.write_text(local_profile_text(), encoding="utf-8")
    before = os.environ.get("PRECHECK_PROFILE")
    os.environ["PRECHECK_PROFILE"] = str(path)
    yield path
    if before is None:
        os.environ.pop("PRECHECK_PROFILE", None)
    else:
        os.environ["PRECHECK_PROFILE"] = before


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test writes keys, reports and office data into its own temporary folders."""
    monkeypatch.setenv("PRECHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PRECHECK_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("PRECHECK_OFFICE_DIR", str(tmp_path / "office"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the whole session (Debian's postgresql package).

    Tests that need a database of their own take `scratch_database(postgres_url, name)`.
    """
    from tests import pgcluster

    reason = pgcluster.unavailable_reason()
    if reason:
        need(False, reason)
    with pgcluster.cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def office_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty office database, once on SQLite (in the test's office folder) and once on a
    fresh database of the session's PostgreSQL cluster: the same test runs on both."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'office' / 'office.sqlite3'}"
        return
    import uuid

    from tests.pgcluster import scratch_database

    server = request.getfixturevalue("postgres_url")
    with scratch_database(server, f"t_{uuid.uuid4().hex[:16]}") as url:
        yield url


@pytest.fixture
def ca(tmp_path: Path) -> LocalCA:
    """A test certificate authority and a server certificate for 127.0.0.1 it signed."""
    from tests.tlsca import make_ca

    return make_ca(tmp_path / "tls")


@pytest.fixture
def trusted_ca(ca: LocalCA, monkeypatch: pytest.MonkeyPatch) -> LocalCA:
    """The test CA, trusted by requests here and in the precheck processes a test starts."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca.ca_cert))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    monkeypatch.delenv("https_proxy", raising=False)
    return ca


@pytest.fixture
def service(office_database_url: str, tmp_path: Path, ca: LocalCA) -> Iterator[Service]:
    """The office service (create_app) under real uvicorn over TLS, once per database; the
    rate limit is opened wide so tests that post quickly are not throttled by accident."""
    pytest.importorskip("starlette", reason="the office extra is not installed")
    from precheck.office.app import create_app
    from precheck.office.settings import make_settings
    from tests.liveserver import serve

    settings = make_settings(
        data_dir=tmp_path / "office",
        database_url=office_database_url,
        rate_per_second=1000.0,
        rate_burst=1000,
    )
    app = create_app(settings)
    with serve(app, tls=ca) as url:
        yield Service(url, ca, app)
