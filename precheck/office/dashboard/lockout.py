"""Login lockout with back-off: pure decisions over a name's failure count and time.

Failures are counted per user name whether or not the account exists, so a locked answer
never tells an attacker which names are real. After `FREE_FAILURES` consecutive wrong
passwords, each further try waits twice as long as the one before, up to `MAX_LOCK`: a person
who forgot a password loses a minute, a password-guessing script loses days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

FREE_FAILURES = 5
"""Consecutive failures allowed before the first lock."""

FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=1)


def lock_duration(failures: int) -> timedelta:
    """How long a name stays locked after its `failures`-th consecutive failure."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - FREE_FAILURES, 16)
    lock: timedelta = FIRST_LOCK * (1 << doublings)
    return min(lock, MAX_LOCK)


def locked_until(failures: int, last_failure: datetime | None) -> datetime | None:
    """When the name may try again, or None when it is not locked."""
    duration = lock_duration(failures)
    if last_failure is None or not duration:
        return None
    return last_failure + duration


def is_locked(failures: int, last_failure: datetime | None, now: datetime) -> bool:
    until = locked_until(failures, last_failure)
    return until is not None and now < until
