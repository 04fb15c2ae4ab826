"""Real bookings for the office service's tests: a real run signed by a real device key.

The run is one real check (`load`, read with psutil on this machine) so making it is quick;
the report is made and signed by the report package exactly as `precheck run` does, and the
submission is built by the booking package's `build_payload`, as `precheck book` sends it.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

NUMBER = "16050-12345678"
NAME = "山田 太郎"
EMAIL = "taro.yamada@example.jp"
PHONE = "090-1234-5678"
TOPIC = "事務職への応募について相談したいです。"


def profile() -> dict[str, Any]:
    from precheck.profile import load_profile

    return load_profile()


@functools.cache
def _run() -> Any:
    from precheck.catalogue import load_catalogue
    from precheck.host import LiveHost
    from precheck.runner import run_checks

    return run_checks(LiveHost(), load_catalogue(), profile=profile(), only=["load"])


def signed_report(number: str | None = NUMBER, *, now: datetime | None = None) -> dict[str, Any]:
    from precheck.catalogue import load_catalogue
    from precheck.report.make import make_report

    return make_report(_run(), load_catalogue(), profile(), job_seeker_number=number, now=now)


def payload(
    *, now: datetime | None = None, report: dict[str, Any] | None = None, number: str = NUMBER
) -> dict[str, Any]:
    """A submission that passes every rule at `now`: the next two bookable slots."""
    from precheck.booking.form import Booking
    from precheck.booking.payload import build_payload
    from precheck.booking.rules import next_bookable

    moment = now or datetime.now(UTC)
    office = profile()
    booking = Booking(
        name=NAME,
        job_seeker_number=number,
        email=EMAIL,
        phone=PHONE,
        slots=tuple(next_bookable(office, moment, count=2)),
        topic=TOPIC,
        interpreter="",
        private_room=True,
    )
    return build_payload(
        booking,
        report=report if report is not None else signed_report(number, now=moment),
        consent_at=moment,
        profile=office,
        now=moment,
    )
