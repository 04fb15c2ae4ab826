"""What OpenCV's own log says about a camera that would not open or deliver frames.

OpenCV's `VideoCapture` only answers "not opened" or "no frame"; why is written to its log (the
capture process's stderr). The few causes a job seeker can fix have recognisable marks there
(research/media-network.md §5.5): the device busy (Linux EBUSY; Windows MSMF
MF_E_HW_MFT_FAILED_START_STREAMING, -1072875772 = 0xC00D3704) and access refused (Linux EACCES;
Windows E_ACCESSDENIED, -2147024891 = 0x80070005; macOS "not authorized to capture video").
Anything else stays unexplained: OpenCV cannot tell a privacy switch from a broken driver
when its log says neither.
"""

from __future__ import annotations

import re

MAX_LOG = 64 * 1024
"""Only the log's last 64 KiB are read: the cause is logged just before the failure."""

_BUSY = re.compile(
    r"Device or resource busy|errno=16\b|\bEBUSY\b|-1072875772|0xC00D3704"
    r"|MF_E_HW_MFT_FAILED_START_STREAMING",
    re.IGNORECASE,
)
_DENIED = re.compile(
    r"Permission denied|errno=13\b|\bEACCES\b|not authorized to capture video|-2147024891"
    r"|0x80070005|E_ACCESSDENIED",
    re.IGNORECASE,
)


def open_failure_cause(log: str) -> str | None:
    """ "busy", "permission" or None (no known mark) from the capture process's log text."""
    tail = log[-MAX_LOG:]
    if _DENIED.search(tail):
        return "permission"
    if _BUSY.search(tail):
        return "busy"
    return None
