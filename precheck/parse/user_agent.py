"""A phone's OS and browser from what its browser sends: User-Agent Client Hints, else the UA.

Browsers hide versions on purpose, and each hides differently (research/phone-selfcheck.md §1):
Chrome on Android freezes the UA at "Android 10; K" and gives the real version only through the
`Sec-CH-UA-Platform-Version` hint; Safari 26 on iOS/iPadOS freezes the OS token at 18_6/18_7
while its `Version/26.x` token still tracks the release. So the version's source and whether the
browser may be hiding the truth travel with the version, and the decider turns a would-be FAIL
into a WARN when it may be hidden.

Linear and bounded: the UA is cut at MAX_UA characters, each hint at MAX_HINT, before any regex
runs (the patterns are anchored on literal tokens, without nested repetition).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

MAX_UA = 512
MAX_HINT = 200

_IOS_OS = re.compile(r"(?:iPhone|CPU) OS (\d{1,3})[_.](\d{1,3})")
_SAFARI_VERSION = re.compile(r"Version/(\d{1,3})\.(\d{1,3})")
_ANDROID = re.compile(r"Android (\d{1,3})(?:\.(\d{1,3}))?")
_BROWSERS = (
    ("Samsung Internet", re.compile(r"SamsungBrowser/(\d{1,4})")),
    ("Edge", re.compile(r"EdgA?/(\d{1,4})")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d{1,4})")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS)/(\d{1,4})")),
    ("Safari", re.compile(r"Version/(\d{1,4})[.\d]{0,12} (?:Mobile/\S{1,20} )?Safari/")),
)
FROZEN_ANDROID = "Android 10; K"
FROZEN_IOS_MAJORS = (18,)
"""Safari 26 sends "iPhone OS 18_6" (later 18_7): an 18 from a browser without a trustworthy
`Version/` token may really be 26 or newer."""


@dataclass(frozen=True)
class DeviceFacts:
    family: str  # "ios", "ipados", "android", "desktop" or "unknown"
    major: int | None
    version: str | None  # as far as it is known, e.g. "26.1" or "14.0.0"
    source: str  # "client-hints", "safari-version", "user-agent" or "none"
    may_hide: bool  # the browser is known to freeze or hide this version
    browser: str | None  # e.g. "Safari 26", "Chrome 142"
    mobile: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _hint(hints: Mapping[str, str], name: str) -> str:
    """A structured-header string hint without its quotes ("Android" -> Android), bounded."""
    value = str(hints.get(name, ""))[:MAX_HINT].strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value


def _browser(ua: str) -> str | None:
    for name, pattern in _BROWSERS:
        found = pattern.search(ua)
        if found:
            return f"{name} {found.group(1)}"
    return None


def _major(text: str) -> int | None:
    head = text.split(".", 1)[0]
    return int(head) if head.isdigit() and len(head) <= 3 else None


def parse_device(
    user_agent: str, hints: Mapping[str, str] | None = None, *, touch_mac: bool = False
) -> DeviceFacts:
    """What can honestly be said about the OS; `hints` are the Sec-CH-UA-* request headers
    (lower-case names) or the page's `getHighEntropyValues()` answer under the same names.
    `touch_mac` is the page's word that a "Macintosh" UA has a touch screen (an iPad asking
    for desktop sites)."""
    ua = user_agent[:MAX_UA]
    hints = hints or {}
    browser = _browser(ua)
    platform = _hint(hints, "sec-ch-ua-platform")
    platform_version = _hint(hints, "sec-ch-ua-platform-version")
    mobile_hint = _hint(hints, "sec-ch-ua-mobile")
    mobile = mobile_hint == "?1" or any(t in ua for t in ("Mobile", "iPhone", "iPad", "Android"))

    if platform == "Android" or "Android" in ua:
        major = _major(platform_version) if platform_version else None
        if platform == "Android" and major is not None:
            return DeviceFacts(
                "android", major, platform_version, "client-hints", False, browser, True
            )
        if FROZEN_ANDROID in ua:
            return DeviceFacts("android", None, None, "none", True, browser, True)
        found = _ANDROID.search(ua)
        if found:
            version = found.group(1) + (f".{found.group(2)}" if found.group(2) else "")
            return DeviceFacts(
                "android", int(found.group(1)), version, "user-agent", True, browser, True
            )
        return DeviceFacts("android", None, None, "none", True, browser, True)

    ipad = "iPad" in ua or ("Macintosh" in ua and touch_mac)
    if ipad or "iPhone" in ua or "iPod" in ua:
        family = "ipados" if ipad else "ios"
        safari = _SAFARI_VERSION.search(ua) if "Safari/" in ua and "CriOS" not in ua else None
        os_token = _IOS_OS.search(ua)
        if safari and int(safari.group(1)) >= 26:
            version = f"{safari.group(1)}.{safari.group(2)}"
            return DeviceFacts(
                family, int(safari.group(1)), version, "safari-version", False, browser, True
            )
        if os_token:
            major = int(os_token.group(1))
            version = f"{major}.{os_token.group(2)}"
            hidden = major in FROZEN_IOS_MAJORS and not safari
            return DeviceFacts(family, major, version, "user-agent", hidden, browser, True)
        if safari:  # an iPad in desktop mode says only "Version/x.y"
            version = f"{safari.group(1)}.{safari.group(2)}"
            return DeviceFacts(
                family, int(safari.group(1)), version, "safari-version", True, browser, True
            )
        return DeviceFacts(family, None, None, "none", True, browser, True)

    desktop = platform in ("Windows", "macOS", "Linux", "Chrome OS") or any(
        t in ua for t in ("Windows NT", "Macintosh", "X11", "CrOS")
    )
    family = "desktop" if desktop else "unknown"
    return DeviceFacts(family, None, None, "none", False, browser, mobile and not desktop)
