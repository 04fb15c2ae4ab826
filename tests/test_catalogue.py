from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from precheck import probes
from precheck.catalogue import CatalogueError, load_catalogue, parse_check, ui_text
from precheck.resources import data_dir

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
    """Read the codes out of each probe's source: a code without catalogue text is a bug."""
    catalogue = load_catalogue()
    for check_id, module_name in probes.PROBES.items():
        spec = catalogue.checks[check_id]
        source = Path(__import__(module_name, fromlist=["x"]).__file__ or "").read_text()
        codes = {
            node.args[1].value
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call)
            and getattr(node.func, "id", "") in ("Verdict", "Phrase")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
        } | {
            node.args[0].value
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "Phrase"
            and isinstance(node.args[0], ast.Constant)
        }
        assert codes, check_id
        for code in map(str, codes):
            text = spec.messages.get(code) or ui_text(code)
            assert text.ja != code, f"{check_id}: no message for {code!r}"


def test_validation_names_file_and_field(tmp_path: Path) -> None:
    good = tomllib.loads((data_dir("checks") / "load.toml").read_text())
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
    source = (data_dir("checks") / "load.toml").read_text()
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
            date.fromisoformat(row["supported_until"])


def test_digest_changes_with_content(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "checks"
    shutil.copytree(data_dir("checks"), copy)
    before = load_catalogue(copy).digest
    load_catalogue.cache_clear()
    (copy / "load.toml").write_text((copy / "load.toml").read_text() + "\n# changed\n")
    assert load_catalogue(copy).digest != before
    load_catalogue.cache_clear()


def test_message_files_do_not_clash() -> None:
    assert ui_text("status.PASS").ja == "OK"
    assert ui_text("no-such-key").en == "no-such-key"
