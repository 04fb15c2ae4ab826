"""Counselor accounts from the command line: `precheck office add-user`, `remove-user`,
`unlock` and `set-password` — run by whoever runs the service (the office's administrator),
each change audit-logged with the actor "(admin)".

The password is read from the terminal (typed twice, not echoed) or, for scripted setups,
from the first line of standard input — never from an argument, where it would sit in the
shell history and in every process listing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, Any

from precheck.office.dashboard import passwords, store
from precheck.office.dashboard.views import ADMIN_ACTOR


class AccountError(Exception):
    """The account was not changed; `key` names the message and `params` fill it."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def read_password(
    name: str,
    lang: str,
    *,
    stdin: IO[str] | None = None,
    prompt: Callable[[str], str] | None = None,
) -> str:
    """The new password: prompted twice on a terminal, else the first line of stdin."""
    from precheck.messages import ui_text

    stream = stdin or sys.stdin
    if prompt is None and stream.isatty():
        import getpass

        prompt = getpass.getpass
    if prompt is not None:
        first = prompt(ui_text("dashboard.user.password-prompt", name=name).get(lang))
        second = prompt(ui_text("dashboard.user.password-again").get(lang))
        if first != second:
            raise AccountError("dashboard.user.password-mismatch")
        password = first
    else:
        line = stream.readline()
        if not line:
            raise AccountError("dashboard.user.password-missing")
        password = line.removesuffix("\n").removesuffix("\r")
    problem = passwords.password_problem(password)
    if problem:
        raise AccountError(problem)
    return password


def add_user(database: Any, name: str, password: str) -> None:
    check_name(name)
    now = datetime.now(UTC)
    hashed = passwords.hash_password(password)
    with database.write() as db:
        if store.find_counselor(db, name) is not None:
            raise AccountError("dashboard.user.exists", name=name)
        store.add_counselor(db, name, hashed, now)
        store.clear_failures(db, name)
        store.audit(db, ADMIN_ACTOR, "user-added", now, detail=name)


def remove_user(database: Any, name: str) -> None:
    now = datetime.now(UTC)
    with database.write() as db:
        if not store.remove_counselor(db, name):
            raise AccountError("dashboard.user.not-found", name=name)
        store.audit(db, ADMIN_ACTOR, "user-removed", now, detail=name)


def unlock_user(database: Any, name: str, *, now: datetime | None = None) -> int:
    """Clear every sign-in wait of `name` (account-wide and per browser); how many there were."""
    moment = now or datetime.now(UTC)
    with database.write() as db:
        if store.find_counselor(db, name) is None:
            raise AccountError("dashboard.user.not-found", name=name)
        cleared = store.clear_all_failures(db, name)
        store.audit(db, ADMIN_ACTOR, "user-unlocked", moment, detail=name)
        return cleared


def set_password(database: Any, name: str, password: str, *, now: datetime | None = None) -> None:
    """Give `name` a new password (a reset by the administrator, or a counselor's own change
    typed at the administrator's terminal): waits are cleared and every open session ends, so
    whoever knew the old password is signed out."""
    _store_password(database, name, password, ADMIN_ACTOR, "password-set", name, now)


def read_current_password(name: str, lang: str, *, stdin: IO[str] | None = None) -> str:
    """The account's current password: prompted once (not echoed), else stdin's first line."""
    from precheck.messages import ui_text

    stream = stdin or sys.stdin
    if stream.isatty():
        import getpass

        return getpass.getpass(ui_text("dashboard.user.current-prompt", name=name).get(lang))
    line = stream.readline()
    if not line:
        raise AccountError("dashboard.user.password-missing")
    return line.removesuffix("\n").removesuffix("\r")


def change_own_password(
    database: Any, name: str, current: str, new: str, *, now: datetime | None = None
) -> None:
    """`passwd`: a counselor's own change, allowed only with the current password; like
    `set_password` it ends every open session. A wrong current password counts as a failed
    sign-in (the same waits apply), so this cannot be used to guess passwords faster."""
    moment = now or datetime.now(UTC)
    with database.write() as db:
        counselor = store.find_counselor(db, name)
        if counselor is None:
            raise AccountError("dashboard.user.not-found", name=name)
        waiting = store.locked_until(db, name, moment) is not None
        right = not waiting and passwords.verify_password(counselor.password_hash, current)
        if not waiting and not right:
            store.record_failure(db, name, moment)  # committed with the audit entry
            store.audit(db, name, "password-change-refused", moment)
    if not right:
        raise AccountError("dashboard.user.password-wrong")
    _store_password(database, name, new, name, "password-changed", None, moment)


def _store_password(
    database: Any,
    name: str,
    password: str,
    actor: str,
    action: str,
    detail: str | None,
    now: datetime | None,
) -> None:
    """The one way a password changes: hashed outside the transaction (it is slow on purpose),
    then every open session of the account ends and its waits are cleared, audited as `actor`."""
    moment = now or datetime.now(UTC)
    hashed = passwords.hash_password(password)
    with database.write() as db:
        counselor = store.find_counselor(db, name)
        if counselor is None:
            raise AccountError("dashboard.user.not-found", name=name)
        counselor.password_hash = hashed
        store.close_sessions_of(db, counselor)
        store.clear_all_failures(db, name)
        store.audit(db, actor, action, moment, detail=detail)


def check_name(name: str) -> None:
    """Refuse a bad name before asking for a password."""
    if not store.valid_name(name):
        raise AccountError("dashboard.user.name-invalid", name=name)
