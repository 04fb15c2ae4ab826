"""The dashboard's pure parts: lockout back-off, tokens, passwords, views and the CSV export."""

from __future__ import annotations

import csv
import io
import itertools
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from precheck.office.dashboard import lockout, passwords, tokens, views
from precheck.office.dashboard.export import bookings_csv, cell

T0 = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


def test_no_lock_before_five_failures() -> None:
    for failures in range(lockout.FREE_FAILURES):
        assert not lockout.is_locked(failures, T0, T0)
        assert lockout.locked_until(failures, T0) is None


def test_lock_doubles_then_caps() -> None:
    durations = [lockout.lock_duration(n) for n in range(5, 14)]
    assert durations[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert durations[-1] == lockout.MAX_LOCK
    assert all(a <= b for a, b in itertools.pairwise(durations))
    assert lockout.lock_duration(10_000) == lockout.MAX_LOCK


def test_lock_expires() -> None:
    assert lockout.is_locked(5, T0, T0 + timedelta(seconds=29))
    assert not lockout.is_locked(5, T0, T0 + timedelta(seconds=30))
    assert lockout.is_locked(6, T0, T0 + timedelta(seconds=59))


def test_device_cookie_is_signed_and_names_no_account() -> None:
    from precheck.office.dashboard.store import name_tag
    from precheck.office.dashboard.tokens import device_cookie, read_device_cookie

    secret = b"k" * 32
    cookie = device_cookie(secret, "nonce1", [name_tag("sato")])
    assert "sato" not in cookie
    assert read_device_cookie(secret, cookie) == ("nonce1", [name_tag("Sato")])
    assert read_device_cookie(secret, cookie.replace("nonce1", "nonce2")) is None
    assert read_device_cookie(b"x" * 32, cookie) is None
    assert read_device_cookie(secret, "") is None and read_device_cookie(secret, "a.b") is None
    many = device_cookie(secret, "n", [name_tag(f"u{i}") for i in range(20)])
    assert len(read_device_cookie(secret, many)[1]) == 8  # type: ignore[index]


def test_cookie_signature_rejects_edits() -> None:
    secret = b"s" * 32
    session_id = tokens.new_session_id()
    signed = tokens.sign_cookie(secret, session_id)
    assert tokens.unsign_cookie(secret, signed) == session_id
    assert tokens.unsign_cookie(b"t" * 32, signed) is None
    assert tokens.unsign_cookie(secret, "x" + signed) is None
    assert tokens.unsign_cookie(secret, session_id) is None
    assert tokens.unsign_cookie(secret, None) is None


def test_csrf_token_is_bound() -> None:
    secret = b"s" * 32
    token = tokens.csrf_token(secret, "session:a")
    assert tokens.csrf_ok(secret, "session:a", token)
    assert not tokens.csrf_ok(secret, "session:b", token)
    assert not tokens.csrf_ok(secret, "session:a", "")
    assert not tokens.csrf_ok(secret, "session:a", None)
    assert not tokens.csrf_ok(secret, None, token)


def test_secret_is_private_and_stable(tmp_path: Path) -> None:
    first = tokens.load_secret(tmp_path)
    assert len(first) == tokens.SECRET_BYTES
    assert tokens.load_secret(tmp_path) == first
    path = tmp_path / tokens.SECRET_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    os.chmod(path, 0o644)
    with pytest.raises(tokens.SecretError, match="chmod 600"):
        tokens.load_secret(tmp_path)


def test_password_hash_round_trip() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct" not in stored
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "correct horse batterY")
    assert not passwords.verify_password("not a hash", "x")
    assert not passwords.needs_rehash(stored)


def test_password_rules() -> None:
    assert passwords.password_problem("short") == "dashboard.user.password-short"
    assert passwords.password_problem(" leading-space-pass") == "dashboard.user.password-chars"
    assert passwords.password_problem("tab\tinside-pass") == "dashboard.user.password-chars"
    assert passwords.password_problem("ちゃんとした長いパスワード") is None


def test_failing_first_keeps_catalogue_order() -> None:
    results = [
        {"id": "os-support", "status": "PASS"},
        {"id": "firewall", "status": "WARN"},
        {"id": "antivirus", "status": "FAIL"},
        {"id": "camera", "status": "UNKNOWN"},
        {"id": "network", "status": "FAIL"},
    ]
    ordered = [r["id"] for r in views.failing_first(results)]
    assert ordered == ["antivirus", "network", "camera", "firewall", "os-support"]


def test_shown_check_speaks_with_the_office_catalogue() -> None:
    """Every message of every check in the office's catalogue is recognised as the office's
    own sentence, under the office's title whatever title the PC wrote; a sentence the
    catalogue does not have, a wrong status for the code or an unknown check is shown only
    as the PC's words."""
    from precheck.catalogue import load_catalogue

    catalogue = load_catalogue()
    seen = 0
    for spec in catalogue.ordered():
        for code in spec.messages:
            summary = spec.message(code, {})
            status = spec.statuses.get(code)
            result = {
                "id": spec.id,
                "code": code,
                "status": status.value if status else "WARN",
                "title": {"ja": "PC が書いた題", "en": "a title the PC wrote"},
                "summary": summary.as_dict(),
            }
            for lang in ("ja", "en"):
                shown = views.shown_check(result, lang, catalogue)
                assert shown.reported is None, (spec.id, code, lang)
                assert shown.text.startswith(spec.title.get(lang))
            seen += 1
            forged = {**result, "summary": {"ja": "本人確認は不要です。", "en": "No ID check."}}
            shown = views.shown_check(forged, "ja", catalogue)
            assert shown.text == spec.title.ja and "本人確認は不要です" in (shown.reported or "")
            if status is not None:
                other = "PASS" if status.value != "PASS" else "FAIL"
                wrong = views.shown_check({**result, "status": other}, "ja", catalogue)
                assert wrong.reported is not None
    assert seen > 20
    unknown = {"id": "free-money", "code": "x", "status": "FAIL", "title": {"ja": "当選"}}
    shown = views.shown_check(unknown, "ja", catalogue)
    assert "free-money" in shown.text and shown.reported == "当選"
    long = {**unknown, "title": {"ja": "あ" * 5000}}
    assert len(views.shown_check(long, "ja", catalogue).reported or "") == views.REPORTED_MAX


def test_fits_template_bounds_each_value() -> None:
    assert views.fits_template("{n} 件あります。", "3 件あります。")
    assert not views.fits_template("{n} 件あります。", "3 件あります。至急")
    assert not views.fits_template("{n} 件", "x" * 300 + " 件")
    assert views.fits_template("固定の文。", "固定の文。")


def test_actions_follow_article_6() -> None:
    start = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    before = start - timedelta(hours=1)
    assert views.allowed_actions(views.RECEIVED, start, before) == ["confirm", "cancel"]
    assert views.allowed_actions(views.CONFIRMED, start, before) == ["cancel"]
    nine = start + timedelta(minutes=9, seconds=59)
    assert "no-show" not in views.allowed_actions(views.CONFIRMED, start, nine)
    ten = start + timedelta(minutes=10)
    assert views.allowed_actions(views.CONFIRMED, start, ten) == ["cancel", "no-show"]
    assert views.allowed_actions(views.CANCELLED, start, ten) == []
    assert views.allowed_actions(views.NO_SHOW, start, ten) == []


def test_status_and_same_device() -> None:
    assert views.current_status([]) == views.RECEIVED
    assert views.current_status([views.CONFIRMED, views.CANCELLED]) == views.CANCELLED
    assert views.same_device("ab", ["cd", "ab"])
    assert not views.same_device("ab", ["cd"])
    assert not views.same_device(None, [None])


def test_day_labels() -> None:
    label = views.format_day(date(2026, 12, 3))
    assert label.ja == "12月3日（木）"
    assert label.en == "Thu 2026-12-03"


def _facts(name: str, phone: str = "090-1234-5678") -> views.BookingFacts:
    start = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    return views.BookingFacts(
        id=1,
        start=start,
        name=name,
        number="16050-12345678",
        email="taro@example.jp",
        phone=phone,
        topic="事務職への応募について",
        assistant="",
        received_at=start,
        report=None,
    )


def test_csv_has_bom_japanese_and_no_report_internals() -> None:
    summary = views.ReportSummary(
        state="valid",
        overall="not-ready",
        failing=[{"id": "firewall", "status": "FAIL", "facts": {"secret": "x"}}],
        key_fingerprint="SHA256:abcdef",
    )
    data = bookings_csv([(_facts("山田 太郎"), views.CONFIRMED, summary)], "ja")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["日付", "時刻", "氏名"]
    assert rows[1][:4] == ["2026-12-03", "10:00", "山田 太郎", "16050-12345678"]
    assert rows[1][-2:] == ["有効", "条件未達"]
    assert "abcdef" not in text and "firewall" not in text and "secret" not in text
    assert "\r\n" in text


def test_csv_neutralises_formulas() -> None:
    assert cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert cell("+81 90") == "'+81 90"
    assert cell("山田") == "山田"
    data = bookings_csv([(_facts("=1+1"), views.RECEIVED, views.MISSING)], "en")
    row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]
    assert row[2] == "'=1+1"
    assert "No report" in row


def test_articles_and_audit_words_per_language() -> None:
    """The terms' articles the English way on an English page, and the audit log's actor and
    details in words (a screenshot showed "(admin)", "confirmed" and "第5条(3)" raw)."""
    assert views.article_label("第5条(3)", "ja") == "第5条(3)"
    assert views.article_label("第5条(3)", "en") == "Art. 5(3)"
    assert views.article_label("第12条", "en") == "Art. 12"
    assert views.articles_label(["第5条(3)", "第12条(4)"], "en") == "(terms, Art. 5(3), Art. 12(4))"
    assert "第5条(3)・第12条(4)" in views.articles_label(["第5条(3)", "第12条(4)"], "ja")
    result = {"id": "os-support", "code": "x", "status": "FAIL", "title": {"ja": "題"}}
    for lang in ("ja", "en"):
        shown = views.shown_check(result, lang)
        assert shown.articles is not None and "os-support" not in shown.text
    assert "第" not in (views.shown_check(result, "en").articles or "")
    assert views.audit_actor("(admin)", "ja") == "管理者（サーバーでのコマンド操作）"
    assert views.audit_actor("sato", "en") == "sato"
    assert views.audit_detail("status", "confirmed", "ja") == "確定・日時と URL を送付済み"
    assert views.audit_detail("view-day", "2026-12-04", "ja") == "12月4日（金）"
    assert views.audit_detail("verify-upload", "3", "en") == "files: 3"
    assert views.audit_detail("user-added", "suzuki", "ja") == "suzuki"
    assert views.audit_detail("login", None, "ja") == ""


def test_one_date_style_per_language() -> None:
    moment = datetime(2026, 12, 4, 10, 10)
    assert views.format_moment(moment).ja == "12月4日（金） 10:10"
    assert views.format_moment(moment).en == "Fri 2026-12-04 10:10"
