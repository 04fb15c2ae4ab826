from __future__ import annotations

import ast
import re
import shutil
import string
import tomllib
from datetime import date
from pathlib import Path

import pytest

from precheck import probes
from precheck.catalogue import CatalogueError, load_catalogue, parse_check
from precheck.messages import ui_text
from precheck.model import Status
from precheck.profile import load_profile
from precheck.resources import shipped_dir

DESIGN_IDS = {
    "os-support", "firewall", "antivirus", "file-sharing", "network", "meeting-app", "camera",
    "browser", "microphone", "recording", "load",
}  # fmt: skip


def test_catalogue_has_every_condition_of_the_design() -> None:
    catalogue = load_catalogue()
    assert set(catalogue.checks) == DESIGN_IDS
    for spec in catalogue.checks.values():
        assert all(a.startswith("第") for a in spec.articles)
        assert spec.title.ja and spec.title.en


def test_every_code_a_probe_returns_has_a_message_and_remediation() -> None:
    """Read the codes out of each probe's source: a code without catalogue text is a bug, and
    so is a WARN, FAIL or UNKNOWN outcome with no fix for a system it can occur on."""
    catalogue = load_catalogue()
    for check_id, module_name in probes.PROBES.items():
        spec = catalogue.checks[check_id]
        tree = ast.parse(Path(__import__(module_name, fromlist=["x"]).__file__ or "").read_text())
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        outcomes = {
            str(node.args[1].value)
            for node in calls
            if getattr(node.func, "id", "") == "Verdict"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
        }
        phrases = {
            str(node.args[0].value)
            for node in calls
            if getattr(node.func, "id", "") == "Phrase" and isinstance(node.args[0], ast.Constant)
        }
        assert outcomes, check_id
        for code in outcomes | phrases:
            text = spec.messages.get(code) or ui_text(code)
            assert text.ja != code, f"{check_id}: no message for {code!r}"
        for code in outcomes:
            status = spec.statuses.get(code)
            if status is None:  # the runner's shared outcomes (core.toml) have no per-OS fix
                continue
            if status is Status.PASS:  # verify refuses a report with a fix on a PASS
                assert code not in spec.remediation, f"{check_id}: {code} passes yet has a fix"
            if status not in NEEDS_FIX:
                continue
            for system in spec.systems[code]:
                fix = spec.remediation_for(code, system, {})
                assert fix is not None, f"{check_id}: {code} ({status}) has no fix on {system}"
                assert fix.ja.strip() and fix.en.strip(), f"{check_id}: {code} on {system}"


def test_validation_names_file_and_field(tmp_path: Path) -> None:
    good = tomllib.loads((shipped_dir("checks") / "load.toml").read_text())
    for field, bad in [
        ("title", {"ja": "x"}),
        ("articles", []),
        ("required", "yes"),
        ("order", "1"),
    ]:
        data = {**good, field: bad}
        with pytest.raises(CatalogueError, match=f"x.toml: field '{field}"):
            parse_check(data, "x.toml")


def test_broken_catalogue_folder(tmp_path: Path) -> None:
    (tmp_path / "catalogue.toml").write_text('version = "1"\nas_of = "2026-01-01"\n')
    (tmp_path / "camera.toml").write_text("id = [")
    with pytest.raises(CatalogueError, match=r"camera\.toml: not valid TOML"):
        load_catalogue(tmp_path)


def test_file_name_must_match_id(tmp_path: Path) -> None:
    (tmp_path / "catalogue.toml").write_text('version = "1"\nas_of = "2026-01-01"\n')
    source = (shipped_dir("checks") / "load.toml").read_text()
    (tmp_path / "camera.toml").write_text(source)
    with pytest.raises(CatalogueError, match="field 'id' is 'load'"):
        load_catalogue(tmp_path)


def test_lifecycle_table_rows_are_dates() -> None:
    from datetime import date

    table = load_catalogue().table("os-lifecycle")
    assert table["source"] and date.fromisoformat(table["as_of"])
    for distro, releases in table["linux"].items():
        for version, row in releases.items():
            assert row["name"], (distro, version)
            # A row without an end date is a release whose end is not announced (LMDE 7).
            if "supported_until" in row or distro != "lmde":
                date.fromisoformat(row["supported_until"])


def test_digest_changes_with_content(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "checks"
    shutil.copytree(shipped_dir("checks"), copy)
    before = load_catalogue(copy).digest
    load_catalogue.cache_clear()
    (copy / "load.toml").write_text((copy / "load.toml").read_text() + "\n# changed\n")
    assert load_catalogue(copy).digest != before
    load_catalogue.cache_clear()


def test_message_files_do_not_clash() -> None:
    assert ui_text("status.PASS").ja == "OK"
    assert ui_text("no-such-key").en == "no-such-key"


# --- Every check as a specification: outcomes, remediation, sources -------------------------

NEW_CHECKS = (
    "firewall", "antivirus", "file-sharing", "network", "meeting-app", "camera", "browser",
    "microphone", "recording",
)  # fmt: skip
NEEDS_FIX = {Status.WARN, Status.FAIL, Status.UNKNOWN}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("check_id", sorted(DESIGN_IDS))
def test_every_outcome_has_a_status_and_every_problem_a_fix_on_each_system(check_id: str) -> None:
    spec = load_catalogue().checks[check_id]
    assert any(s is Status.PASS for s in spec.statuses.values()), f"{check_id}: no PASS outcome"
    for code, status in spec.statuses.items():
        if status not in NEEDS_FIX:
            continue
        fixes = spec.remediation.get(code, {})
        for system in spec.systems[code]:
            assert system in fixes or "any" in fixes, f"{check_id}: {code} has no fix on {system}"
    for code in spec.remediation:
        assert code in spec.messages, f"{check_id}: remediation for unknown code {code!r}"


@pytest.mark.parametrize("check_id", sorted(DESIGN_IDS))
def test_japanese_and_english_fill_the_same_names(check_id: str) -> None:
    spec = load_catalogue().checks[check_id]
    texts = [(f"messages.{c}", t) for c, t in spec.messages.items()] + [
        (f"remediation.{c}.{system}", t)
        for c, per_os in spec.remediation.items()
        for system, t in per_os.items()
    ]
    for where, text in [("title", spec.title), ("rationale", spec.rationale), *texts]:
        assert _fields(text.ja) == _fields(text.en), f"{check_id} {where}"
        words = re.sub(r"\{[a-z_]+\}", "", text.ja)
        if re.search(r"[A-Za-z]{2}", words):
            assert re.search(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]", words), where


@pytest.mark.parametrize("check_id", NEW_CHECKS)
def test_remediation_is_polite_and_concrete(check_id: str) -> None:
    spec = load_catalogue().checks[check_id]
    for code, per_os in spec.remediation.items():
        for system, text in per_os.items():
            assert text.ja.endswith("。"), f"{check_id} {code}.{system}"
            assert re.search(r"(ください|ます|です)。", text.ja), f"{check_id} {code}.{system}"
            # Windows 11 paths through 「プライバシーとセキュリティ」 differ on Windows 10: say how.
            # The Location gate exists on Windows 11 only (media-network.md §3.1).
            windows_11_path = "「プライバシーとセキュリティ」" in text.ja
            if system == "windows" and windows_11_path and code != "location-permission":
                assert "Windows 10" in text.ja and "Windows 10" in text.en, code


@pytest.mark.parametrize("check_id", NEW_CHECKS)
def test_every_threshold_has_a_comment_naming_its_source(check_id: str) -> None:
    """Comments are not data, so read the file: each threshold sits under a sourced comment."""
    lines = (shipped_dir("checks") / f"{check_id}.toml").read_text().splitlines()
    start = lines.index("[thresholds]") + 1
    comment: list[str] = []
    keys = 0
    for line in lines[start:]:
        if line.startswith("["):
            break
        if line.startswith("#"):
            comment.append(line)
        elif re.match(r"[a-z_]+ = ", line):
            keys += 1
            assert comment, f"{check_id}: threshold without a comment: {line}"
            assert re.search(r"§|DESIGN\.md|tables/|UNVERIFIED", " ".join(comment)), line
        elif not line.strip():
            comment = []
    assert keys, f"{check_id}: no thresholds"


def test_declared_statuses_match_what_implemented_probes_return() -> None:
    """A probe returning FAIL for a code the catalogue calls WARN is a bug in one of them."""
    catalogue = load_catalogue()
    checked = 0
    for check_id, module_name in probes.PROBES.items():
        spec = catalogue.checks[check_id]
        source = Path(__import__(module_name, fromlist=["x"]).__file__ or "").read_text()
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Verdict"):
                continue
            status, code = node.args[0], node.args[1]
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                if code.value not in spec.statuses:
                    continue
                assert isinstance(status, ast.Attribute)
                assert spec.statuses[code.value].value == status.attr, (check_id, code.value)
                checked += 1
    assert checked >= 5


# --- Reference tables ---------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "checks"
    shutil.copytree(shipped_dir("checks"), copy)
    return copy


@pytest.mark.parametrize(
    ("table", "old", "new", "field"),
    [
        ("file-sharing", 'kind = "p2p"\n', 'kind = "torrent"\n', r"programs\[0\]\.kind"),
        ("file-sharing", 'windows_exe = ["share.exe"]', 'windows_exe = "share.exe"',
         r"programs\[1\]\.windows_exe"),
        ("recording", 'builtin = false\n', 'builtin = "no"\n', r"programs\[0\]\.builtin"),
        ("os-lifecycle", 'supported_until = "2030-06-30"', 'supported_until = "2030-13-01"',
         r"linux\.debian\.13\.supported_until"),
        ("os-lifecycle", 'ubr = 6899\n', 'ubr = "6899"\n', r"windows\.updates\[0\]\.ubr"),
        ("os-lifecycle", '[darwin]\nsource', '[darwin_]\nsource', r"'darwin\.source' is missing"),
        ("antivirus", 'family = "clamav"', 'family = "free"', r"products\[\d+\]\.family"),
        ("browsers", 'anchor_date = "2026-09-08"', 'anchor_date = "soon"',
         r"browsers\.chrome\.anchor_date"),
        ("wifi-free-japan", 'pattern = "^0000"', 'pattern = "(0000"', r"patterns\[0\]\.pattern"),
        ("wifi-free-japan", 'as_of = "2026-11-24"', 'as_of = "last week"', r"'as_of'"),
        ("antivirus", '\nsource = "research/posture.md', '\norigin = "research/posture.md',
         r"'source' is missing"),
    ],
)  # fmt: skip
def test_a_broken_table_fails_at_load_naming_file_and_field(
    tmp_path: Path, table: str, old: str, new: str, field: str
) -> None:
    copy = _copy(tmp_path)
    path = copy / "tables" / f"{table}.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(CatalogueError, match=rf"{table}\.toml: field .*{field}"):
        load_catalogue(copy)


def test_a_table_that_is_not_toml_is_named(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    (copy / "tables" / "browsers.toml").write_text("as_of = [")
    with pytest.raises(CatalogueError, match=r"browsers\.toml: not valid TOML"):
        load_catalogue(copy)


def test_a_message_system_must_be_known() -> None:
    good = tomllib.loads((shipped_dir("checks") / "network.toml").read_text())
    good["messages"]["metered"]["systems"] = ["android"]
    with pytest.raises(CatalogueError, match=r"x\.toml: field 'messages\.metered\.systems'"):
        parse_check(good, "x.toml")


def test_windows_lifecycle_rows_agree_with_each_other() -> None:
    windows = load_catalogue().table("os-lifecycle")["windows"]
    known = {int(b) for part in ("builds", "ltsc", "server") for b in windows[part]}
    as_of = date.fromisoformat(windows["updates_as_of"])
    newest: dict[int, tuple[str, int]] = {}
    for row in windows["updates"]:
        assert set(row["builds"]) <= known, row
        assert date.fromisoformat(row["date"]) <= as_of, row
        if row["kind"] != "security":
            continue
        for build in row["builds"]:
            before = newest.get(build)
            if before is not None:
                assert (row["date"], row["ubr"]) > before, (build, row)
            newest[build] = (row["date"], row["ubr"])
    for build, row in windows["builds"].items():
        if "home_pro_until" in row:
            assert row["home_pro_until"] <= row["enterprise_until"], build
    assert "19045" in windows["esu"] and windows["esu"]["19045"]["evidence_after_ubr"] > 0


def test_macos_rows_follow_the_three_majors_rule() -> None:
    darwin = load_catalogue().table("os-lifecycle")["darwin"]
    majors = sorted((int(m) for m in darwin["releases"]), reverse=True)
    supported = [m for m in majors if darwin["releases"][str(m)]["status"] == "supported"]
    assert supported == majors[: darwin["supported_majors"]]
    for major in majors[darwin["supported_majors"] + 1 :]:
        assert darwin["releases"][str(major)]["status"] == "unsupported", major
        assert "eol" in darwin["releases"][str(major)], major


def test_file_sharing_names_are_unique_and_never_a_near_miss() -> None:
    table = load_catalogue().table("file-sharing")
    identifiers = ("windows_exe", "windows_exe_unverified", "macos_apps", "macos_bundle_ids",
                   "debian_packages", "linux_binaries", "systemd_units")  # fmt: skip
    seen: dict[str, str] = {}
    for program in table["programs"]:
        assert any(program.get(key) for key in identifiers), program["id"]
        for key in identifiers:
            for name in program.get(key, []):
                folded = name.casefold()
                assert folded not in seen or seen[folded] == program["id"], name
                seen[folded] = program["id"]
    for near in table["near_misses"]:
        for key in identifiers:
            for name in near.get(key, []):
                assert name.casefold() not in seen, f"near miss {name} is also flagged"
    assert {"winny.exe", "share.exe"} <= set(seen)
    assert "sharex.exe" not in seen


def test_recording_table_is_advisory_and_sourced() -> None:
    table = load_catalogue().table("recording")
    assert table["advisory"] is True
    assert load_catalogue().checks["recording"].required is False
    assert "FAIL" not in {s.value for s in load_catalogue().checks["recording"].statuses.values()}
    builtin = {p["id"] for p in table["programs"] if p["builtin"]}
    assert {"xbox-game-bar", "gnome-screencast", "quicktime-player"} <= builtin


def test_wifi_rows_that_may_fail_have_a_source() -> None:
    table = load_catalogue().table("wifi-free-japan")
    for row in table["ssids"]:
        if row["verified"]:
            assert not row["source"].startswith("none"), row["ssid"]
    names = [row["ssid"].casefold() for row in table["ssids"]]
    assert len(names) == len(set(names))
    assert any(re.search(p["pattern"], "LAWSON_Free_Wi-Fi", re.I) for p in table["patterns"])


def test_browser_rules_have_what_they_need() -> None:
    browsers = load_catalogue().table("browsers")["browsers"]
    for name, row in browsers.items():
        if row["rule"] in ("rapid-major", "release-major"):
            assert {"anchor_major", "anchor_date", "cadence_days"} <= set(row), name
            assert date.fromisoformat(row["releases"][str(row["anchor_major"])])
        if row["rule"] == "esr":
            assert not set(row["supported_branches"]) & set(row["unsupported_branches"])
        if row["rule"] in ("build-age", "os"):
            assert row["may_fail"] is False, name


def test_office_profile_decides_every_antivirus_family_with_a_reason() -> None:
    policy = load_profile()["checks"]["antivirus"]
    families = {p["family"] for p in load_catalogue().table("antivirus")["products"]}
    for family in families:
        assert policy[family] in ("accept", "confirm", "reject"), family
    assert policy["reason"]["ja"].strip() and policy["reason"]["en"].strip()
    assert "有償版相当" in policy["reason"]["ja"]


def test_the_docs_list_every_outcome_code_with_its_status() -> None:
    """docs/catalogue.md is the probes' specification: it must not drift from the catalogue."""
    docs = (shipped_dir("checks").parent / "docs" / "catalogue.md").read_text()
    for spec in load_catalogue().ordered():
        section = docs.split(f"### {spec.id}\n", 1)[1].split("\n### ", 1)[0]
        for code, status in spec.statuses.items():
            assert f"| `{code}` | {status.value} |" in section, (spec.id, code)
