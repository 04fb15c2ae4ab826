"""Sign-in throttling a stranger cannot turn into a lock-out, and the administrator's commands
`precheck office unlock` and `set-password` — over real HTTPS with a clock the test moves,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from precheck import exitcodes
from precheck.office.dashboard import lockout, store
from precheck.office.dashboard.accounts import add_user
from tests.conftest import run_precheck
from tests.dashboard_kit import PASSWORD, Office, csrf_of, login
from tests.office_fixtures import Service

NEW_PASSWORD = "a different long passphrase"


class Clock:
    """The service's wall clock and its rate limiters' clock, moved by the test only."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)

    def wall(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.now.timestamp()


@pytest.fixture
def clock(service: Service) -> Clock:
    moved = Clock()
    service.context.clock = moved.wall
    service.context.monotonic = moved.monotonic
    return moved


@pytest.fixture
def office(service: Service, clock: Clock) -> Office:
    add_user(service.context.database, "sato", PASSWORD)
    return Office(base=service.url, verify=str(service.ca.ca_cert), app=service.app)


def _sign_out(office: Office, session: requests.Session) -> None:
    token = csrf_of(office.get(session, "/").text)
    assert office.post(session, "/logout", data={"csrf_token": token}).status_code == 303


def _precheck(office: Office, *args: str, stdin: str = "") -> object:
    url = office.app.state.office.settings.database_url
    return run_precheck("office", *args, "--database", url, lang="en", stdin=stdin, timeout=120)


def test_waits_grow_from_30_seconds_and_expire(office: Office, clock: Clock) -> None:
    stranger = office.client()
    codes = [login(stranger, office.base, "sato", f"guess {n}").status_code for n in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    clock.now += timedelta(seconds=29)
    assert login(stranger, office.base, "sato", PASSWORD).status_code == 429
    clock.now += timedelta(seconds=1)  # the 30 s wait is over
    assert login(stranger, office.base, "sato", "guess 5").status_code == 429  # now 60 s
    clock.now += timedelta(seconds=60)
    assert login(stranger, office.base, "sato", PASSWORD).status_code == 303
    with office.database.read() as db:
        assert store.failure_state(db, "sato") == (0, None), "a success clears the count"


def test_a_stranger_cannot_keep_a_counselor_out_of_their_own_browser(
    office: Office, clock: Clock
) -> None:
    counselor = office.signed_in()  # this browser now carries a device cookie for sato
    assert counselor.cookies.get("precheck_device")
    _sign_out(office, counselor)
    stranger = office.client()
    for _ in range(lockout.FREE_FAILURES):
        login(stranger, office.base, "sato", "guess")
    assert login(office.client(), office.base, "sato", PASSWORD).status_code == 429
    for hour in range(24):  # one wrong password an hour, from anywhere, for a day
        clock.now += timedelta(hours=1)
        # (the counselor's success clears the account's count, so this is 401 or a wait)
        assert login(stranger, office.base, "sato", f"guess {hour}").status_code in (401, 429)
        answer = login(counselor, office.base, "sato", PASSWORD)
        assert answer.status_code == 303, f"hour {hour}: the counselor is kept out"
        _sign_out(office, counselor)


def test_a_trusted_browser_has_its_own_wait(office: Office, clock: Clock) -> None:
    counselor = office.signed_in()
    _sign_out(office, counselor)
    codes = [login(counselor, office.base, "sato", f"typo {n}").status_code for n in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    assert login(office.client(), office.base, "sato", PASSWORD).status_code == 303
    clock.now += lockout.FIRST_LOCK
    assert login(counselor, office.base, "sato", PASSWORD).status_code == 303


def test_unlock_command_clears_every_wait_and_is_audited(office: Office, clock: Clock) -> None:
    counselor = office.signed_in()
    _sign_out(office, counselor)
    for _ in range(lockout.FREE_FAILURES):  # 12 posts: within the per-address burst of 20
        login(counselor, office.base, "sato", "typo")
        login(office.client(), office.base, "sato", "guess")
    assert login(counselor, office.base, "sato", PASSWORD).status_code == 429
    assert login(office.client(), office.base, "sato", PASSWORD).status_code == 429
    done = _precheck(office, "unlock", "sato")
    assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
    assert "Sign-in waits for sato were cleared" in done.stdout  # type: ignore[attr-defined]
    assert login(counselor, office.base, "sato", PASSWORD).status_code == 303
    _sign_out(office, counselor)
    assert login(office.client(), office.base, "sato", PASSWORD).status_code == 303
    nobody = _precheck(office, "unlock", "nobody")
    assert nobody.returncode == exitcodes.OFFICE_ACCOUNT  # type: ignore[attr-defined]
    assert "Traceback" not in nobody.stderr  # type: ignore[attr-defined]
    with office.database.read() as db:
        actions = [(e.actor, e.action, e.detail) for e in store.recent_audit(db, 100)]
    assert ("(admin)", "user-unlocked", "sato") in actions


def test_set_password_reads_stdin_ends_sessions_and_is_audited(office: Office) -> None:
    session = office.signed_in()
    assert office.get(session, "/").status_code == 200
    refused = _precheck(office, "set-password", "sato", NEW_PASSWORD)
    assert refused.returncode == exitcodes.USAGE  # type: ignore[attr-defined]
    short = _precheck(office, "set-password", "sato", stdin="short\n")
    assert short.returncode == exitcodes.OFFICE_ACCOUNT  # type: ignore[attr-defined]
    assert login(office.client(), office.base, "sato", PASSWORD).status_code == 303
    done = _precheck(office, "set-password", "sato", stdin=NEW_PASSWORD + "\n")
    assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
    output = done.stdout + done.stderr  # type: ignore[attr-defined]
    assert NEW_PASSWORD not in output
    assert office.get(session, "/").status_code == 303, "the old session ended"
    assert login(office.client(), office.base, "sato", PASSWORD).status_code == 401
    assert login(office.client(), office.base, "sato", NEW_PASSWORD).status_code == 303
    with office.database.read() as db:
        actions = [(e.actor, e.action, e.detail) for e in store.recent_audit(db, 100)]
        hashed = store.find_counselor(db, "sato").password_hash  # type: ignore[union-attr]
    assert ("(admin)", "password-set", "sato") in actions
    assert NEW_PASSWORD not in hashed
    missing = _precheck(office, "set-password", "nobody", stdin=NEW_PASSWORD + "\n")
    assert missing.returncode == exitcodes.OFFICE_ACCOUNT  # type: ignore[attr-defined]


def test_passwd_needs_the_current_password(office: Office) -> None:
    session = office.signed_in()
    wrong = _precheck(office, "passwd", "sato", stdin=f"not it at all\n{NEW_PASSWORD}\n")
    assert wrong.returncode == exitcodes.OFFICE_ACCOUNT  # type: ignore[attr-defined]
    assert "Nothing was changed" in wrong.stderr  # type: ignore[attr-defined]
    assert office.get(session, "/").status_code == 200, "nothing changed, still signed in"
    with office.database.read() as db:
        assert store.failure_state(db, "sato")[0] == 1, "a wrong current password counts"
    done = _precheck(office, "passwd", "sato", stdin=f"{PASSWORD}\n{NEW_PASSWORD}\n")
    assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
    assert office.get(session, "/").status_code == 303, "the old session ended"
    assert login(office.client(), office.base, "sato", NEW_PASSWORD).status_code == 303
    with office.database.read() as db:
        actions = [(e.actor, e.action) for e in store.recent_audit(db, 100)]
    assert ("sato", "password-changed") in actions
    assert ("sato", "password-change-refused") in actions
