"""Counselors' passwords: argon2id through argon2-cffi, never stored or logged in clear.

argon2-cffi is the maintained binding of the reference implementation; its defaults follow
RFC 9106's recommendations and `check_needs_rehash` lets us raise the cost later without
asking anyone to change their password.
"""

from __future__ import annotations

from functools import cache
from typing import Any

MIN_LENGTH = 10
"""Shortest password `add-user` accepts: long passphrases beat composition rules (NIST 800-63B)."""


@cache
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    result: str = _hasher().hash(password)
    return result


def verify_password(stored_hash: str, password: str) -> bool:
    """True when `password` matches; a corrupt stored hash counts as no match, not a crash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return bool(_hasher().check_needs_rehash(stored_hash))


@cache
def _dummy_hash() -> str:
    return hash_password("precheck-dummy-password-for-timing")


def burn_time(password: str) -> None:
    """Spend one verification's time for an unknown user name, so timing does not reveal names."""
    verify_password(_dummy_hash(), password)


def password_problem(password: str) -> str | None:
    """A message key when the password is unusable, else None (pure; used by add-user)."""
    if len(password) < MIN_LENGTH:
        return "dashboard.user.password-short"
    if password.strip() != password or not password.isprintable():
        return "dashboard.user.password-chars"
    return None
