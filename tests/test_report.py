"""The signed report: what it holds, its key, the verifier's states, files and HTML."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from precheck.catalogue import load_catalogue
from precheck.fsutil import WriteError
from precheck.jobseeker import number_hash
from precheck.messages import ui_text
from precheck.model import CheckResult
from precheck.report.device import device_id, machine_id, parse_machine_id
from precheck.report.format import MAX_REPORT_BYTES, schema_errors
from precheck.report.html import render_html
from precheck.report.keys import KEY_FILE, SALT_FILE, load_device_key
from precheck.report.make import ReportError
from precheck.report.store import latest_report, report_bytes, write_report
from precheck.report.verify import read_limited, verify_file, verify_report
from tests.reports import live_run, new_key, resign, signed


def data_folder() -> Path:
    return Path(os.environ["PRECHECK_DATA_DIR"])


def at(report: dict[str, Any], field: str) -> datetime:
    return datetime.fromisoformat(report[field])


# -- what a report holds ---------------------------------------------------------------------


def test_report_holds_what_the_issue_lists_and_follows_the_schema() -> None:
    report = signed()
    run, catalogue, profile = live_run()
    assert schema_errors(report) == []
    assert (report["format"], report["version"]) == ("precheck-report", 1)
    assert report["profile"]["id"] == profile["id"] == "hellowork-tonami"
    assert report["catalogue"] == {
        "version": catalogue.version,
        "as_of": catalogue.as_of,
        "digest": catalogue.digest,
    }
    assert report["overall"] == run.overall
    assert report["results"] == [r.as_dict() for r in run.results]
    assert [CheckResult.from_dict(r) for r in report["results"]] == run.results
    assert report["job_seeker_number_sha256"] is None
    load = next(r for r in run.results if r.id == "load")
    device = report["device"]
    assert device["os"] == load.facts["os"]
    assert (device["cpu_count"], device["memory_total"]) == (
        load.facts["cpu_count"],
        load.facts["memory_total"],
    )
    assert re.fullmatch(r"[0-9a-f]{64}", device["id"])


def test_times_are_japan_time_and_validity_comes_from_the_profile() -> None:
    now = datetime.fromisoformat("2026-11-24T15:30:59.9+00:00")
    report = signed(now=now)
    assert report["generated_at"] == "2026-11-25T00:30:59+09:00"
    assert report["expires_at"] == "2026-12-02T00:30:59+09:00"
    assert report["validity_days"] == 7
    _, _, profile = live_run()
    short = signed(now=now, profile={**profile, "report": {"validity_days": 2}})
    assert at(short, "expires_at") - at(short, "generated_at") == timedelta(days=2)
    for bad in (0, 400, "7", True):
        with pytest.raises(ReportError, match="validity_days"):
            signed(profile={**profile, "report": {"validity_days": bad}})
    with pytest.raises(ReportError, match="time zone"):
        signed(now=datetime(2026, 11, 24, 12, 0))


def test_job_seeker_number_is_carried_as_its_hash_only() -> None:
    report = signed(job_seeker_number="１２３４５－６７８９０１２３")
    assert report["job_seeker_number_sha256"] == number_hash("12345-67890123")
    assert "67890123" not in report_bytes(report).decode()
    with pytest.raises(ReportError, match="job seeker number"):
        signed(job_seeker_number="1234-5")


def test_device_summary_without_the_load_check_comes_from_the_host() -> None:
    from precheck.host import LiveHost
    from precheck.report.make import make_report
    from precheck.runner import run_checks

    _, catalogue, profile = live_run()
    run = run_checks(LiveHost(), catalogue, profile=profile, only=["os-support"])
    host = LiveHost()
    report = make_report(run, catalogue, profile, host=host)
    platform = host.platform()
    assert report["device"]["os"] == {
        "system": platform.system,
        "release": platform.release,
        "machine": platform.machine,
    }
    assert report["device"]["cpu_model"] is None
    assert verify_report(report_bytes(report)).valid


# -- the device key and the device id -----------------------------------------------------


def test_key_is_made_once_private_and_reused() -> None:
    first = signed()
    second = signed()
    assert first["device"]["key_status"] == "new"
    assert second["device"]["key_status"] == "existing"
    assert first["signature"]["key_fingerprint"] == second["signature"]["key_fingerprint"]
    assert first["device"]["id"] == second["device"]["id"]
    assert (data_folder() / KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert (data_folder() / SALT_FILE).stat().st_mode & 0o777 == 0o600
    assert data_folder().stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda p: p.write_bytes(b"not a key at all"), "is damaged"),
        (lambda p: p.write_bytes(p.read_bytes()[:40]), "is damaged"),
        (lambda p: (p.unlink(), p.mkdir()), "cannot be read"),
        (lambda p: p.write_bytes(_ec_key_pem()), "another kind"),
    ],
)
def test_damaged_or_unreadable_key_is_replaced_not_a_crash(damage: Any, why: str) -> None:
    before = signed()
    path = data_folder() / KEY_FILE
    damage(path)
    key = load_device_key()
    assert key.status == "replaced"
    assert key.problem is not None and why in key.problem
    assert (data_folder() / (KEY_FILE + ".damaged")).exists(), "the damaged file is kept aside"
    after = signed()
    assert after["device"]["key_status"] == "existing"
    assert after["signature"]["key_fingerprint"] == key.fingerprint
    assert after["signature"]["key_fingerprint"] != before["signature"]["key_fingerprint"]
    assert after["device"]["id"] == before["device"]["id"], "same device, new key"
    assert verify_report(report_bytes(after)).valid


def _ec_key_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def test_a_key_file_others_can_read_is_made_private_again() -> None:
    signed()
    path = data_folder() / KEY_FILE
    os.chmod(path, 0o644)
    os.chmod(data_folder(), 0o755)
    assert load_device_key().status == "existing"
    assert path.stat().st_mode & 0o777 == 0o600
    assert data_folder().stat().st_mode & 0o777 == 0o700


def test_key_that_cannot_be_saved_is_a_report_error(tmp_path: Path, monkeypatch: Any) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("PRECHECK_DATA_DIR", str(blocker / "data"))
    with pytest.raises(ReportError, match="device key cannot be saved"):
        signed()


def test_device_id_is_salted_stable_and_unlinkable() -> None:
    salt_a, salt_b = b"a" * 32, b"b" * 32
    mid = "3d1219c7c4c5404aaa1f6d2a48adfda4"
    assert device_id(salt_a, mid) == device_id(salt_a, mid)
    assert device_id(salt_a, mid)[0] != device_id(salt_b, mid)[0]
    assert device_id(salt_a, mid)[0] != device_id(salt_a, mid[::-1])[0]
    assert device_id(salt_a, None)[1] == "salt-only"
    assert device_id(salt_a, mid)[1] == "machine-id"
    assert parse_machine_id(mid + "\n") == mid
    assert parse_machine_id("uninitialized\n") is None
    assert parse_machine_id("0" * 32) is None
    report = signed()
    this_machine = machine_id()
    if this_machine is not None:
        assert report["device"]["id_basis"] == "machine-id"
        assert this_machine not in report_bytes(report).decode()


def test_damaged_salt_is_replaced() -> None:
    first = signed()
    (data_folder() / SALT_FILE).write_text("zz")
    second = signed()
    assert second["device"]["id"] != first["device"]["id"]
    assert len(bytes.fromhex((data_folder() / SALT_FILE).read_text())) == 32


# -- the verifier's states ------------------------------------------------------------------


def test_fresh_report_is_valid_with_all_it_says() -> None:
    report = signed(job_seeker_number="12345-678")
    v = verify_report(report_bytes(report), job_seeker_number="12345678")
    assert (v.state, v.valid, v.reasons) == ("valid", True, [])
    assert v.report == report
    assert v.overall == report["overall"]
    assert v.key_fingerprint == report["signature"]["key_fingerprint"]
    assert v.number_hash == number_hash("12345-678") and v.number_match is True
    assert v.catalogue == "current"
    assert [r["id"] for r in v.failing] == [
        r["id"] for r in report["results"] if r["status"] in ("FAIL", "WARN", "UNKNOWN")
    ]
    d = v.as_dict()
    assert d["state"] == "valid" and d["key_status"] == "new"
    json.dumps(d)


def test_expiry_and_future_follow_the_clock() -> None:
    report = signed()
    data = report_bytes(report)
    made, expires = at(report, "generated_at"), at(report, "expires_at")
    assert verify_report(data, now=expires - timedelta(seconds=1)).state == "valid"
    expired = verify_report(data, now=expires)
    assert expired.state == "expired" and not expired.valid
    assert expired.report is not None, "an expired report can still be read"
    assert verify_report(data, now=made - timedelta(minutes=4)).state == "valid"
    future = verify_report(data, now=made - timedelta(minutes=6))
    assert future.state == "future"
    assert "future" in future.reasons[0].en


@pytest.mark.parametrize(
    ("made_with", "given", "why"),
    [
        ("12345-678", "12345-679", "does not match"),
        (None, "12345-678", "not made for a booking"),
        ("12345-678", "12-3", "malformed"),
    ],
)
def test_job_seeker_number_must_match(made_with: str | None, given: str, why: str) -> None:
    v = verify_report(report_bytes(signed(job_seeker_number=made_with)), job_seeker_number=given)
    assert v.state == "number-mismatch" and v.number_match is False
    assert why in v.reasons[0].en


def test_report_resigned_by_another_key_verifies_but_shows_another_fingerprint() -> None:
    """The limit the threat model states: a signature proves a key, not a device's honesty."""
    report = signed()
    copied = resign(report, new_key())
    v = verify_report(report_bytes(copied))
    assert v.valid
    assert v.key_fingerprint != report["signature"]["key_fingerprint"]


def test_signed_but_malformed_or_inconsistent_reports_are_unknown_format() -> None:
    report = signed()
    key = new_key()
    cases: list[tuple[dict[str, Any], str]] = [
        ({**report, "extra": 1}, "breaks the format"),
        (
            {**report, "overall": "ready" if report["overall"] != "ready" else "not-ready"},
            "overall",
        ),
        ({**report, "validity_days": report["validity_days"] + 1}, "do not agree"),
        ({**report, "results": report["results"] + report["results"][:1]}, "appears twice"),
    ]
    for body, why in cases:
        v = verify_report(report_bytes(resign(body, key)))
        assert v.state == "unknown-format", why
        assert why in " ".join(r.en for r in v.reasons)
        assert v.report is None
    version2 = verify_report(report_bytes(resign({**report, "version": 2}, key)))
    assert version2.state == "unknown-format" and "version 2" in version2.reasons[0].en
    other = verify_report(report_bytes({**report, "format": "something-else"}))
    assert other.state == "unknown-format"


def test_catalogue_of_another_version_or_content_is_a_note() -> None:
    report = signed()
    key = new_key(status="existing")
    older = dict(report, catalogue={**report["catalogue"], "version": "2020.1.0"})
    v = verify_report(report_bytes(resign(older, key)))
    assert v.valid and v.catalogue == "other-version"
    assert "2020.1.0" in v.notes[0].en
    modified = dict(report, catalogue={**report["catalogue"], "digest": "0" * 64})
    w = verify_report(report_bytes(resign(modified, key)))
    assert w.valid and w.catalogue == "modified" and "modified" in w.notes[0].en


def test_json_formatting_and_key_order_do_not_matter() -> None:
    """JCS: what is signed is the JSON data, not its spelling."""
    report = signed()
    compact = json.dumps(report, separators=(",", ":"), ensure_ascii=True).encode()
    reordered = json.dumps(dict(reversed(list(report.items()))), indent=7).encode()
    assert verify_report(compact).valid
    assert verify_report(reordered).valid


def test_duplicate_keys_nan_and_deep_nesting_are_unreadable() -> None:
    text = report_bytes(signed()).decode()
    duplicated = text.replace('"overall":', '"overall": "ready", "overall":', 1)
    assert verify_report(duplicated.encode()).state == "unreadable"
    assert verify_report(b'{"format": NaN}').state == "unreadable"
    assert verify_report(b"[" * 100_000 + b"]" * 100_000).state == "unreadable"
    assert verify_report(b"\xff\xfe{}").state == "unreadable"
    assert verify_report(b"[]").state == "unknown-format"


def test_large_and_endless_files_are_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(50 << 20)
    v = verify_file(big)
    assert v.state == "unreadable" and "too large" in v.reasons[0].en
    assert verify_report(b" " * (MAX_REPORT_BYTES + 1)).state == "unreadable"
    endless = Path("/dev/zero")
    if endless.exists():
        assert len(read_limited(endless)) == MAX_REPORT_BYTES + 1
        assert "too large" in verify_file(endless).reasons[0].en


def test_unreadable_files_are_states(tmp_path: Path) -> None:
    assert "No such file" in verify_file(tmp_path / "none.json").reasons[0].en
    assert "folder" in verify_file(tmp_path).reasons[0].en


# -- files ----------------------------------------------------------------------------------


def test_write_report_puts_json_and_html_in_the_reports_folder() -> None:
    report = signed()
    json_path, html_path = write_report(report)
    folder = Path(os.environ["PRECHECK_REPORTS_DIR"])
    assert json_path.parent == html_path.parent == folder
    assert json_path.stem == html_path.stem
    assert re.fullmatch(r"precheck-report-\d{8}-\d{6}", json_path.stem)
    assert verify_file(json_path).valid
    assert html_path.read_text(encoding="utf-8") == render_html(report, "ja")
    again = write_report(report)
    assert again[0] != json_path and again[0].stem.endswith("-2"), "never overwrites"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (json_path, html_path, *again)
    ), "no temporary files remain"


def test_write_failure_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WriteError):
        write_report(signed(), blocker / "reports")


def test_latest_report_is_the_newest_valid_one(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    assert latest_report(folder) is None
    now = datetime.now().astimezone()
    old, _ = write_report(signed(now=now - timedelta(days=2)), folder)
    new, _ = write_report(signed(now=now - timedelta(hours=1)), folder)
    expired, _ = write_report(signed(now=now - timedelta(days=30)), folder)
    assert latest_report(folder) == new
    tampered = json.loads(new.read_text())
    tampered["overall"] = "ready"
    new.write_text(json.dumps(tampered))
    assert latest_report(folder) == old
    (folder / "precheck-report-29991231-000000.json").write_text("{broken")
    assert latest_report(folder) == old
    assert expired.exists()


def test_latest_report_for_a_number_passes_over_newer_ones_of_others(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    now = datetime.now().astimezone()
    mine, _ = write_report(signed(now=now - timedelta(days=2), job_seeker_number="12345-1"), folder)
    write_report(signed(now=now - timedelta(hours=2), job_seeker_number="54321-1"), folder)
    write_report(signed(now=now - timedelta(hours=1)), folder)  # made without a number
    assert latest_report(folder, job_seeker_number="１２３４５－１") == mine
    assert latest_report(folder, job_seeker_number="99999-9") is None


# -- HTML -----------------------------------------------------------------------------------


def test_html_is_self_contained_bilingual_and_accessible() -> None:
    report = signed()
    page = render_html(report, "en")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page
    assert '<section lang="ja"' in page and '<section lang="en"' in page
    assert page.index('<section lang="en"') < page.index('<section lang="ja"')
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert not re.search(r"(src|href)=", page), "no external or embedded assets"
    assert "url(" not in page and "@import" not in page
    assert "@media print" in page
    assert '<th scope="col">' in page and '<th scope="row">' in page
    for result in report["results"]:
        assert f"{result['id']} · " in page
    for result in report["results"]:
        word = ui_text(f"status.{result['status']}")
        assert f"</span> {word.ja}</td>" in page and f"</span> {word.en}</td>" in page
    assert report["signature"]["key_fingerprint"] in page
    assert 'aria-hidden="true"' in page, "symbols are decoration; the status word is read out"


def test_html_escapes_everything_from_the_report() -> None:
    report = signed()
    evil = copy.deepcopy(report)
    evil["results"][0]["summary"]["ja"] = "<script>alert(1)</script>"
    evil["results"][0]["facts"] = {"x": "</pre><img src=x onerror=alert(1)>"}
    evil["profile"]["name"]["ja"] = '"><b>office</b>'
    page = render_html(evil, "ja")
    assert "<script>" not in page and "<img" not in page and "<b>office" not in page
    assert "&lt;script&gt;" in page


def test_html_banner_tells_the_verification_state() -> None:
    report = signed()
    expired = verify_report(report_bytes(report), now=at(report, "expires_at"))
    page = render_html(report, "en", verification=expired)
    assert 'role="alert"' in page and "expired" in page
    fine = render_html(report, "ja", verification=verify_report(report_bytes(report)))
    assert 'role="status"' in fine and "有効" in fine


def test_catalogue_digest_in_report_is_the_shipped_one() -> None:
    assert signed()["catalogue"]["digest"] == load_catalogue().digest


def test_verifying_a_report_loads_nothing_that_makes_one() -> None:
    """The office service and `precheck verify` import the verifier only: in a fresh process,
    importing it and verifying a real report loads no runner, probe, Host, catalogue loader or
    slow hardware library (the split of issue 15, item 9)."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from precheck.report.verify import verify_report\n"
        "state = verify_report(Path(sys.argv[1]).read_bytes()).state\n"
        "import precheck.office.api, precheck.office.dashboard.site\n"
        "print(state)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    example = Path(__file__).resolve().parents[1] / "reports" / "examples" / "example-report.json"
    done = subprocess.run(
        [sys.executable, "-c", code, str(example)], capture_output=True, text=True, check=True
    )
    state, modules = done.stdout.splitlines()
    assert state in ("valid", "expired")  # the example ages; verifying it is what counts
    loaded = set(modules.split())
    assert "precheck.report.verify" in loaded and "precheck.report.sign" in loaded
    for heavy in (
        "precheck.runner",
        "precheck.probes",
        "precheck.host",
        "precheck.report.make",
        "psutil",
        "cpuinfo",
        "cv2",
    ):
        assert heavy not in loaded, f"verifying loaded {heavy}"
