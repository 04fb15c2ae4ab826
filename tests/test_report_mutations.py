"""Every single change to a signed report is refused by `verify`, with a reason and no traceback.

The mutations are generated, not hand-picked: an exhaustive walk over the real report (every
leaf changed in several ways, every key removed, renamed and added next to, every list shortened,
grown and reordered, every container replaced), then hypothesis for arbitrary new values at
arbitrary places. A change that leaves the JSON data the same (1 vs 1.0, key order, spacing) is
not a change: JCS signs the data, and test_report.py shows such rewrites stay valid.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from precheck.cli import main
from precheck.report.store import report_bytes
from precheck.report.verify import STATES, verify_report
from tests.reports import new_key, signed

Path_ = tuple[str | int, ...]
Mutation = tuple[str, Callable[[Any], None]]


def walk(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every node (containers and leaves) with its path, depth first."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk(child, (*path, index))


def get(root: Any, path: Path_) -> Any:
    for part in path:
        root = root[part]
    return root


def setter(path: Path_, new: Any) -> Callable[[Any], None]:
    def apply(root: Any) -> None:
        get(root, path[:-1])[path[-1]] = copy.deepcopy(new)

    return apply


def leaf_variants(value: Any) -> list[Any]:
    """Other values for a leaf: small edits and changes of type."""
    if isinstance(value, bool):
        return [not value, int(value), None, str(value).lower()]
    if isinstance(value, int):
        return [value + 1, value - 1, -value - 1, str(value), value + 0.5, None, True]
    if isinstance(value, float):
        return [value + 1, -value - 0.25, str(value), None]
    if isinstance(value, str):
        out = [value + "x", "", value.upper(), value.lower(), value[::-1], None, 0, [value]]
        if value:
            out += [value[:-1], "x" + value[1:], value[:-1] + chr(ord(value[-1]) ^ 1), " " + value]
        return out
    if value is None:
        return [0, "", False, {}, []]
    return []


def at_node(path: Path_, change: Callable[[Any], None]) -> Callable[[Any], None]:
    """A mutation that applies `change` to the container at `path` of a report copy."""

    def apply(root: Any) -> None:
        change(get(root, path))

    return apply


def rename(key: str) -> Callable[[Any], None]:
    def apply(node: Any) -> None:
        node[key + "_"] = node.pop(key)

    return apply


def swap(index: int) -> Callable[[Any], None]:
    def apply(node: Any) -> None:
        node[index], node[index + 1] = node[index + 1], node[index]

    return apply


def repeat(index: int) -> Callable[[Any], None]:
    def apply(node: Any) -> None:
        node.insert(index, copy.deepcopy(node[index]))

    return apply


def pop(key: str | int) -> Callable[[Any], None]:
    def apply(node: Any) -> None:
        node.pop(key)

    return apply


def add(key: str) -> Callable[[Any], None]:
    def apply(node: Any) -> None:
        node[key] = 1

    return apply


def append(node: Any) -> None:
    node.append("x")


def mutations(report: dict[str, Any]) -> Iterator[Mutation]:
    for path, value in list(walk(report)):
        where = "/".join(map(str, path)) or "(top)"
        for variant in leaf_variants(value):
            if path:
                yield f"{where} = {variant!r:.40}", setter(path, variant)
        if isinstance(value, dict):
            for key in value:
                yield f"{where}: remove {key}", at_node(path, pop(key))
                yield f"{where}: rename {key}", at_node(path, rename(key))
            for extra in ("x", "signature_", "Format", ""):
                if extra not in value:
                    yield f"{where}: add {extra!r}", at_node(path, add(extra))
        if isinstance(value, list):
            for index in range(len(value)):
                yield f"{where}: drop [{index}]", at_node(path, pop(index))
                yield f"{where}: repeat [{index}]", at_node(path, repeat(index))
            for index in range(len(value) - 1):
                if value[index] != value[index + 1]:
                    yield f"{where}: swap [{index}] and [{index + 1}]", at_node(path, swap(index))
            yield f"{where}: append", at_node(path, append)
        if path and isinstance(value, (dict, list)):
            for variant in (None, {}, [], json.dumps(value)):
                if variant != value:
                    yield f"{where} replaced by {type(variant).__name__}", setter(path, variant)


def canonical_or_none(value: Any) -> bytes | None:
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError):
        return None


def assert_rejected(report: dict[str, Any], mutated: dict[str, Any], what: str) -> None:
    data = report_bytes(mutated)
    verification = verify_report(data)
    assert not verification.valid, f"accepted after: {what}"
    assert verification.state in STATES
    assert verification.reasons, f"no reason given after: {what}"
    assert verification.report is None or verification.state != "valid"


@pytest.fixture
def report() -> dict[str, Any]:
    made = signed(job_seeker_number="12345-67890123")
    assert verify_report(report_bytes(made)).valid
    return made


def test_every_generated_single_change_is_rejected(report: dict[str, Any]) -> None:
    original = rfc8785.dumps(report)
    tried = 0
    for what, mutate in mutations(report):
        mutated = copy.deepcopy(report)
        mutate(mutated)
        if canonical_or_none(mutated) == original:
            continue  # the same JSON data: not a change
        assert_rejected(report, mutated, what)
        tried += 1
    leaves = sum(1 for _, v in walk(report) if not isinstance(v, (dict, list)))
    print(f"\n{tried} mutations over {leaves} leaves, all rejected")
    assert tried > 10 * leaves


def test_public_key_swaps_are_rejected(report: dict[str, Any]) -> None:
    other = new_key()
    swapped = copy.deepcopy(report)
    swapped["signature"]["public_key"] = other.public_b64
    v = verify_report(report_bytes(swapped))
    assert v.state == "invalid" and "fingerprint" in v.reasons[0].en
    swapped["signature"]["key_fingerprint"] = other.fingerprint
    w = verify_report(report_bytes(swapped))
    assert w.state == "invalid" and "does not match the content" in w.reasons[0].en


def test_non_canonical_base64_of_the_same_bytes_is_rejected(report: dict[str, Any]) -> None:
    """The envelope is not signed itself: another spelling of the same bytes must not pass."""
    raw = base64.b64decode(report["signature"]["value"])
    spelled = base64.b64encode(raw).decode()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = spelled[-3]
    for ch in alphabet:
        variant = spelled[:-3] + ch + "=="
        if variant != spelled and base64.b64decode(variant) == raw:
            mutated = copy.deepcopy(report)
            mutated["signature"]["value"] = variant
            assert not verify_report(report_bytes(mutated)).valid, (last, ch)
            return
    pytest.fail("no other spelling found")  # 64-byte values always have 4 spare bits


def test_every_truncation_is_rejected(report: dict[str, Any]) -> None:
    data = report_bytes(report)
    content = data.rstrip()
    for cut in range(len(content)):
        verification = verify_report(content[:cut])
        assert verification.state == "unreadable", cut
        assert verification.reasons


SHARED_FIXTURE = [HealthCheck.function_scoped_fixture]
"""The report fixture is only read: one signed report serves every example."""

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_new_value_anywhere_is_rejected(report: dict[str, Any], data: st.DataObject) -> None:
    paths = [p for p, _ in walk(report) if p]
    path = data.draw(st.sampled_from(paths))
    new = data.draw(JSON)
    mutated = copy.deepcopy(report)
    setter(path, new)(mutated)
    if canonical_or_none(mutated) == rfc8785.dumps(report):
        return
    assert_rejected(report, mutated, f"{path} = {new!r}")


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_added_key_is_rejected(report: dict[str, Any], data: st.DataObject) -> None:
    objects = [p for p, v in walk(report) if isinstance(v, dict)]
    path = data.draw(st.sampled_from(objects))
    key = data.draw(st.text(max_size=12))
    mutated = copy.deepcopy(report)
    target = get(mutated, path)
    if key in target:
        return
    target[key] = data.draw(JSON)
    assert_rejected(report, mutated, f"{path} + {key!r}")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    verification = verify_report(data)
    assert not verification.valid and verification.reasons


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["format", "version", "signature", "results", "x"]), JSON))
def test_arbitrary_objects_never_raise(obj: dict[str, Any]) -> None:
    obj.setdefault("format", "precheck-report")
    verification = verify_report(json.dumps(obj).encode())
    assert not verification.valid and verification.reasons


def test_cli_rejects_mutated_files_plainly(
    report: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    original = rfc8785.dumps(report)
    for index, (_what, mutate) in enumerate(mutations(report)):
        if index % 97:
            continue
        mutated = copy.deepcopy(report)
        mutate(mutated)
        if canonical_or_none(mutated) == original:
            continue
        path = tmp_path / f"m{index}.json"
        path.write_bytes(report_bytes(mutated))
        files.append(str(path))
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(report_bytes(report)[:-100])
    not_json = tmp_path / "photo.jpg"
    not_json.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(50 << 20)
    files += [str(truncated), str(not_json), str(big)]
    code = main(["verify", "--lang", "en", *files])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    assert out.count("✗ ") == len(files)
    assert f"0 of {len(files)} valid." in out
    assert "too large" in out and "not valid JSON" in out


def test_compiled_schema_check_agrees_with_jsonschema(report: dict[str, Any]) -> None:
    """The fast compiled check (fastjsonschema) and jsonschema, the reference implementation of
    the schema's draft, give the same yes/no on the real report and on every generated change
    of it, so speeding verification up did not loosen it. The changes include the ones where
    Python equality is loose (True vs 1, 1.0 vs 1, "1" vs 1)."""
    import fastjsonschema

    from precheck.report import format as report_format

    reference = report_format._validator()
    compiled = report_format._compiled()

    def compiled_ok(value: Any) -> bool:
        try:
            compiled(value)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    assert reference.is_valid(report) and compiled_ok(report)
    refused = 0
    for what, mutate in mutations(report):
        mutated = copy.deepcopy(report)
        mutate(mutated)
        expected = reference.is_valid(mutated)
        assert compiled_ok(mutated) == expected, f"the two schema checks disagree after: {what}"
        assert (report_format.schema_errors(mutated) == []) == expected, what
        refused += not expected
    assert refused > 100
