"""CI=true turns every kind of skip into a failure (tests/strict_ci.py), proven on an inner
pytest session that skips in each way pytest offers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]

SKIPPING_TESTS = {
    "test_module_importorskip": """
        import pytest
        pytest.importorskip("no_such_module_for_precheck")
        def test_never_collected(): pass
    """,
    "test_skipping": """
        import pytest

        @pytest.fixture
        def part():
            pytest.skip("the part is missing")

        @pytest.mark.skipif(True, reason="a condition")
        def test_skipif(): pass

        def test_skip_call(): pytest.skip("inside the test")

        def test_importorskip_inside():
            pytest.importorskip("no_such_module_for_precheck")

        @pytest.mark.parametrize("value", [])
        def test_empty_parametrization(value): pass

        def test_fixture_skips(part): pass

        @pytest.mark.xfail(reason="known", strict=True)
        def test_expected_failure(): assert False

        def test_runs(): pass
    """,
}


def run_inner(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> pytest.RunResult:
    pytester.makepyfile(**SKIPPING_TESTS)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, paths)))
    return pytester.runpytest_subprocess(
        "-p", "tests.strict_ci", "-p", "no:randomly", "-p", "no:cacheprovider",
        "--continue-on-collection-errors", "-rA",
    )  # fmt: skip


def test_every_kind_of_skip_fails_in_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_inner(pytester, monkeypatch, "true")
    outcomes = result.parseoutcomes()
    # skipif, empty parametrization and the fixture skip happen in setup (pytest calls a
    # failed setup an error); pytest.skip and importorskip inside the test fail it; the
    # module-level importorskip is a collection error. xfail and the plain test still pass.
    assert outcomes.get("skipped", 0) == 0, result.stdout.str()
    assert outcomes.get("failed", 0) + outcomes.get("errors", 0) == 6, result.stdout.str()
    assert outcomes.get("passed") == 1 and outcomes.get("xfailed") == 1
    text = result.stdout.str()
    for why in ("a condition", "inside the test", "the part is missing", "empty parameter set"):
        assert why in text
    assert text.count("CI=true: a skip is a failure here") >= 6
    assert result.ret != 0


def test_skips_stay_skips_off_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_inner(pytester, monkeypatch, None)
    outcomes = result.parseoutcomes()
    assert outcomes.get("skipped") == 6, result.stdout.str()
    assert outcomes.get("passed") == 1 and outcomes.get("xfailed") == 1
    assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0
    assert result.ret == 0


def test_tests_read_nothing_outside_the_repository() -> None:
    """A fresh clone has no `shared/` beside it: no test names a path there, and every sample a
    test parses is in tests/data/samples with the line saying where it was published."""
    tests = ROOT / "tests"
    for source in tests.rglob("*.py"):
        if source == Path(__file__).resolve():
            continue  # this file names them to look for them
        text = source.read_text(encoding="utf-8")
        for outside in ("../shared", "/work/shared", '"shared"', "parents[2]"):
            assert outside not in text, f"{source} reads outside the repository: {outside}"
    samples = [p for p in (tests / "data" / "samples").rglob("*") if p.parent.name != "samples"]
    assert len(samples) >= 20
    for path in samples:
        assert path.read_bytes().startswith(b"# source:"), f"{path} has no source line"
