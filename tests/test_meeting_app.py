"""meeting-app: Tele Office found through the shared inventory (Windows from a published
Uninstall listing), and the office's server over HTTPS on a local server with a test CA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from precheck.catalogue import load_catalogue
from precheck.host import RecordingHost
from precheck.model import Status, Verdict
from precheck.probes import Context, meeting_app
from tests.bundles import linux_bundle, replay
from tests.netserver import serve
from tests.software import published_windows_programs, windows_bundle
from tests.tlsca import LocalCA, make_ca

# The product name every TeleOffice guide writes, as an Uninstall DisplayName. No published
# capture of TeleOffice's own Uninstall key exists (checks/tables/meeting-app.toml): this entry
# is the table's UNVERIFIED identifier put into a real published listing to exercise the match.
TELEOFFICE = {"DisplayName": "TeleOffice", "Publisher": "iDeep Solutions"}


def ctx(server: str = "") -> Context:
    spec = load_catalogue().checks["meeting-app"]
    return Context(
        thresholds=spec.thresholds,
        tables=load_catalogue().table,
        profile={"checks": {"meeting-app": {"server": server}}},
    )


def check(
    bundle: dict[str, Any], server: str = "", answers: dict[str, Any] | None = None
) -> Verdict:
    bundle["entries"].update(answers or {})
    context = ctx(server)
    return meeting_app.decide(meeting_app.collect(replay(bundle), context), context)


def windows(with_app: bool) -> dict[str, Any]:
    programs = published_windows_programs()
    if with_app:
        programs["{TeleOffice}"] = TELEOFFICE
    return windows_bundle(programs, ["explorer.exe"])


def server_answer(url: str) -> dict[str, Any]:
    """The live `net:https:` answer for `url`, as a recording host keeps it."""
    recording = RecordingHost()
    recording.net_fetch(url, 5.0)
    entries: dict[str, Any] = recording.bundle()["entries"]
    return entries


def test_linux_is_skipped_with_the_reason() -> None:
    verdict = check(linux_bundle())
    assert (verdict.status, verdict.code) == (Status.SKIPPED, "no-linux-client")


def test_not_installed_on_windows_warns() -> None:
    assert check(windows(False)).code == "not-found"


def test_installed_without_a_server_is_unknown() -> None:
    verdict = check(windows(True))
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "server-not-configured")


@pytest.fixture
def office(trusted_ca: LocalCA) -> Any:
    with serve(trusted_ca) as server:
        yield server


def test_installed_and_server_answers_passes(office: Any) -> None:
    url = f"{office.url}/generate_204"
    verdict = check(windows(True), url, server_answer(url))
    assert (verdict.status, verdict.code) == (Status.PASS, "ok")
    assert office.state.hits["/generate_204"] == 1


def test_server_with_an_untrusted_certificate_fails(office: Any, tmp_path: Path) -> None:
    with serve(make_ca(tmp_path / "other", name="Not a public root")) as other:
        url = f"{other.url}/generate_204"
        verdict = check(windows(True), url, server_answer(url))
    assert (verdict.status, verdict.code) == (Status.FAIL, "server-tls-error")
    assert verdict.params["reason"] == "tls-untrusted"


def test_server_that_refuses_fails(trusted_ca: LocalCA) -> None:
    url = "https://localhost:1/"
    verdict = check(windows(True), url, server_answer(url))
    assert (verdict.status, verdict.code) == (Status.FAIL, "server-unreachable")


def test_macos_is_not_confirmed_but_the_server_is_still_tested(office: Any) -> None:
    from tests.software import darwin_bundle

    url = f"{office.url}/generate_204"
    verdict = check(darwin_bundle([], {}, []), url, server_answer(url))
    assert (verdict.status, verdict.code) == (Status.WARN, "platform-unconfirmed")
