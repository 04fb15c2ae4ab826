"""Words a person understands: the language rule, the labels, and the texts' next steps.

The catalogue files named here are the ones issue 22 reviewed (the firewall, antivirus, camera
and microphone checks review their own).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from precheck.catalogue import load_catalogue
from precheck.i18n import pick_lang
from precheck.messages import all_messages, ui_text
from precheck.profile import load_profile, office_contact
from tests.conftest import run_precheck

ROOT = Path(__file__).resolve().parents[1]
REVIEWED_CHECKS = ("os-support", "load", "meeting-app", "browser")
GENERIC_UNKNOWN = ("timeout", "missing", "permission", "unsupported", "failed", "error")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "C.UTF-8"}, "ja"),
        ({"LANG": "C"}, "ja"),
        ({"LANG": "POSIX"}, "ja"),
        ({}, "ja"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),  # explicitly another language: not Japanese
        ({"LANG": "ja_JP.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "C.UTF-8"}, "en"),  # C says nothing: LANG decides
        ({"LANG": "en_US.UTF-8", "PRECHECK_LANG": "ja"}, "ja"),
    ],
)
def test_japanese_unless_the_system_explicitly_speaks_another_language(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("PRECHECK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert pick_lang() == expected
    assert pick_lang("en") == "en" and pick_lang("ja") == "ja"


def test_debian_c_utf8_box_speaks_japanese() -> None:
    """The issue's case: a Debian machine with LANG=C.UTF-8 ran precheck in English."""
    result = run_precheck(
        "run", "--only", "load", "--no-report", lang=None,
        env={"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""},
    )  # fmt: skip
    assert "パソコンの負荷" in result.stdout, result.stdout


def test_unknown_and_skipped_read_differently_in_report_and_screen() -> None:
    assert ui_text("status.UNKNOWN").ja == "確認できませんでした"
    assert ui_text("status.SKIPPED").ja == "確認していません"


def test_overall_verdict_says_what_to_do_next_without_pointing_at_the_screen() -> None:
    for code, cue in (("ready", "予約"), ("needs-attention", "相談員"), ("not-ready", "先に")):
        text = ui_text(f"overall.{code}")
        assert cue in text.ja
        assert not re.search(r"下の|上の|以下|below|above", text.ja + text.en), code


def test_report_and_email_use_the_same_verdict_labels() -> None:
    for code in ("ready", "needs-attention", "not-ready"):
        short = ui_text(f"report.overall-short.{code}")
        assert ui_text(f"booking.mail.overall.{code}").ja.startswith(short.ja), code


def _all_messages() -> list[tuple[str, str, str]]:
    """(where, Japanese, English) of every program message and the reviewed checks' texts."""
    found: list[tuple[str, str, str]] = []

    def walk(entry: object, key: str) -> None:
        if isinstance(entry, dict):
            if isinstance(entry.get("ja"), str):
                found.append((key, entry["ja"], str(entry.get("en", ""))))
            for name, sub in entry.items():
                walk(sub, f"{key}.{name}" if key else name)

    walk(all_messages(), "")
    for check_id in REVIEWED_CHECKS:
        spec = load_catalogue().checks[check_id]
        texts = [spec.title, spec.rationale, *spec.messages.values()]
        texts += [t for per_os in spec.remediation.values() for t in per_os.values()]
        found += [(check_id, t.ja, t.en) for t in texts]
    return found


@pytest.mark.parametrize(
    "word", ["確認できず", "未確認", "TeleOffice", "ヘルプデスク", "helpdesk", "端末では"]
)
def test_reviewed_texts_avoid_the_words_that_confused(word: str) -> None:
    assert [key for key, ja, en in _all_messages() if word in ja + en] == []


def test_no_sentence_runs_past_110_characters() -> None:
    long = [
        (key, len(sentence))
        for key, ja, _en in _all_messages()
        for sentence in re.split(r"[。\n]", ja)
        if len(sentence) > 110
    ]
    assert long == []


@pytest.mark.parametrize("code", GENERIC_UNKNOWN)
def test_generic_unknown_codes_have_a_next_step_naming_the_office(code: str) -> None:
    contact = office_contact(load_profile())
    for spec in load_catalogue().ordered():
        if f"unknown-{code}" in spec.remediation:
            continue  # the check's own step wins
        step = spec.remediation_for(f"unknown-{code}", "linux", {"contact": contact})
        assert step is not None, spec.id
        assert "ハローワーク砺波" in step.ja and "Hello Work Tonami" in step.en


def test_office_phone_comes_from_the_profile_only(tmp_path: Path) -> None:
    profile = load_profile()
    assert "電話番号は" in office_contact(profile).ja  # the built-in profile has none
    with_phone = {**profile, "contact": {**profile["contact"], "phone": "0763-00-0000"}}
    assert office_contact(with_phone).ja == "ハローワーク砺波（電話 0763-00-0000）"


def test_meeting_app_step_does_not_ask_for_the_link_sent_after_booking() -> None:
    step = load_catalogue().checks["meeting-app"].remediation["not-found"]["any"]
    assert "予約に進めます" in step.ja and "確定" in step.ja


def test_browser_steps_cover_safari_on_a_mac() -> None:
    spec = load_catalogue().checks["browser"]
    for code in ("behind", "outdated", "build-old"):
        assert "Safari" in spec.remediation[code]["darwin"].ja


def test_numbered_steps_keep_their_lines_on_the_terminal() -> None:
    from precheck.model import CheckResult, Status
    from precheck.render.terminal import format_result

    spec = load_catalogue().checks["os-support"]
    result = CheckResult(
        id="os-support", articles=(), title=spec.title, status=Status.FAIL,
        code="patches-missing", summary=spec.messages["patches-missing"],
        facts={}, remediation=spec.remediation["patches-missing"]["windows"], duration_ms=0,
    )  # fmt: skip
    lines = format_result(result, "ja", colour=False).splitlines()
    starts = [line.strip()[:2] for line in lines]
    assert "2." in starts and "3." in starts
    assert any(line.strip().startswith("Windows 10 では") for line in lines)
