"""Form ①–⑥ validation, the wire payload, and the profile's booking fields."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from precheck.booking import form, payload
from precheck.booking.rules import Severity
from precheck.profile import ProfileError, load_profile

JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=JST)


@pytest.fixture(scope="module")
def profile() -> dict[str, Any]:
    return load_profile()


def good(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "name": "山田 太郎",
        "job_seeker_number": "16050-12345678",
        "email": "taro@example.jp",
        "phone": "090-1234-5678",
        "slots": ["2026-12-03T10:00", "2026-12-04T14:00"],
        "topic": "事務職への応募について相談したい",
        "interpreter": "",
        "private_room": True,
    }
    raw.update(changes)
    return raw


def test_a_good_form(profile: dict[str, Any]) -> None:
    booking, errors = form.validate_form(good(), profile, NOW)
    assert errors == []
    assert booking is not None
    assert booking.job_seeker_number == "16050-12345678"
    assert [s.isoformat() for s in booking.slots] == [
        "2026-12-03T10:00:00+09:00",
        "2026-12-04T14:00:00+09:00",
    ]


def test_every_error_at_once_per_field_in_both_languages(profile: dict[str, Any]) -> None:
    raw = {
        "name": "",
        "job_seeker_number": "1234",
        "email": "taro@",
        "phone": "12345",
        "slots": ["2026-12-05T10:00", "soon"],
        "topic": "",
        "interpreter": "x" * 201,
        "private_room": False,
    }
    booking, errors = form.validate_form(raw, profile, NOW)
    assert booking is None
    grouped = form.errors_by_field(errors)
    assert list(grouped) == list(form.FIELDS)  # every field, in the terms' order
    assert [e.code for e in grouped["slots"]] == ["invalid", "closed-day"]
    for error in errors:
        assert error.text.ja and error.text.en and error.text.ja != error.text.en
        assert "{" not in error.text.ja + error.text.en


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("16050-12345678", "16050-12345678"),
        ("１６０５０－１２３４５６７８", "16050-12345678"),
        ("16050ー12345678", "16050-12345678"),
        ("1605012345678", "16050-12345678"),
        (" 16050 - 12345678 ", "16050-12345678"),
    ],
)
def test_job_seeker_number_normalised(profile: dict[str, Any], typed: str, normalised: str) -> None:
    booking, errors = form.validate_fields(good(job_seeker_number=typed), profile)
    assert errors == [] and booking is not None
    assert booking.job_seeker_number == normalised


def test_short_job_seeker_number_warns_but_passes(profile: dict[str, Any]) -> None:
    booking, errors = form.validate_fields(good(job_seeker_number="27520-13918"), profile)
    assert booking is not None
    assert [(e.code, e.severity) for e in errors] == [("short", Severity.WARNING)]
    # 7 digits after the first 5, as real numbers have, is no warning.
    assert form.validate_fields(good(job_seeker_number="27520-1391873"), profile)[1] == []
    for bad in ("2752-1391873", "27520-123456789", "ABCDE-1234", "27520-"):
        assert form.validate_fields(good(job_seeker_number=bad), profile)[0] is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("090-1234-5678", "090-1234-5678"),
        ("09012345678", "09012345678"),
        ("０９０－１２３４－５６７８", "090-1234-5678"),
        ("0763-12-3456", "0763-12-3456"),
        ("(0763) 12-3456", "0763-12-3456"),
        ("+81 90 1234 5678", "090-1234-5678"),
        ("+81-763-12-3456", "0763-12-3456"),
        ("050-1234-5678", "050-1234-5678"),
        ("0120-123-456", "0120-123-456"),
        ("0570-123-456", "0570-123-456"),
        ("0800-123-4567", "0800-123-4567"),
        ("090-1234-567", None),
        ("0763-12-34567", None),
        ("0120-123-4567", None),
        ("1234567890", None),
        ("00-1234-5678", None),
        ("090-1234-5678 ext 2", None),
        ("", None),
    ],
)
def test_phone(typed: str, expected: str | None) -> None:
    assert form.normalize_phone(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("taro@example.jp", "taro@example.jp"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
        ("t.yamada+hw@mail.example.co.jp", "t.yamada+hw@mail.example.co.jp"),
        ("taro@example", None),
        ("taro@@example.jp", None),
        ("taro..y@example.jp", None),
        (".taro@example.jp", None),
        ("taro@-example.jp", None),
        ("taro yamada@example.jp", None),
        ("山田@example.jp", None),
        ("a" * 65 + "@example.jp", None),
    ],
)
def test_email(typed: str, expected: str | None) -> None:
    assert form.normalize_email(typed) == expected


def test_topic_and_declarations(profile: dict[str, Any]) -> None:
    long_topic = "相" * (form.TOPIC_MAX + 1)
    _, errors = form.validate_fields(good(topic=long_topic), profile)
    assert [(e.field, e.code) for e in errors] == [("topic", "too-long")]
    assert str(form.TOPIC_MAX + 1) in errors[0].text.ja
    booking, errors = form.validate_fields(good(topic="一行目\n二行目"), profile)
    assert booking is not None and booking.topic == "一行目\n二行目"
    _, errors = form.validate_fields(good(name="山田\x07"), profile)
    assert [(e.field, e.code) for e in errors] == [("name", "invalid")]
    for declared in ("はい", "yes", True):
        assert form.validate_fields(good(private_room=declared), profile)[0] is not None
    for declined in ("いいえ", "no", False, None, "maybe"):
        _, errors = form.validate_fields(good(private_room=declined), profile)
        assert [e.field for e in errors] == ["private_room"]
    booking, _ = form.validate_fields(good(interpreter="手話通訳者 1名"), profile)
    assert booking is not None and booking.interpreter == "手話通訳者 1名"


def test_slots_limits(profile: dict[str, Any]) -> None:
    three = ["2026-12-03T10:00", "2026-12-04T10:00", "2026-12-07T10:00"]
    _, errors = form.validate_fields(good(slots=three), profile)
    assert [(e.field, e.code) for e in errors] == [("slots", "too-many")]
    _, errors = form.validate_fields(good(slots=[]), profile)
    assert [(e.field, e.code) for e in errors] == [("slots", "missing")]
    booking, errors = form.validate_form(good(slots=["2026-12-01T10:00"]), profile, NOW)
    assert booking is not None  # a warning does not stop the booking
    assert [(e.code, e.severity) for e in booking.notes] == [("short-notice", Severity.WARNING)]


def make_payload(profile: dict[str, Any], **changes: Any) -> dict[str, Any]:
    booking, _ = form.validate_form(good(), profile, NOW)
    assert booking is not None
    built = payload.build_payload(
        booking,
        report={"format": "precheck-report/1", "signature": "x"},
        consent_at=NOW,
        profile=profile,
        now=NOW,
    )
    built.update(changes)
    return built


def test_payload_round_trip_through_json(profile: dict[str, Any]) -> None:
    built = make_payload(profile)
    assert built["slots"] == ["2026-12-03T10:00:00+09:00", "2026-12-04T14:00:00+09:00"]
    assert built["consent"]["agreed_at"] == "2026-11-30T09:00:00+09:00"
    assert len(built["idempotency_key"]) == 36
    submission, errors = payload.parse_payload(json.loads(json.dumps(built)), profile)
    assert errors == [] and submission is not None
    assert submission.booking.name == "山田 太郎"
    assert submission.idempotency_key == built["idempotency_key"]
    assert submission.consent_at == NOW
    assert submission.booking.slots[0] == datetime(2026, 12, 3, 10, tzinfo=JST)


def test_payload_errors_are_listed_not_raised(profile: dict[str, Any]) -> None:
    assert payload.parse_payload([1, 2], profile)[0] is None
    assert [e.field for e in payload.parse_payload({}, profile)[1]] == ["schema"]
    broken = make_payload(
        profile,
        idempotency_key="not-a-uuid",
        slots=["2026-12-03T10:00"],  # no offset: ambiguous on the wire
        private_room="yes",
        report=None,
        consent={"agreed_at": "yesterday"},
        applicant={"name": 5, "job_seeker_number": "1", "email": "x", "phone": "1"},
    )
    submission, errors = payload.parse_payload(broken, profile)
    assert submission is None
    fields = {e.field for e in errors}
    assert {
        "idempotency_key",
        "slots",
        "private_room",
        "report",
        "consent",
        "name",
        "job_seeker_number",
        "email",
        "phone",
    } <= fields
    json.dumps([e.as_dict() for e in errors], ensure_ascii=False)


def write_profile(tmp_path: Path, edit: Any) -> Path:
    """The default profile re-written as TOML with one change (tomllib has no writer)."""
    data = copy.deepcopy(load_profile())
    edit(data)

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return str(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(v)

    lines: list[str] = []

    def table(prefix: str, data: dict[str, Any]) -> None:
        scalars = {k: v for k, v in data.items() if not isinstance(v, dict)}
        if prefix:
            lines.append(f"[{prefix}]")
        lines.extend(f"{json.dumps(k)} = {value(v)}" for k, v in scalars.items())
        for k, v in data.items():
            if isinstance(v, dict):
                table(f"{prefix}.{k}" if prefix else k, v)

    table("", data)
    path = tmp_path / "office.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_profile_round_trip(tmp_path: Path) -> None:
    assert load_profile(write_profile(tmp_path, lambda d: None)) == load_profile()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["booking"].update(windows=[["10:00"]]), "booking.windows[0]"),
        (lambda d: d["booking"].update(windows=[["10", "11:30"]]), "HH:MM"),
        (lambda d: d["booking"].update(windows=[["11:00", "11:20"]]), "shorter than one session"),
        (lambda d: d["booking"].update(windows=[]), "at least one window"),
        (lambda d: d["booking"].update(closed_days=["12-32"]), "'12-32'"),
        (lambda d: d["booking"].update(closed_days=["2-30"]), "'2-30'"),
        (lambda d: d["booking"].update(email_deadline_time="noon"), "email_deadline_time"),
        (lambda d: d["booking"].update(lead_office_days="yes"), "lead_office_days"),
        (lambda d: d["contact"].update(booking_email="office"), "booking_email"),
        (lambda d: d["contact"].update(phone="call us"), "contact.phone"),
        (lambda d: d["intake"].update(url="http://office.example/api"), "https://"),
        (lambda d: d.update(timezone="Asia/Nowhere"), "timezone"),
    ],
)
def test_profile_errors_name_the_field(tmp_path: Path, edit: Any, message: str) -> None:
    path = write_profile(tmp_path, edit)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_profile_accepts_a_real_office(tmp_path: Path) -> None:
    def fill(d: dict[str, Any]) -> None:
        d["contact"].update(booking_email="online@example.go.jp", phone="0763-00-0000")
        d["intake"]["url"] = "https://intake.example.go.jp/api/v1/bookings"

    profile = load_profile(write_profile(tmp_path, fill))
    assert profile["contact"]["booking_email"] == "online@example.go.jp"
