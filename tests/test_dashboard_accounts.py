"""`precheck office add-user` / `remove-user` and a first start, run as an office would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from precheck import exitcodes
from tests.conftest import run_precheck
from tests.dashboard_kit import PASSWORD, login

TIMEOUT = 60


def precheck(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_precheck(*args, lang="ja", stdin=stdin, timeout=TIMEOUT)


def names(office_dir: Path) -> list[str]:
    from sqlalchemy import select

    from precheck.office.dashboard.models import Counselor
    from precheck.office.db import open_database
    from precheck.office.settings import sqlite_url

    database = open_database(sqlite_url(office_dir))
    try:
        with database.read() as db:
            return list(db.scalars(select(Counselor.name).order_by(Counselor.name)))
    finally:
        database.dispose()


def office_dir() -> Path:
    return Path(os.environ["PRECHECK_OFFICE_DIR"])


def test_add_user_reads_the_password_from_stdin_and_hashes_it() -> None:
    done = precheck("office", "add-user", "sato", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert "アカウントを作成しました: sato" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    assert names(office_dir()) == ["sato"]
    database_file = office_dir() / "office.sqlite3"
    assert PASSWORD.encode() not in database_file.read_bytes()
    again = precheck("office", "add-user", "sato", stdin=PASSWORD + "\n")
    assert again.returncode == exitcodes.OFFICE_ACCOUNT
    assert "その名前のアカウントはもうあります" in again.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["sato"], "short\n", "10 文字以上"),
        (["sato"], "", "標準入力が空です"),
        (["sato"], " padded password \n", "空白や制御文字"),
        (["sato san"], PASSWORD + "\n", "英数字と . _ -"),
        (["x" * 65], PASSWORD + "\n", "英数字と . _ -"),
    ],
)
def test_add_user_refusals_create_nothing(args: list[str], stdin: str, message: str) -> None:
    done = precheck("office", "add-user", *args, stdin=stdin)
    assert done.returncode == exitcodes.OFFICE_ACCOUNT
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (office_dir() / "office.sqlite3").exists() or names(office_dir()) == []


def test_a_password_is_never_an_argument() -> None:
    done = precheck("office", "add-user", "sato", PASSWORD, stdin=PASSWORD + "\n")
    assert done.returncode == exitcodes.USAGE
    assert not (office_dir() / "office.sqlite3").exists()
    help_text = precheck("office", "add-user", "--help").stdout
    assert "--password" not in help_text and "標準入力" in help_text


def test_add_user_prompts_twice_on_a_terminal() -> None:
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "PRECHECK_LANG": "ja"}

    def add_suzuki() -> Any:
        return pexpect.spawn(
            sys.executable,
            ["-m", "precheck", "office", "add-user", "suzuki"],
            env=env,
            encoding="utf-8",
            timeout=TIMEOUT,
        )

    child = add_suzuki()
    child.expect("suzuki さんのパスワード: ")
    child.sendline(PASSWORD)
    child.expect("もう一度入力してください: ")
    child.sendline(PASSWORD + "x")
    child.expect("一致しません")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == exitcodes.OFFICE_ACCOUNT
    assert PASSWORD not in (child.before or "")
    child = add_suzuki()
    child.expect("パスワード: ")
    child.sendline(PASSWORD)
    child.expect("もう一度")
    child.sendline(PASSWORD)
    child.expect("アカウントを作成しました: suzuki")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert names(office_dir()) == ["suzuki"]


def test_remove_user() -> None:
    assert precheck("office", "add-user", "sato", stdin=PASSWORD + "\n").returncode == 0
    done = precheck("office", "remove-user", "sato")
    assert done.returncode == 0 and "アカウントを削除しました: sato" in done.stdout
    assert names(office_dir()) == []
    again = precheck("office", "remove-user", "sato")
    assert again.returncode == exitcodes.OFFICE_ACCOUNT
    assert "その名前のアカウントはありません" in again.stderr


@pytest.fixture
def served() -> Iterator[str]:
    """`precheck office serve --port 0` as an office starts it; the URL it prints."""
    process = subprocess.Popen(
        [sys.executable, "-m", "precheck", "office", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PRECHECK_LANG": "ja"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert match, line + (process.stderr.read() if process.stderr else "")
        yield match[1]
    finally:
        process.terminate()
        process.wait(timeout=TIMEOUT)


def test_a_new_office_starts_adds_itself_and_signs_in(served: str) -> None:
    anonymous = requests.Session()
    first = anonymous.get(f"{served}/", timeout=TIMEOUT)
    assert first.url.startswith(f"{served}/login") and "ログイン" in first.text
    assert precheck("office", "add-user", "sato", stdin=PASSWORD + "\n").returncode == 0
    session = requests.Session()
    assert login(session, served, "sato", PASSWORD).status_code == 303
    day = session.get(f"{served}/", timeout=TIMEOUT)
    assert day.status_code == 200 and "予約一覧" in day.text and "sato さん" in day.text


def test_serve_refuses_a_secret_others_can_read() -> None:
    from precheck.office.dashboard.tokens import SECRET_FILE, load_secret

    load_secret(office_dir())
    (office_dir() / SECRET_FILE).chmod(0o644)
    done = precheck("office", "serve", "--port", "0")
    assert done.returncode == exitcodes.USAGE
    assert "秘密鍵ファイルを使えません" in done.stderr and "chmod 600" in done.stderr
    assert "Traceback" not in done.stderr
