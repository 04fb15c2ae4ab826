"""Sign-in throttling: pure decisions over a name's failure count and time.

OWASP and NIST SP 800-63B advise throttling over hard lockout, because a lock anyone can
trigger is a denial-of-service lever. So:

* Failures are counted per account name (whether or not the account exists, so a refusal
  never tells which names are real). After `FREE_FAILURES` consecutive wrong passwords each
  further try must wait, starting at 30 s and doubling up to one hour (NIST's 30 s → 1 h):
  a person who forgot a password loses half a minute, a guessing script loses days.
* That account-wide wait applies only to browsers the account has never signed in from. A
  browser where it has signed in before carries a signed device cookie (OWASP "device
  cookies") and is throttled by its own counter alone, so a stranger sending one wrong
  password an hour from anywhere cannot keep a counselor out of their own office PC.
* Each client address is also limited to 20 sign-in posts at once then one a second across
  all names (`web.LOGIN_RATE`), so one PC cannot guess across many names.
* `precheck office unlock NAME` clears every counter of an account at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

FREE_FAILURES = 5
"""Consecutive failures allowed before the first wait."""

FIRST_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(hours=1)


def lock_duration(failures: int) -> timedelta:
    """How long a name waits after its `failures`-th consecutive failure."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - FREE_FAILURES, 16)
    lock: timedelta = FIRST_LOCK * (1 << doublings)
    return min(lock, MAX_LOCK)


def locked_until(failures: int, last_failure: datetime | None) -> datetime | None:
    """When the name may try again, or None when it need not wait."""
    duration = lock_duration(failures)
    if last_failure is None or not duration:
        return None
    return last_failure + duration


def is_locked(failures: int, last_failure: datetime | None, now: datetime) -> bool:
    until = locked_until(failures, last_failure)
    return until is not None and now < until
