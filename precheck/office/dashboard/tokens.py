"""The dashboard's secret, signed session cookies and CSRF tokens.

One random secret per office installation lives in the office data directory, readable by the
service's account alone (0600). It signs the session cookie (so a forged or edited cookie is
rejected before the database is asked) and derives CSRF tokens: a form's token is an HMAC of
the secret and what the form is bound to — the signed-in session, or before sign-in a random
pre-login cookie — so a page on another site can neither read nor forge it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_FILE = "dashboard-secret"
SECRET_BYTES = 32


class SecretError(Exception):
    """The secret file cannot be read or created (permissions, full disk)."""


def load_secret(folder: Path) -> bytes:
    """The installation's secret, created on first use; a secret others can read is refused."""
    from precheck.fsutil import WriteError, write_atomic

    path = folder / SECRET_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    except OSError as exc:
        raise SecretError(f"{path}: {exc.strerror or exc}") from None
    if data:
        if os.name == "posix" and path.stat().st_mode & 0o077:
            raise SecretError(f"{path}: readable by other users; run chmod 600 on it")
        if len(data) < SECRET_BYTES:
            raise SecretError(f"{path}: too short to be a secret made by precheck")
        return data
    data = secrets.token_bytes(SECRET_BYTES)
    try:
        write_atomic(path, data, private=True)
    except WriteError as exc:
        raise SecretError(str(exc)) from None
    return data


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def session_key(session_id: str) -> str:
    """What the database keeps for a session: a hash, so a leaked table opens no session."""
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


def _mac(secret: bytes, purpose: str, value: str) -> str:
    return hmac.new(secret, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()


def sign_cookie(secret: bytes, session_id: str) -> str:
    return f"{session_id}.{_mac(secret, 'session', session_id)}"


def unsign_cookie(secret: bytes, cookie: str | None) -> str | None:
    """The session id in a cookie whose signature is right, else None."""
    if not cookie or "." not in cookie:
        return None
    session_id, _, mac = cookie.rpartition(".")
    if not hmac.compare_digest(mac, _mac(secret, "session", session_id)):
        return None
    return session_id


DEVICE_NAMES_MAX = 8
"""Accounts one browser is remembered for: a shared office PC has a few counselors."""


def device_cookie(secret: bytes, nonce: str, tags: list[str]) -> str:
    """A browser's proof that the accounts tagged in it have signed in from it before: the
    random `nonce` names this browser, `tags` are `store.name_tag` values."""
    payload = nonce + "~" + ",".join(tags[-DEVICE_NAMES_MAX:])
    return f"{payload}.{_mac(secret, 'device', payload)}"


def read_device_cookie(secret: bytes, cookie: str | None) -> tuple[str, list[str]] | None:
    """(nonce, tags) from a device cookie whose signature is right, else None."""
    if not cookie or "." not in cookie or len(cookie) > 1024:
        return None
    payload, _, mac = cookie.rpartition(".")
    if not hmac.compare_digest(mac, _mac(secret, "device", payload)):
        return None
    nonce, _, tags = payload.partition("~")
    return nonce, [t for t in tags.split(",") if t]


def csrf_token(secret: bytes, binding: str) -> str:
    return _mac(secret, "csrf", binding)


def csrf_ok(secret: bytes, binding: str | None, token: object) -> bool:
    """True when a posted token belongs to this session (or pre-login cookie)."""
    if not binding or not isinstance(token, str) or not token:
        return False
    return hmac.compare_digest(token, csrf_token(secret, binding))
