"""The job seeker number (求職番号): normalised one way, everywhere.

Hello Work's own web form takes it as two half-width fields, 5 digits then up to 8 digits
(research/japan-and-catalogues.md §1). People copy it from paper or a phone, so full-width
digits, any dash-like character and spaces are accepted and normalised to `NNNNN-N…`.
The report never carries the number itself, only `number_hash` of the normalised form.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_DASHES = "-‐‑‒–—―−ーｰ－"
_FORM = re.compile(r"^(\d{5})-?(\d{1,8})$")


def normalize_job_seeker_number(text: str) -> str | None:
    """`NNNNN-N…` (5 digits, hyphen, 1–8 digits), or None when it is not such a number."""
    cleaned = unicodedata.normalize("NFKC", text)
    cleaned = "".join("-" if ch in _DASHES else ch for ch in cleaned)
    cleaned = re.sub(r"\s+", "", cleaned)
    match = _FORM.match(cleaned)
    if match is None or not cleaned.isascii():
        return None
    return f"{match[1]}-{match[2]}"


def number_hash(normalized: str) -> str:
    """SHA-256 (hex) of the normalised number, as carried in reports and matched by counselors."""
    return hashlib.sha256(normalized.encode("ascii")).hexdigest()
