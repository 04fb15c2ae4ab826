"""`precheck run` writes the signed report; `precheck verify` and `precheck show` read it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from precheck import exitcodes
from precheck.cli import main
from precheck.report.store import report_bytes
from tests.conftest import run_precheck
from tests.reports import new_key, resign, signed

precheck = run_precheck


def reports_folder() -> Path:
    return Path(os.environ["PRECHECK_REPORTS_DIR"])


def saved(folder: Path | None = None) -> list[Path]:
    return sorted((folder or reports_folder()).glob("precheck-report-*"))


def test_run_writes_a_report_that_verify_accepts() -> None:
    result = precheck("run")
    assert result.returncode in (0, 1), result.stderr
    files = saved()
    assert [p.suffix for p in files] == [".html", ".json"]
    for path in files:
        assert str(path) in result.stdout, "both paths are printed"
    assert "A new signing key was made" in result.stderr
    check = precheck("verify", files[1])
    assert check.returncode == exitcodes.ALL_VALID, check.stdout + check.stderr
    assert "✓ valid" in check.stdout and "1 of 1 valid." in check.stdout


def test_run_json_keeps_the_run_document_and_adds_the_paths() -> None:
    result = precheck("run", "--json", "--job-seeker-number", "12345-678")
    doc = json.loads(result.stdout)
    assert {"tool_version", "catalogue", "system", "overall", "results"} <= doc.keys()
    assert all({"id", "status"} <= r.keys() for r in doc["results"])
    json_path = Path(doc["report"]["json"])
    assert Path(doc["report"]["html"]).exists()
    report = json.loads(json_path.read_text())
    assert [(r["id"], r["status"]) for r in report["results"]] == [
        (r["id"], r["status"]) for r in doc["results"]
    ]
    ok = precheck("verify", "--json", "--job-seeker-number", "12345678", json_path)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["reports"][0]["number_match"] is True
    wrong = precheck("verify", "--job-seeker-number", "12345-679", json_path)
    assert wrong.returncode == exitcodes.SOME_INVALID
    assert "does not match" in wrong.stdout


def test_partial_runs_and_no_report_write_nothing() -> None:
    partial = precheck("run", "--only", "load")
    assert "no report was made" in partial.stderr
    assert precheck("run", "--no-report", "--json").returncode in (0, 1)
    only_json = json.loads(precheck("run", "--json", "--only", "load").stdout)
    assert only_json["report"] is None
    assert saved() == []


def test_replay_never_signs(tmp_path: Path) -> None:
    bundle = tmp_path / "evidence.json"
    precheck("run", "--no-report", "--save-evidence", bundle)
    replayed = precheck("replay", bundle, "--json")
    assert replayed.returncode in (0, 1), replayed.stderr
    assert "report" not in json.loads(replayed.stdout)
    assert saved() == []
    assert not (Path(os.environ["PRECHECK_DATA_DIR"]) / "device-key.pem").exists()


def test_report_write_failure_is_exit_3_with_the_results_shown(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the reports folder should be")
    result = precheck("run", env={"PRECHECK_REPORTS_DIR": str(blocker / "r")})
    assert result.returncode == exitcodes.WRITE_FAILED
    assert "The report could not be saved" in result.stderr
    assert "[os-support]" in result.stdout, "the verdicts are still shown"
    assert "Traceback" not in result.stderr


def test_run_replaces_a_damaged_key_and_says_so() -> None:
    data = Path(os.environ["PRECHECK_DATA_DIR"])
    data.mkdir(parents=True)
    (data / "device-key.pem").write_text("-----BEGIN PRIVATE KEY-----\ngarbage\n")
    result = precheck("run")
    assert result.returncode in (0, 1), result.stderr
    assert "The signing key file could not be used (is damaged" in result.stderr
    report = json.loads(saved()[1].read_text())
    assert report["device"]["key_status"] == "replaced"
    assert precheck("verify", saved()[1]).returncode == 0


def test_bad_job_seeker_number_is_a_usage_error() -> None:
    for args in (
        ["run", "--job-seeker-number", "12-3"],
        ["verify", "x.json", "--job-seeker-number", "abc"],
    ):
        result = precheck(*args)
        assert result.returncode == exitcodes.USAGE
        assert "not a job seeker number" in result.stderr
        assert "Traceback" not in result.stderr


def test_verify_many_files_gives_rows_a_summary_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.json"
    good.write_bytes(report_bytes(signed()))
    tampered_report = signed()
    tampered_report["results"][0]["status"] = "PASS"
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(report_bytes(tampered_report))
    code = main(["verify", "--lang", "en", str(good), str(tampered), str(tmp_path / "none.json")])
    out = capsys.readouterr().out
    assert code == exitcodes.SOME_INVALID
    rows = out.splitlines()
    assert rows[0].split()[:2] == ["state", "file"]
    assert rows[1].startswith("✓ valid") and "good.json" in rows[1]
    assert "skipped" in rows[0]
    results = json.loads(good.read_bytes())["results"]
    skipped = sum(r["status"] == "SKIPPED" for r in results)  # counted from the file itself
    assert f"  {skipped}/{len(results)}  " in rows[1]
    assert rows[2].startswith("✗ invalid signature") and "tampered.json" in rows[2]
    assert "No such file" in rows[3]
    assert "1 of 3 valid." in out
    assert main(["verify", "--json", str(good), str(tampered)]) == exitcodes.SOME_INVALID
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"] == {"total": 2, "valid": 1, "invalid": 1, "keys": 1}
    assert [r["state"] for r in doc["reports"]] == ["valid", "invalid"]
    assert main(["verify", str(good)]) == exitcodes.ALL_VALID
    capsys.readouterr()
    other = tmp_path / "other-device.json"
    other.write_bytes(report_bytes(resign(signed(), new_key())))
    assert main(["verify", "--lang", "en", str(good), str(other)]) == exitcodes.ALL_VALID
    assert "Signed with 2 different keys" in capsys.readouterr().out


def test_verify_reads_standard_input() -> None:
    result = precheck("verify", "-", stdin=report_bytes(signed()))
    assert result.returncode == 0, result.stdout
    assert "✓ valid" in result.stdout


def test_verify_usage_errors() -> None:
    assert precheck("verify").returncode == exitcodes.USAGE
    assert precheck("show").returncode == exitcodes.USAGE


def test_show_renders_a_valid_report_in_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = signed(job_seeker_number="12345-1")
    path = tmp_path / "r.json"
    path.write_bytes(report_bytes(report))
    assert main(["show", "--lang", "ja", str(path)]) == exitcodes.ALL_VALID
    out = capsys.readouterr().out
    assert out.startswith("✓ 有効")
    assert "作成日時:" in out and "（日本時間）" in out
    assert report["signature"]["key_fingerprint"] in out
    for result in report["results"]:
        assert f"[{result['id']}]" in out


def test_show_html_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(report_bytes(signed()))
    out_file = tmp_path / "page.html"
    assert main(["show", str(path), "--html", str(out_file), "--lang", "en"]) == 0
    page = out_file.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and 'role="status"' in page
    assert main(["show", str(path), "--html", "-"]) == 0
    assert capsys.readouterr().out.strip().endswith("</html>")
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert main(["show", str(path), "--html", str(blocked / "p.html")]) == exitcodes.WRITE_FAILED
    assert str(blocked) in capsys.readouterr().err


def test_show_html_does_not_create_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(report_bytes(signed()))
    typo = tmp_path / "Documnets" / "sub"
    code = main(["show", str(path), "--html", str(typo / "page.html"), "--lang", "en"])
    assert code == exitcodes.WRITE_FAILED
    assert f"there is no folder {typo}" in capsys.readouterr().err
    assert not (tmp_path / "Documnets").exists()


def test_show_html_write_error_names_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(report_bytes(signed()))
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "page.html").mkdir()  # the page's name is taken by a folder: even root fails
    code = main(["show", str(path), "--html", str(locked / "page.html"), "--lang", "ja"])
    assert code == exitcodes.WRITE_FAILED
    err = capsys.readouterr().err
    assert f"フォルダー {locked} に保存できませんでした" in err


def test_show_never_renders_a_tampered_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report: dict[str, Any] = signed()
    report["results"][0]["summary"]["en"] = "All fine, trust me"
    path = tmp_path / "r.json"
    path.write_bytes(report_bytes(report))
    out_file = tmp_path / "page.html"
    code = main(["show", "--lang", "en", str(path), "--html", str(out_file)])
    out = capsys.readouterr().out
    assert code == exitcodes.SOME_INVALID
    assert "invalid signature" in out and "trust me" not in out
    assert not out_file.exists()


def test_show_does_not_vouch_for_the_key_status_a_signer_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A brand-new key whose report claims "existing": show repeats the claim as the report's
    own word and says where continuity is known; it never says "same key as before"."""
    report = signed(key=new_key("existing"))
    path = tmp_path / "r.json"
    path.write_bytes(report_bytes(report))
    assert main(["show", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "same key as before" not in out
    assert "the report states: a key used before" in out
    assert "earlier reports of the same job seeker number" in out
    assert main(["show", str(path), "--lang", "ja"]) == 0
    out = capsys.readouterr().out
    assert "以前と同じ鍵" not in out and "報告書の記載: 以前から使っている鍵" in out
    page = tmp_path / "page.html"
    assert main(["show", str(path), "--html", str(page), "--lang", "en"]) == 0
    assert "same key as before" not in page.read_text(encoding="utf-8")
