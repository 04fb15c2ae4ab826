from __future__ import annotations

import json
import subprocess

import pytest

from precheck import __version__
from tests.conftest import run_precheck


def precheck(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Language and colour come only from the variables a test gives."""
    return run_precheck(*args, lang=None, env=env)


def test_version() -> None:
    result = precheck("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"precheck {__version__}"


def test_json_lists_every_check_with_id_and_status() -> None:
    result = precheck("run", "--json")
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    ids = [r["id"] for r in doc["results"]]
    assert ids == [
        "os-support", "firewall", "antivirus", "file-sharing", "network", "meeting-app",
        "camera", "browser", "microphone", "load", "recording",
    ]  # fmt: skip
    assert {r["status"] for r in doc["results"]} <= {"PASS", "WARN", "FAIL", "UNKNOWN", "SKIPPED"}
    assert doc["overall"] in ("ready", "needs-attention", "not-ready")
    assert result.returncode == (0 if doc["overall"] == "ready" else 1)


def test_only_repeats() -> None:
    doc = json.loads(precheck("run", "--json", "--only", "load", "--only", "camera").stdout)
    assert [r["id"] for r in doc["results"]] == ["camera", "load"]


def test_unknown_check_id_is_a_usage_error() -> None:
    result = precheck("run", "--only", "nope", PRECHECK_LANG="en")
    assert result.returncode == 2
    assert "Unknown check id: nope" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_option_is_a_usage_error() -> None:
    result = precheck("run", "--bogus")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("lang", "word"), [("ja", "パソコンの負荷"), ("en", "Device load")])
def test_language(lang: str, word: str) -> None:
    result = precheck("run", "--only", "load", "--lang", lang)
    assert word in result.stdout


def test_locale_picks_english() -> None:
    assert "Device load" in precheck("run", "--only", "load", LANG="en_US.UTF-8").stdout
    assert "パソコンの負荷" in precheck("run", "--only", "load", LANG="ja_JP.UTF-8").stdout


def test_no_colour_when_not_a_terminal_or_no_color() -> None:
    assert "\033[" not in precheck("run", "--only", "load").stdout
    assert "\033[" not in precheck("run", "--only", "load", NO_COLOR="1").stdout


def test_list_prints_the_catalogue() -> None:
    result = precheck("list", "--lang", "en")
    assert result.returncode == 0
    assert "第5条(4)" in result.stdout
    doc = json.loads(precheck("list", "--json").stdout)
    assert {c["id"] for c in doc["checks"] if c["implemented"]} >= {"os-support", "load"}


def test_bad_profile_is_a_usage_error(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "p.toml"
    path.write_text('id = "x"\n')
    result = precheck("run", "--profile", str(path), PRECHECK_LANG="en")
    assert result.returncode == 2
    assert "field 'timezone'" in result.stderr


def test_wrap_japanese_by_display_width() -> None:
    from precheck.render.terminal import _width, wrap

    text = "「ソフトウェアの更新」を開いて更新をすべてインストールし、再起動してください。"
    lines = wrap(text, 20, "  ", "  ")
    assert "".join(line[2:] for line in lines) == text
    assert all(sum(_width(c) for c in line) <= 20 for line in lines)
    assert not any(line[2:].startswith(("、", "。")) for line in lines)
    assert wrap("one two three four", 10) == ["one two", "three four"]


def test_a_latin_word_in_japanese_is_not_cut_in_two() -> None:
    from precheck.render.terminal import display_width, wrap

    text = (
        "ファイル共有ソフトが見つかりました: eMule / aMule（インストール済み）、"
        "qBittorrent（インストール済み）。"
    )
    for width in range(24, 60):
        lines = wrap(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(display_width(line) <= width for line in lines), (width, lines)
        assert any("qBittorrent" in line for line in lines), (width, lines)
        assert not any(line.endswith(("（", "「")) for line in lines), (width, lines)
    # a word longer than the line still breaks (nothing is ever wider than the width)
    assert all(display_width(line) <= 6 for line in wrap("あ" + "x" * 20, 6))
