"""Article 6 rules: open days, windows, lead time, email deadline, Japan time."""

from __future__ import annotations

import copy
import os
import time as time_module
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from precheck.booking import rules
from precheck.booking.rules import Severity
from precheck.profile import load_profile

JST = ZoneInfo("Asia/Tokyo")

# The Cabinet Office list for 2026 and 2027 (research/japan-and-catalogues.md §2.2–2.3, all rows).
CAO_HOLIDAYS = {
    "2026-01-01": "元日",
    "2026-01-12": "成人の日",
    "2026-02-11": "建国記念の日",
    "2026-02-23": "天皇誕生日",
    "2026-03-20": "春分の日",
    "2026-04-29": "昭和の日",
    "2026-05-03": "憲法記念日",
    "2026-05-04": "みどりの日",
    "2026-05-05": "こどもの日",
    "2026-05-06": "休日",
    "2026-07-20": "海の日",
    "2026-08-11": "山の日",
    "2026-09-21": "敬老の日",
    "2026-09-22": "休日",
    "2026-09-23": "秋分の日",
    "2026-10-12": "スポーツの日",
    "2026-11-03": "文化の日",
    "2026-11-23": "勤労感謝の日",
    "2027-01-01": "元日",
    "2027-01-11": "成人の日",
    "2027-02-11": "建国記念の日",
    "2027-02-23": "天皇誕生日",
    "2027-03-21": "春分の日",
    "2027-03-22": "休日",
    "2027-04-29": "昭和の日",
    "2027-05-03": "憲法記念日",
    "2027-05-04": "みどりの日",
    "2027-05-05": "こどもの日",
    "2027-07-19": "海の日",
    "2027-08-11": "山の日",
    "2027-09-20": "敬老の日",
    "2027-09-23": "秋分の日",
    "2027-10-11": "スポーツの日",
    "2027-11-03": "文化の日",
    "2027-11-23": "勤労感謝の日",
}


@pytest.fixture(scope="module")
def profile() -> dict[str, Any]:
    return load_profile()


def jst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JST)


def codes(problems: list[rules.Problem]) -> list[str]:
    return [p.code for p in problems]


def test_holidays_match_the_cabinet_office_list() -> None:
    day = date(2026, 1, 1)
    found = {}
    while day.year < 2028:
        name = rules.holiday_name(day)
        if name is not None:
            found[day.isoformat()] = name
        day += timedelta(days=1)
    assert set(found) == set(CAO_HOLIDAYS)
    # the CSV names substitute and citizens' holidays plainly 休日; the package names them
    for iso, name in CAO_HOLIDAYS.items():
        if name != "休日":
            assert found[iso] == name


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2026-12-05", "weekend"),  # Saturday
        ("2026-12-06", "weekend"),  # Sunday
        ("2026-05-06", "holiday"),  # 振替休日
        ("2026-09-22", "holiday"),  # 国民の休日
        ("2027-03-22", "holiday"),  # 振替休日
        ("2026-11-23", "holiday"),
        ("2026-12-29", "year-end"),
        ("2026-12-30", "year-end"),
        ("2026-12-31", "year-end"),
        ("2027-01-04", None),  # Monday after the closure: open
        ("2027-01-01", "holiday"),  # a holiday wins over the closure in the message
        ("2027-01-02", "weekend"),
        ("2026-01-02", "year-end"),  # Friday inside the closure
        ("2026-12-28", None),
        ("2026-12-01", None),
    ],
)
def test_closed_days(profile: dict[str, Any], day: str, reason: str | None) -> None:
    text = rules.closed_reason(date.fromisoformat(day), profile)
    if reason is None:
        assert text is None
        assert rules.is_open_day(date.fromisoformat(day), profile)
    else:
        assert text is not None
        expected = {"weekend": "土曜・日曜", "holiday": "祝日", "year-end": "年末年始"}[reason]
        assert expected in text.ja


NOW = jst("2026-11-30T09:00")  # a Monday


@pytest.mark.parametrize(
    ("slot", "expected"),
    [
        ("2026-12-03T10:00", []),
        ("2026-12-03T11:00", []),  # last morning start: 11:00–11:30
        ("2026-12-03T11:01", ["outside-window"]),
        ("2026-12-03T11:30", ["outside-window"]),
        ("2026-12-03T09:59", ["outside-window"]),
        ("2026-12-03T12:00", ["outside-window"]),
        ("2026-12-03T13:59", ["outside-window"]),
        ("2026-12-03T14:00", []),
        ("2026-12-03T15:30", []),  # last afternoon start: 15:30–16:00
        ("2026-12-03T15:31", ["outside-window"]),
        ("2026-12-03T16:00", ["outside-window"]),
        ("2026-12-03T23:45", ["outside-window"]),  # would cross midnight
        ("2026-12-05T10:00", ["closed-day"]),
        ("2026-12-29T10:00", ["closed-day"]),
        ("2026-11-27T10:00", ["past"]),
        ("2026-11-28T10:00", ["closed-day", "past"]),
        ("2026-11-30T08:59", ["outside-window", "past"]),
        ("2026-11-30T10:00", ["email-deadline"]),  # today: due yesterday (previous office day)
        ("2026-12-01T10:00", ["short-notice"]),  # email due today noon, confirm by Friday
        ("2026-12-02T10:00", []),  # confirm by today (Monday), email by Tuesday noon
    ],
)
def test_slot_rules(profile: dict[str, Any], slot: str, expected: list[str]) -> None:
    assert codes(rules.check_slot(jst(slot), profile, NOW)) == expected


def test_warning_names_the_phone_and_refusal_the_reason(profile: dict[str, Any]) -> None:
    office = copy.deepcopy(profile)
    office["contact"]["phone"] = "0763-00-0000"
    [warning] = rules.check_slot(jst("2026-12-01T10:00"), office, NOW)
    assert warning.severity is Severity.WARNING
    assert "0763-00-0000" in warning.text.ja and "0763-00-0000" in warning.text.en
    late = jst("2026-11-30T12:01")
    [refusal] = rules.check_slot(jst("2026-12-01T10:00"), office, late)
    assert refusal.severity is Severity.REFUSED and refusal.code == "email-deadline"
    assert "2026-11-30 12:00" in refusal.text.ja and "0763-00-0000" in refusal.text.en


def test_unknown_phone_says_where_to_find_it(profile: dict[str, Any]) -> None:
    [warning] = rules.check_slot(jst("2026-12-01T10:00"), profile, NOW)
    assert "富山労働局" in warning.text.ja and "Toyama Labour Bureau" in warning.text.en


def test_email_deadline_is_noon_of_the_previous_office_day(profile: dict[str, Any]) -> None:
    monday = jst("2026-12-07T10:00")
    limits = rules.deadlines(monday, profile)
    assert limits.email_by == jst("2026-12-04T12:00")  # Friday noon
    assert limits.confirm_by == date(2026, 12, 3)  # Thursday
    # noon itself is still in time; one second later is not
    assert rules.check_slot(monday, profile, jst("2026-12-04T12:00")) != []  # short notice
    assert codes(rules.check_slot(monday, profile, jst("2026-12-04T12:00"))) == ["short-notice"]
    assert codes(rules.check_slot(monday, profile, jst("2026-12-04T12:00:01"))) == [
        "email-deadline"
    ]
    # over the New Year: a 4 January slot must be mailed by noon on 28 December
    assert rules.deadlines(jst("2027-01-04T10:00"), profile).email_by == jst("2026-12-28T12:00")
    # over a holiday: Tuesday after 海の日 (Monday 2026-07-20)
    assert rules.deadlines(jst("2026-07-21T10:00"), profile).email_by == jst("2026-07-17T12:00")


def test_calendar_day_reading_is_a_profile_setting(profile: dict[str, Any]) -> None:
    office = copy.deepcopy(profile)
    office["booking"]["lead_office_days"] = False
    office["booking"]["email_deadline_office_days"] = False
    limits = rules.deadlines(jst("2026-12-07T10:00"), office)
    assert limits.confirm_by == date(2026, 12, 5)
    assert limits.email_by == jst("2026-12-06T12:00")


def test_japan_time_whatever_the_pc_zone(profile: dict[str, Any]) -> None:
    """The same instant gives the same answer, and a typed slot means Tonami time."""
    original = os.environ.get("TZ")
    try:
        for zone in ("America/Los_Angeles", "Pacific/Kiritimati", "UTC"):
            os.environ["TZ"] = zone
            time_module.tzset()
            slot = rules.parse_slot("2026-12-03T10:00", profile)
            assert slot == jst("2026-12-03T10:00")
            # 00:30 UTC on 3 December is 09:30 in Japan: the slot is not past, but too late
            utc_now = datetime(2026, 12, 3, 0, 30, tzinfo=UTC)
            assert codes(rules.check_slot(slot, profile, utc_now)) == ["email-deadline"]
            # 01:00 UTC is 10:00 in Japan: the slot has begun
            utc_now = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
            assert codes(rules.check_slot(slot, profile, utc_now)) == ["past"]
            # 23:30 UTC on 2 December is already 08:30 on 3 December in Japan
            assert rules.office_now(
                profile, datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
            ).date() == date(2026, 12, 3)
    finally:
        if original is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = original
        time_module.tzset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03T10:00", "2026-12-03T10:00:00+09:00"),
        ("2026/12/3 10:00", "2026-12-03T10:00:00+09:00"),
        ("２０２６－１２－０３Ｔ１０：００", "2026-12-03T10:00:00+09:00"),
        ("２０２６/１２/０３ １０：００", "2026-12-03T10:00:00+09:00"),
        ("2026-12-03T01:00Z", "2026-12-03T10:00:00+09:00"),
        ("2026-12-03T10:00:00+09:00", "2026-12-03T10:00:00+09:00"),
        ("2026-12-03T02:00+01:00", "2026-12-03T10:00:00+09:00"),
        ("2026-02-30T10:00", None),
        ("2026-12-03", None),
        ("tomorrow", None),
        ("", None),
    ],
)
def test_parse_slot(profile: dict[str, Any], text: str, expected: str | None) -> None:
    slot = rules.parse_slot(text, profile)
    assert (rules.format_slot(slot, profile) if slot else None) == expected


def test_choices(profile: dict[str, Any]) -> None:
    first, second = jst("2026-12-03T10:00"), jst("2026-12-04T14:00")
    assert rules.check_choices([first, second], profile, NOW) == []
    assert codes(rules.check_choices([], profile, NOW)) == ["no-slot"]
    assert codes(rules.check_choices([first, first], profile, NOW)) == ["same-slot-twice"]
    too_many = rules.check_choices([first, second, jst("2026-12-07T10:00")], profile, NOW)
    assert codes(too_many) == ["too-many-slots"]
    bad = rules.check_choices([first, jst("2026-12-05T10:00")], profile, NOW)
    assert [(p.code, p.choice) for p in bad] == [("closed-day", 2)]
    assert rules.refused(bad) and not rules.refused(rules.check_choices([first], profile, NOW))


# An oracle written from the terms alone, not from precheck's rules module: open days are
# weekdays that are not on the Cabinet Office list above nor 12/29–1/3; a session starts at
# 10:00, 10:30, 11:00 (the 10:00–11:30 window) or 14:00–15:30 (14:00–16:00); the email must
# arrive by noon of the previous open day (前日の正午); the office confirms by the second open
# day before (前々日), so a suggestion must still leave that day to come.
YEAR_END = {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}
STARTS = ["10:00", "10:30", "11:00", "14:00", "14:30", "15:00", "15:30"]


def open_by_the_terms(day: date) -> bool:
    return (
        day.weekday() < 5
        and day.isoformat() not in CAO_HOLIDAYS
        and (day.month, day.day) not in YEAR_END
    )


def open_days_before(day: date, count: int) -> date:
    for _ in range(count):
        day -= timedelta(days=1)
        while not open_by_the_terms(day):
            day -= timedelta(days=1)
    return day


def suggestions_by_the_terms(now: datetime, count: int) -> list[datetime]:
    found: list[datetime] = []
    day = now.date()
    while len(found) < count:
        if open_by_the_terms(day):
            email_by = datetime.combine(open_days_before(day, 1), hm("12:00"), JST)
            confirm_by = open_days_before(day, 2)
            for start in STARTS:
                slot = datetime.combine(day, hm(start), JST)
                if slot > now and now <= email_by and now.date() <= confirm_by:
                    found.append(slot)
        day += timedelta(days=1)
    return found[:count]


def hm(text: str) -> dt_time:
    hours, minutes = map(int, text.split(":"))
    return dt_time(hours, minutes)


def test_suggestions_from_a_monday_morning(profile: dict[str, Any]) -> None:
    """Monday 2026-11-30 09:00: Monday's own slots are past their email deadline (Friday noon),
    Tuesday's are after 前々日 (Friday), so Wednesday 2026-12-02 is the first day offered."""
    found = rules.next_bookable(profile, NOW, count=8)
    assert [s.isoformat() for s in found] == [
        "2026-12-02T10:00:00+09:00",
        "2026-12-02T10:30:00+09:00",
        "2026-12-02T11:00:00+09:00",
        "2026-12-02T14:00:00+09:00",
        "2026-12-02T14:30:00+09:00",
        "2026-12-02T15:00:00+09:00",
        "2026-12-02T15:30:00+09:00",
        "2026-12-03T10:00:00+09:00",
    ]
    assert found == suggestions_by_the_terms(NOW, 8)
    assert rules.open_starts(date(2026, 12, 5), profile) == []
    assert len(rules.open_starts(date(2026, 12, 3), profile)) == 3 + 4


@given(
    st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 10, 31), timezones=st.just(JST)
    )
)
def test_no_refused_slot_is_ever_suggested(moment: datetime) -> None:
    """Property: at any moment of 2026–2027 the suggester offers exactly the slots the terms
    allow, in order — checked against the oracle above, not against precheck's own rules."""
    profile = load_profile()
    assert rules.next_bookable(profile, moment, count=10) == suggestions_by_the_terms(moment, 10)


@given(
    st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(JST)
    )
)
def test_a_slot_without_refusals_is_open_in_a_window_and_in_time(moment: datetime) -> None:
    """Property: a slot check_slot does not refuse lies on an open day (by the Cabinet Office
    list), wholly in a window, in the future, with its email deadline still ahead."""
    profile = load_profile()
    slot = moment.replace(second=0, microsecond=0)
    problems = rules.check_slot(slot, profile, NOW)
    if not rules.refused(problems):
        assert open_by_the_terms(slot.date())
        minute = slot.hour * 60 + slot.minute  # the whole 30 minutes in 10:00–11:30 or 14:00–16:00
        assert 600 <= minute <= 690 - 30 or 840 <= minute <= 960 - 30
        assert slot > NOW
        assert datetime.combine(open_days_before(slot.date(), 1), hm("12:00"), JST) >= NOW


def test_aware_times_required(profile: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        rules.check_slot(datetime(2026, 12, 3, 10), profile, NOW)
    with pytest.raises(ValueError):
        rules.office_now(profile, datetime(2026, 12, 3, 10))


def test_holiday_named_in_both_languages(profile: dict[str, Any]) -> None:
    reason = rules.closed_reason(date(2026, 11, 23), profile)
    assert reason is not None
    assert "勤労感謝の日" in reason.ja and "Labor Thanksgiving Day" in reason.en
