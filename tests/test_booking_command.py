"""`precheck book` end to end, as a user or a helpdesk script runs it.

The email draft is read back by independent programs: Debian's `munpack` (mpack) extracts the
attachment and `precheck verify` checks it; the calendar entry is parsed with the `icalendar`
package. Interactive mode runs on a real pseudo-terminal (pexpect).
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from precheck.booking import draft, outbox, rules
from precheck.profile import load_profile
from tests.conftest import need, run_precheck
from tests.test_booking_outbox import Office
from tests.tlsca import LocalCA

NUMBER = "16050-12345678"


def bookable(count: int = 2) -> list[str]:
    profile = load_profile()
    found = rules.next_bookable(profile, rules.office_now(profile), count=count * 3)
    days: list[datetime] = []
    for slot in found:  # different starts, so first and second choice differ
        if len(days) < count:
            days.append(slot)
    return [s.strftime("%Y-%m-%dT%H:%M") for s in days]


def precheck(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The language comes from each command's --lang."""
    return run_precheck(*args, lang=None, stdin=stdin, env=env)


def form_args(**changes: Any) -> list[str]:
    values: dict[str, Any] = {
        "--name": "山田 太郎",
        "--job-seeker-number": NUMBER,
        "--email": "taro@example.jp",
        "--phone": "090-1234-5678",
        "--slot": bookable(1),
        "--topic": "事務職への応募書類について",
    }
    values.update(changes)
    out: list[str] = []
    for option, value in values.items():
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            out += [option, item]
    return out


def book(
    tmp_path: Path, *extra: str, lang: str = "en", changes: dict[str, Any] | None = None
) -> subprocess.CompletedProcess[str]:
    return precheck(
        "book",
        *form_args(**(changes or {})),
        "--private-room",
        "--yes",
        "--no-open",
        "--lang",
        lang,
        "--out",
        str(tmp_path / "out"),
        *extra,
    )


def drafts(tmp_path: Path) -> tuple[Path, Path]:
    [eml] = sorted((tmp_path / "out").glob("*.eml"))
    [ics] = sorted((tmp_path / "out").glob("*.ics"))
    return eml, ics


def test_scripted_booking_makes_a_draft_an_independent_reader_accepts(tmp_path: Path) -> None:
    need(shutil.which("munpack") is not None, "munpack (Debian package mpack) is installed")
    slots = bookable(2)
    done = book(tmp_path, changes={"--slot": slots, "--interpreter": "手話通訳者 1名"})
    assert done.returncode == 0, done.stdout + done.stderr
    eml, ics = drafts(tmp_path)
    assert stat.S_IMODE(eml.stat().st_mode) == 0o600
    assert stat.S_IMODE(ics.stat().st_mode) == 0o600
    assert "Booking email draft saved" in done.stdout

    # munpack, not Python's email package, takes the attachments out
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    subprocess.run(["munpack", "-q", "-f", str(eml)], cwd=unpacked, check=True, timeout=30)
    [report] = sorted(unpacked.glob("precheck-report-*.json"))
    assert sorted(p.suffix for p in unpacked.iterdir() if p.suffix != ".desc") == [
        ".html",
        ".json",
    ]
    verified = precheck("verify", "--json", "--job-seeker-number", NUMBER, str(report))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    [answer] = json.loads(verified.stdout)["reports"]
    assert answer["state"] == "valid"
    assert answer["overall"] in ("ready", "needs-attention", "not-ready")

    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    assert message["To"] is None  # the Tonami profile has no published booking address
    assert "山田 太郎" in message["Subject"] and "オンライン職業相談" in message["Subject"]
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    japanese = text.split("English")[0]
    marks = [line[0] for line in japanese.splitlines() if line and line[0] in "①②③④⑤⑥"]
    assert marks == list("①②③④⑤⑥")  # ①–⑥ in the terms' order
    assert NUMBER in text and "090-1234-5678" in text and "手話通訳者 1名" in text
    assert "第1希望" in text and "第2希望" in text
    verdict = {"ready": "準備完了", "needs-attention": "要確認", "not-ready": "未達"}
    assert verdict[answer["overall"]] in text
    assert "English" in text  # --lang en adds the English version after the Japanese

    icalendar = pytest.importorskip("icalendar")
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 2
    profile = load_profile()
    for event, slot in zip(events, slots, strict=True):
        start = rules.parse_slot(slot, profile)
        assert start is not None
        assert event.decoded("DTSTART") == start.astimezone(UTC)
        assert (event.decoded("DTEND") - event.decoded("DTSTART")).total_seconds() == 1800
        assert str(event["STATUS"]) == "TENTATIVE"
        description = str(event["DESCRIPTION"])
        assert "Ten minutes" in description and "call" in description
        [alarm] = event.walk("VALARM")
        assert alarm.decoded("TRIGGER").total_seconds() == -30 * 60
    assert not draft.draft_path().exists()


def test_existing_report_for_the_number_is_reused(tmp_path: Path) -> None:
    made = precheck("run", "--job-seeker-number", NUMBER, "--lang", "en")
    assert made.returncode in (0, 1), made.stderr
    reports = sorted(Path(os.environ["PRECHECK_REPORTS_DIR"]).glob("precheck-report-*.json"))
    assert len(reports) == 1
    done = book(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "checking this PC first" not in done.stdout
    assert str(reports[0]) in done.stdout
    # a report for another number is not attached: a new one is made
    other = book(tmp_path, changes={"--job-seeker-number": "27520-1391873"})
    assert other.returncode == 0, other.stdout + other.stderr
    assert "checking this PC first" in other.stdout
    after = sorted(Path(os.environ["PRECHECK_REPORTS_DIR"]).glob("precheck-report-*.json"))
    assert len(after) == 2
    # the newest report is now the other number's: the first one is still this number's own
    again = book(tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "checking this PC first" not in again.stdout
    assert str(reports[0]) in again.stdout


def test_two_choices_show_one_deadline_the_earlier(tmp_path: Path) -> None:
    """One email carries both choices: it is due by the earlier choice's deadline, shown once.
    The later day is given as the first choice, so "the first one's" would be wrong."""
    profile = load_profile()
    found = rules.next_bookable(profile, rules.office_now(profile), count=30)
    first = found[0]
    second = next(
        s
        for s in found
        if rules.deadlines(s, profile).email_by > rules.deadlines(first, profile).email_by
    )
    earlier, later = (s.strftime("%Y-%m-%dT%H:%M") for s in (first, second))
    done = book(tmp_path, changes={"--slot": [later, earlier]})
    assert done.returncode == 0, done.stdout + done.stderr
    due = {
        slot: rules.deadlines(rules.parse_slot(slot, profile), profile).email_by  # type: ignore[arg-type]
        for slot in (earlier, later)
    }
    assert due[earlier] < due[later]
    assert done.stdout.count("must arrive by") == 1
    assert f"must arrive by {due[earlier]:%Y-%m-%d %H:%M}" in done.stdout
    assert "that of choice 2" in done.stdout
    assert f"{due[later]:%Y-%m-%d %H:%M}" not in done.stdout


def test_bad_fields_are_all_reported_and_kept_as_a_draft(tmp_path: Path) -> None:
    weekend = "2030-01-05T10:00"  # a Saturday
    done = book(
        tmp_path,
        changes={
            "--email": "taro@",
            "--phone": "12345",
            "--job-seeker-number": "１６０５０",
            "--slot": [weekend],
        },
    )
    assert done.returncode == 20
    for expected in (
        "③ The email address is not valid",
        "④ The phone number is not valid",
        "② Enter the job seeker number as 5 digits",
        "Saturdays and Sundays",
        "draft",
    ):
        assert expected in done.stdout, done.stdout
    assert not (tmp_path / "out").exists()
    path = draft.draft_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = draft.load_draft()
    assert saved["email"] == "taro@" and saved["slots"] == [weekend]
    assert saved["name"] == "山田 太郎" and saved["private_room"] is True
    ja = book(tmp_path, lang="ja", changes={"--slot": [weekend]})
    assert ja.returncode == 20
    assert "土曜・日曜は閉庁日です" in ja.stdout


def test_past_and_outside_window_are_refused(tmp_path: Path) -> None:
    done = book(tmp_path, changes={"--slot": ["2020-06-01T10:00", "2030-06-03T12:00"]})
    assert done.returncode == 20
    assert "is in the past" in done.stdout
    assert "outside the bookable hours" in done.stdout


def test_missing_options_without_a_terminal_do_not_hang(tmp_path: Path) -> None:
    done = precheck("book", "--name", "山田 太郎", "--lang", "en")
    assert done.returncode == 2
    assert "--job-seeker-number" in done.stderr and "--slot" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_consent_no_email(tmp_path: Path) -> None:
    done = precheck(
        "book", *form_args(), "--private-room", "--no-open", "--lang", "en",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert done.returncode == 21
    assert "run again with --yes" in done.stdout
    assert not (tmp_path / "out").exists()
    assert draft.load_draft()["topic"] == "事務職への応募書類について"


def test_private_room_must_be_declared(tmp_path: Path) -> None:
    done = precheck(
        "book", *form_args(), "--yes", "--no-open", "--lang", "en",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert done.returncode == 20
    assert "private room" in done.stdout


def write_profile(tmp_path: Path, **contact: str) -> Path:
    source = (Path(__file__).parents[1] / "checks/profiles/hellowork-tonami.toml").read_text(
        encoding="utf-8"
    )
    for key in ("phone", "booking_email"):
        if key in contact:
            source = source.replace(f'{key} = ""', f'{key} = "{contact[key]}"', 1)
    if "url" in contact:
        source = source.replace('\nurl = ""', f'\nurl = "{contact["url"]}"', 1)
    path = tmp_path / "office.toml"
    path.write_text(source, encoding="utf-8")
    return path


def test_office_profile_address_and_phone(tmp_path: Path) -> None:
    profile = write_profile(tmp_path, booking_email="online@example.go.jp", phone="0763-00-0000")
    done = book(tmp_path, "--profile", str(profile))
    assert done.returncode == 0, done.stdout + done.stderr
    eml, _ = drafts(tmp_path)
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == "online@example.go.jp"
    assert "To address" not in done.stdout
    _, ics = drafts(tmp_path)
    assert "0763-00-0000" in ics.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "to",
    [
        "online@example.go.jp, other@example.jp",
        "online@example.go.jp other@example.jp",
        "online@example.go.jp\nBcc: spy@example.jp",
        "online@",
        "",
    ],
)
def test_to_must_be_one_address(tmp_path: Path, to: str) -> None:
    done = book(tmp_path, "--to", to)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "--to takes one booking email address" in done.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.eml"))


def test_to_option_fills_the_address(tmp_path: Path) -> None:
    done = book(tmp_path, "--to", "online@example.go.jp")
    assert done.returncode == 0, done.stdout + done.stderr
    eml, _ = drafts(tmp_path)
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == "online@example.go.jp"


def test_http_intake_profile_is_refused(tmp_path: Path) -> None:
    profile = write_profile(tmp_path, url="http://127.0.0.1:9/api/v1/bookings")
    done = book(tmp_path, "--profile", str(profile))
    assert done.returncode == 2
    assert "https://" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def office(trusted_ca: LocalCA) -> Iterator[Office]:
    server = Office(trusted_ca)
    yield server
    server.stop()


def test_booking_goes_to_the_intake_too(tmp_path: Path, office: Office) -> None:
    profile = write_profile(tmp_path, url=office.url)
    done = book(tmp_path, "--profile", str(profile))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Sent to the intake service" in done.stdout
    [(key, body)] = office.stored.items()
    assert body["idempotency_key"] == key
    assert body["applicant"]["job_seeker_number"] == NUMBER
    assert body["report"]["format"]
    assert outbox.entries() == ([], [])
    assert not draft.draft_path().exists()


def test_intake_down_queues_and_outbox_sends_later(tmp_path: Path, trusted_ca: LocalCA) -> None:
    again = Office(trusted_ca, listening=False)  # its port held, refusing until it starts
    profile = write_profile(tmp_path, url=again.url)
    done = book(tmp_path, "--profile", str(profile))
    assert done.returncode == 22, done.stdout + done.stderr
    assert "precheck outbox --send" in done.stdout
    drafts(tmp_path)  # the email draft exists all the same
    [entry] = outbox.entries()[0]
    again.start()
    try:
        sent = precheck("outbox", "--send", "--lang", "en")
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert list(again.stored) == [entry.key]
    finally:
        again.stop()


def test_interactive_on_a_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    first, second = bookable(2)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "precheck", "book", "--lang", "en", "--no-open", "--out", str(tmp_path / "out")],
        env={**os.environ, "COLUMNS": "200"},
        encoding="utf-8",
        timeout=60,
    )
    answers = [
        ("Name", "山田 太郎"),
        ("Job seeker number", "１６０５０－１２３４５６７８"),
        ("Email address", "taro@"),  # wrong on purpose
        ("Phone number", "0763-12-3456"),
        ("First choice", first),
        ("Second choice", second),
        ("What to consult about", "面接の練習"),
        ("Interpreter or assistant", ""),
        ("private room", "y"),
    ]
    for prompt, answer in answers:
        child.expect(prompt)
        child.sendline(answer)
    child.expect("Please correct")
    child.expect("③ The email address is not valid")
    child.expect(r"Email address \[taro@\]")  # asked again, what was typed offered
    child.sendline("taro@example.jp")
    child.expect("do you agree")
    child.sendline("y")
    child.expect("Booking email draft saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    eml, _ = drafts(tmp_path)
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    body = message.get_body(("plain",))
    assert body is not None and "16050-12345678" in body.get_content()
    assert not draft.draft_path().exists()


def test_interactive_stop_keeps_the_draft_and_offers_it_again(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    command = ["-m", "precheck", "book", "--lang", "en", "--no-open"]
    child = pexpect.spawn(sys.executable, command, encoding="utf-8", timeout=60)
    child.expect("Name")
    child.sendline("山田 太郎")
    child.expect("Job seeker number")
    child.sendline("16050-1234")
    for prompt in ("Email address", "Phone number", "First choice", "Second choice"):
        child.expect(prompt)
        child.sendline("")
    child.expect("What to consult")
    child.sendline("")
    child.expect("Interpreter")
    child.sendline("")
    child.expect("private room")
    child.sendline("n")
    child.expect("Please correct")
    child.expect("Email address")  # re-asking begins with the first refused field
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    saved = draft.load_draft()
    assert saved["name"] == "山田 太郎" and saved["job_seeker_number"] == "16050-1234"
    again = pexpect.spawn(sys.executable, command, encoding="utf-8", timeout=60)
    again.expect("previous draft")
    again.expect(r"Name \[山田 太郎\]")
    again.sendeof()
    again.expect(pexpect.EOF)
    again.close()


def test_opener_uses_the_desktop_handler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Linux the draft is opened only when xdg-mime names a mail program for .eml."""
    from precheck.booking import opener

    if sys.platform != "linux":
        pytest.skip("the xdg-utils path is the Linux one")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "opened.txt"
    (bin_dir / "xdg-mime").write_text(
        '#!/bin/sh\n[ "$3" = "message/rfc822" ] && echo thunderbird.desktop\nexit 0\n'
    )
    (bin_dir / "xdg-open").write_text(f'#!/bin/sh\necho "$1" >> {log}\n')
    for script in bin_dir.iterdir():
        script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert opener.open_with_default("/tmp/x.eml", "message/rfc822")
    assert not opener.open_with_default("mailto:?subject=x", "x-scheme-handler/mailto")
    assert log.read_text().split() == ["/tmp/x.eml"]
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert not opener.open_with_default("/tmp/x.eml", "message/rfc822")


def test_mailto_fallback_names_the_report_to_attach(tmp_path: Path) -> None:
    import urllib.parse

    from precheck.booking import form, mail

    profile = load_profile()
    now = rules.office_now(profile)
    booking, errors = form.validate_form(
        {
            "name": "山田 太郎",
            "job_seeker_number": NUMBER,
            "email": "taro@example.jp",
            "phone": "090-1234-5678",
            "slots": bookable(1),
            "topic": "応募書類の相談",
            "private_room": True,
        },
        profile,
        now,
    )
    assert booking is not None, errors
    report = mail.ReportFiles(tmp_path / "precheck-report-x.json", b"{}", "", "ready", "valid")
    link = mail.mailto_url(
        booking, profile, report=report, consent_at=now, lang="ja", to="online@example.go.jp"
    )
    parsed = urllib.parse.urlsplit(link)
    assert parsed.scheme == "mailto" and parsed.path == "online@example.go.jp"
    query = urllib.parse.parse_qs(parsed.query)
    assert query["subject"] == [mail.subject(booking, profile)]
    [body] = query["body"]
    assert str(report.json_path) in body.splitlines()[0]
    assert "① 氏名: 山田 太郎" in body and "\r\n" in body


def test_ctrl_c_keeps_what_was_typed(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    command = ["-m", "precheck", "book", "--lang", "en", "--no-open", "--topic", "面接の練習"]
    child = pexpect.spawn(sys.executable, command, encoding="utf-8", timeout=60)
    child.expect("Name")
    child.sendline("山田 太郎")
    child.expect("Job seeker number")
    child.sendintr()
    child.expect("Interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    saved = draft.load_draft()
    assert saved["name"] == "山田 太郎" and saved["topic"] == "面接の練習"
