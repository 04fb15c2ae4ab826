"""The signature envelope: Ed25519 over the RFC 8785 (JCS) form of the report.

The signed bytes are `rfc8785.dumps(report without "signature")`. JCS fixes key order, number
spelling and string escapes, so any JSON tool may re-indent or reorder the file without
breaking the signature, while any change to a value, a key, or the order of a list does.
The `signature` member itself is not signed, so every one of its fields is checked strictly
here: exact key set, canonical base64 and lowercase hex, the fingerprint recomputed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from precheck.model import Text
from precheck.report.format import SIGNATURE_ALGORITHM
from precheck.report.keys import DeviceKey, fingerprint

SIGNATURE_KEYS = ("algorithm", "public_key", "key_fingerprint", "value")


class CanonicalError(ValueError):
    """The value cannot be put in canonical form (NaN, integers beyond ±2^53, lone surrogates)."""


def canonical(body: Mapping[str, Any]) -> bytes:
    """JCS bytes of the report without its `signature` member."""
    import rfc8785

    unsigned = {k: v for k, v in body.items() if k != "signature"}
    try:
        return rfc8785.dumps(unsigned)
    except rfc8785.CanonicalizationError as exc:
        raise CanonicalError(str(exc)) from exc
    except (TypeError, RecursionError) as exc:
        raise CanonicalError(f"{type(exc).__name__}: {exc}") from exc


def sign(body: Mapping[str, Any], key: DeviceKey) -> dict[str, Any]:
    """The report with its `signature` member; raises CanonicalError for unsignable content."""
    data = canonical(body)
    signed = dict(body)
    signed["signature"] = {
        "algorithm": SIGNATURE_ALGORITHM,
        "public_key": key.public_b64,
        "key_fingerprint": key.fingerprint,
        "value": base64.b64encode(key.private.sign(data)).decode("ascii"),
    }
    return signed


def _strict_b64(value: Any, size: int) -> bytes | None:
    """Bytes of canonical standard base64 of exactly `size` bytes, else None.

    Non-canonical spellings (other padding bits, missing padding, whitespace) decode to the
    same bytes; accepting them would let the unsigned envelope change unnoticed.
    """
    if not isinstance(value, str) or not value.isascii():
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != size or base64.b64encode(raw).decode("ascii") != value:
        return None
    return raw


def check_signature(report: Mapping[str, Any]) -> tuple[str | None, list[Text]]:
    """(key fingerprint when the signature is good, reasons why not)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from precheck.messages import ui_text

    envelope = report.get("signature")
    if not isinstance(envelope, dict):
        return None, [ui_text("report.reason.no-signature")]
    if sorted(envelope) != sorted(SIGNATURE_KEYS):
        fields = ", ".join(sorted(set(envelope) ^ set(SIGNATURE_KEYS)))
        return None, [ui_text("report.reason.signature-fields", fields=fields)]
    if envelope["algorithm"] != SIGNATURE_ALGORITHM:
        return None, [ui_text("report.reason.algorithm", algorithm=str(envelope["algorithm"])[:40])]
    public = _strict_b64(envelope["public_key"], 32)
    if public is None:
        return None, [ui_text("report.reason.public-key")]
    value = _strict_b64(envelope["value"], 64)
    if value is None:
        return None, [ui_text("report.reason.signature-encoding")]
    if envelope["key_fingerprint"] != fingerprint(public):
        return None, [ui_text("report.reason.fingerprint")]
    try:
        data = canonical(report)
    except CanonicalError as exc:
        return None, [ui_text("report.reason.not-canonical", detail=str(exc)[:200])]
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(value, data)
    except InvalidSignature:
        return None, [ui_text("report.reason.bad-signature")]
    except ValueError:
        return None, [ui_text("report.reason.public-key")]
    return fingerprint(public), []
