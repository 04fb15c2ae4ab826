"""Package-listing, Info.plist and Uninstall-value parsers: real outputs, and never raising."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from precheck.parse.bounded import MAX_PROGRAMS, MAX_VALUE
from precheck.parse.info_plist import is_binary_plist, parse_info_plist
from precheck.parse.packages import (
    parse_dpkg_query,
    parse_flatpak_list,
    parse_rpm_query,
    parse_snap_list,
)
from precheck.parse.windows_uninstall import exe_name, uninstall_entry
from tests.conftest import sample

PARSERS = (parse_dpkg_query, parse_rpm_query, parse_flatpak_list, parse_snap_list)


def test_snap_list_published() -> None:
    found = parse_snap_list(sample("linux/snap-list-lxd.txt"))
    assert found[0] == ("core20", "20231123")
    assert [n for n, _ in found] == ["core20", "core22", "lxd", "lxd", "snapd"]


def test_transmission_info_plist() -> None:
    info = parse_info_plist(sample("macos/transmission-info-plist.txt"))
    assert info["CFBundleIdentifier"] == "org.m0k.transmission"
    assert info["CFBundleExecutable"] == "Transmission"


def test_a_binary_plist_is_recognised_and_not_parsed_as_text() -> None:
    text = "bplist00\ufffd\x01\x02"
    assert is_binary_plist(text) and parse_info_plist(text) == {}


def test_plist_json_form_from_plutil() -> None:
    info = parse_info_plist('{"CFBundleIdentifier": "org.m0k.transmission", "X": [1]}')
    assert info == {"CFBundleIdentifier": "org.m0k.transmission"}


def test_external_entities_are_not_expanded() -> None:
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<plist><dict><key>CFBundleIdentifier</key><string>&x;</string></dict></plist>"
    )
    assert "root" not in str(parse_info_plist(hostile))


def test_exe_name_from_display_icon() -> None:
    assert exe_name('"C:\\Program Files\\qBittorrent\\qbittorrent.exe",0') == "qbittorrent.exe"
    assert exe_name("C:\\Program Files (x86)\\Foo Bar\\Foo.EXE") == "Foo.EXE"
    assert exe_name("C:\\Windows\\Installer\\{1234}\\icon.ico") is None
    assert uninstall_entry({"DisplayVersion": "1.0"}) is None


@given(st.text(max_size=3000))
def test_parsers_never_raise(text: str) -> None:
    for parse in PARSERS:
        for name, version in parse(text):
            assert len(name) <= MAX_VALUE and (version is None or len(version) <= MAX_VALUE)
    parse_info_plist(text)
    exe_name(text)


@given(st.text(min_size=1, max_size=2000))
def test_truncated_real_outputs_never_raise(tail: str) -> None:
    snap = sample("linux/snap-list-lxd.txt")
    plist = sample("macos/transmission-info-plist.txt")
    for cut in (len(snap) // 3, len(snap) // 2):
        parse_snap_list(snap[:cut] + tail)
    parse_info_plist(plist[: len(plist) // 2] + tail)


def test_a_mebibyte_parses_quickly_and_is_capped() -> None:
    line = "p" * 300 + "\t1.0\tinstall ok installed\n"
    text = line * ((1 << 20) // len(line) + 1)
    started = time.process_time()
    found = parse_dpkg_query(text)
    for parse in PARSERS[1:]:
        parse(text)
    parse_info_plist("<plist>" + "x" * (1 << 20))
    assert time.process_time() - started < 1.0
    assert len(found) <= MAX_PROGRAMS and all(len(n) == MAX_VALUE for n, _ in found)
    assert found[0][0].endswith("…")
