"""OS settings pages the result screen may open: a fixed allow-list, chosen by the server.

The page only names a check; the server looks up the page for this system here, so nothing the
page sends is ever opened. Sources for each address are beside it. A check with no entry for the
system gets no button (the catalogue's steps still say where to click).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """How to open one settings page: a URI handed to the OS, or a program and its arguments."""

    uri: str = ""
    argv: tuple[str, ...] = ()


_WINDOWS = {
    # https://learn.microsoft.com/en-us/windows/apps/develop/launch/launch-settings
    # (ms-settings: URIs: windowsdefender, windowsupdate, privacy-webcam, privacy-microphone,
    # appsfeatures, dateandtime)
    "security": Target(uri="ms-settings:windowsdefender"),
    "update": Target(uri="ms-settings:windowsupdate"),
    "camera": Target(uri="ms-settings:privacy-webcam"),
    "microphone": Target(uri="ms-settings:privacy-microphone"),
    "apps": Target(uri="ms-settings:appsfeatures"),
    "time": Target(uri="ms-settings:dateandtime"),
    # Windows Security's own protocol opens "Firewall & network protection" directly:
    # https://learn.microsoft.com/windows/security/operating-system-security/system-security/windows-defender-security-center/windows-defender-security-center
    "firewall": Target(uri="windowsdefender://network/"),
}

_MACOS = {
    # x-apple.systempreferences: pane identifiers, as Apple's own support pages and MDM docs use
    # them (https://support.apple.com/guide/mac-help/mh15217/mac, firewall; privacy anchors are
    # the documented Privacy_Camera / Privacy_Microphone of the Security & Privacy pane).
    "update": Target(uri="x-apple.systempreferences:com.apple.preferences.softwareupdate"),
    "firewall": Target(uri="x-apple.systempreferences:com.apple.preference.security?Firewall"),
    "camera": Target(uri="x-apple.systempreferences:com.apple.preference.security?Privacy_Camera"),
    "microphone": Target(
        uri="x-apple.systempreferences:com.apple.preference.security?Privacy_Microphone"
    ),
}

_LINUX = {
    # GNOME Settings takes a panel name (`gnome-control-center --list`); GNOME Software has an
    # updates page (`gnome-software --mode=updates`, its man page).
    "update": Target(argv=("gnome-software", "--mode=updates")),
    "camera": Target(argv=("gnome-control-center", "camera")),
    "microphone": Target(argv=("gnome-control-center", "sound")),
    "time": Target(argv=("gnome-control-center", "datetime")),
}

PAGES: dict[str, dict[str, Target]] = {"Windows": _WINDOWS, "Darwin": _MACOS, "Linux": _LINUX}
"""platform.system() -> settings key -> where it opens."""

FOR_CHECK = {
    "os-support": "update",
    "browser": "update",
    "antivirus": "security",
    "firewall": "firewall",
    "camera": "camera",
    "microphone": "microphone",
    "file-sharing": "apps",
    "recording": "apps",
}
"""Which settings page helps with each check's fix (checks not named here have none)."""


def target_for(check_id: str, system: str) -> Target | None:
    """The settings page for `check_id` on `system`, when one exists and can be opened here."""
    key = FOR_CHECK.get(check_id)
    target = PAGES.get(system, {}).get(key or "")
    if target is None:
        return None
    if target.argv and shutil.which(target.argv[0]) is None:
        return None
    return target


def open_target(target: Target, system: str) -> bool:
    """Open an allow-listed page; True when the OS took it. Never given a URL from outside."""
    if target.uri and system == "Windows":
        startfile = getattr(os, "startfile", None)
        if startfile is None:
            return False
        try:
            startfile(target.uri)
        except OSError:
            return False
        return True
    argv: Sequence[str] = ("open", target.uri) if target.uri else target.argv
    try:
        subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return False
    return True
