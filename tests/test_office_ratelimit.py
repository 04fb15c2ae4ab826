"""The per-client token bucket, with a clock the test moves."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette", reason="the office extra is not installed")

from precheck.office.ratelimit import RateLimiter, retry_after_header


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_the_sustained_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(2.0, 3, clock=clock)
    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") == pytest.approx(0.5)
    clock.now += 100
    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, 0.0]  # refilled to the burst


def test_clients_are_limited_separately() -> None:
    limiter = RateLimiter(1.0, 1, clock=Clock())
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") > 0
    assert limiter.acquire("b") == 0.0


def test_idle_clients_are_forgotten_so_the_table_stays_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(10.0, 5, clock=clock, max_clients=100)
    for index in range(100):
        limiter.acquire(f"10.0.0.{index}")
    clock.now += 1  # every bucket has refilled: indistinguishable from new clients
    limiter.acquire("192.0.2.1")
    assert len(limiter) == 1
    for index in range(500):  # all busy at once: the oldest half goes
        limiter.acquire(f"198.51.100.{index}")
    assert len(limiter) <= 100


def test_retry_after_is_whole_seconds_rounded_up() -> None:
    assert retry_after_header(0.01) == "1"
    assert retry_after_header(1.2) == "2"
    assert retry_after_header(3.0) == "3"


def test_nonsense_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0, 1)
    with pytest.raises(ValueError):
        RateLimiter(1, 0)
