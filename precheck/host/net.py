"""Producers of the `net:` answers: DNS, HTTPS requests and timings, throughput.

Every answer holds numbers and short strings only (a status, a duration, an error kind, an
issuer name), never an address, a page or a packet, so a helpdesk replay decides the same and a
bundle says nothing about the user's network beyond what the check needs.

All requests go through `requests` with certificate verification on and `trust_env`, so the
system proxy is honoured: environment variables everywhere, and on Windows and macOS the
registry / SystemConfiguration settings that `urllib.request.getproxies()` reads. A PAC or WPAD
script is not run. Which proxy scheme was used is reported, never the proxy's address.
"""

from __future__ import annotations

import errno
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

from precheck import __version__

USER_AGENT = f"precheck/{__version__}"
BODY_HEAD = 64
CHUNK = 64 << 10
READ_CHUNK = 8 << 10  # small reads, so a slow line still reports progress within the time
_UNTRUSTED_CODES = {2, 18, 19, 20, 21}  # OpenSSL: issuer unknown, self-signed (in chain)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def resolve(host: str, timeout: float) -> dict[str, Any]:
    """Whether `host` resolves, and how long it took; getaddrinfo cannot be given a timeout, so
    it runs in a daemon thread that is left behind when it overruns."""
    result: dict[str, Any] = {}
    done = threading.Event()
    started = time.perf_counter()

    def lookup() -> None:
        try:
            socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
            result["error"] = None
        except socket.gaierror as exc:
            result["error"] = "no-name" if exc.errno in _NO_NAME else "failed"
        except (OSError, UnicodeError):
            result["error"] = "failed"
        result["ms"] = _ms(time.perf_counter() - started)
        done.set()

    threading.Thread(target=lookup, name="precheck-dns", daemon=True).start()
    if not done.wait(timeout):
        return {"resolved": False, "ms": _ms(timeout), "error": "timeout"}
    return {"resolved": result["error"] is None, "ms": result["ms"], "error": result["error"]}


_NO_NAME = {getattr(socket, n) for n in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, n)}


def proxy_scheme(url: str) -> str | None:
    """The scheme of the proxy `requests` will use for `url` (`http`, `socks5`…), or None."""
    import requests.utils

    proxies = requests.utils.get_environ_proxies(url)
    scheme = url.split(":", 1)[0].lower()
    chosen = proxies.get(scheme) or proxies.get("all")
    return chosen.split(":", 1)[0].lower() if chosen else None


def _session() -> Any:
    import requests

    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Cache-Control"] = "no-cache"
    return session


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything inside it: requests wraps urllib3, which wraps ssl/socket."""
    seen: set[int] = set()
    todo = [exc]
    while todo and len(seen) < 30:
        item = todo.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        nested = [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
        todo += [n for n in nested if isinstance(n, BaseException)]


def classify_error(exc: BaseException) -> dict[str, Any]:
    """An error kind the check can decide on, separating certificate failures from the rest."""
    import requests
    import urllib3.exceptions

    found: dict[str, Any] = {"error": "failed", "verify_code": None}
    for item in _causes(exc):
        if isinstance(item, ssl.SSLCertVerificationError):
            code = item.verify_code
            found["verify_code"] = code
            found["error"] = (
                "tls-untrusted"
                if code in _UNTRUSTED_CODES
                else "tls-expired"
                if code in (9, 10)
                else "tls-hostname"
                if code == 62
                else "tls-verify"
            )
            found["detail"] = str(item.verify_message)[:120]
            return found
    for item in _causes(exc):
        if isinstance(item, (urllib3.exceptions.NameResolutionError, socket.gaierror)):
            return {**found, "error": "dns"}
        if isinstance(item, ConnectionRefusedError):
            return {**found, "error": "refused"}
        if isinstance(item, OSError) and item.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return {**found, "error": "unreachable"}
        if isinstance(item, requests.exceptions.ProxyError):
            return {**found, "error": "proxy"}
        if isinstance(item, (requests.exceptions.Timeout, TimeoutError, socket.timeout)):
            return {**found, "error": "timeout"}
        if isinstance(item, ssl.SSLError):
            return {**found, "error": "tls-error", "detail": str(item)[:120]}
    for item in _causes(exc):
        if isinstance(item, (ConnectionError, urllib3.exceptions.ProtocolError)):
            return {**found, "error": "reset"}
    return found


def peer_issuer(url: str, timeout: float) -> str | None:
    """The issuer (CN, else O) of the certificate a host presents, read without verifying, to
    name what re-signs TLS (an antivirus, a company proxy). None through a proxy or on error."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if not parts.hostname or proxy_scheme(url):
        return None
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((parts.hostname, parts.port or 443), timeout) as raw,
            context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except (OSError, ValueError):
        return None
    if not der:
        return None
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    issuer = x509.load_der_x509_certificate(der).issuer
    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        names = issuer.get_attributes_for_oid(oid)
        if names:
            return str(names[0].value)[:100]
    return None


RETRIED_ERRORS = frozenset({"tls-error", "reset"})


def fetch(url: str, timeout: float, method: str = "GET") -> dict[str, Any]:
    """One request, redirects NOT followed (a captive portal answers with its redirect).

    `status`, `ms` (until the headers), `length` and the first 64 characters of the body (the
    connectivity-check answer is compared with it), or an error kind; for a certificate the
    platform does not trust, the issuer of the certificate presented instead.

    A connection cut during the handshake or reset before the answer is tried once more, as a
    browser does: one lost packet on a busy line is not a verdict on the line, while a middlebox
    that cuts every connection cuts the second as well. `retried` keeps the first error.
    """
    answer = _fetch_once(url, timeout, method)
    if answer["error"] in RETRIED_ERRORS:
        return {**_fetch_once(url, timeout, method), "retried": answer["error"]}
    return answer


def _fetch_once(url: str, timeout: float, method: str) -> dict[str, Any]:
    session = _session()
    started = time.perf_counter()
    answer: dict[str, Any] = {"proxy": proxy_scheme(url)}
    try:
        with session.request(
            method, url, timeout=(min(3.0, timeout), timeout), allow_redirects=False, stream=True
        ) as response:
            ms = _ms(time.perf_counter() - started)
            body = b""
            for chunk in response.iter_content(CHUNK):
                body += chunk
                if len(body) >= CHUNK:
                    break
        head = body[:BODY_HEAD].decode("utf-8", "replace")
        return {
            **answer,
            "status": response.status_code,
            "ms": ms,
            "length": len(body),
            "body": head,
            "redirect": response.is_redirect,
            "error": None,
        }
    except Exception as exc:  # every failure becomes a kind the check decides on
        error = classify_error(exc)
        if error["error"] == "tls-untrusted":
            error["issuer"] = peer_issuer(url, min(3.0, timeout))
        return {**answer, "status": None, "ms": _ms(time.perf_counter() - started), **error}
    finally:
        session.close()


def rtt(url: str, count: int, spacing_ms: float, timeout: float, budget: float) -> dict[str, Any]:
    """`count` small GETs on one kept-alive connection, `spacing_ms` apart: each sample is one
    request's time (about one round trip), None for a request that failed (timeout, reset),
    after which the next request opens a new connection. Sampling stops after `budget` seconds
    (a slow line gives fewer samples, not a longer check)."""
    session = _session()
    samples: list[float | None] = []
    errors: dict[str, int] = {}
    try:
        session.get(url, timeout=(3.0, timeout)).close()  # connection and TLS set up first
    except Exception as exc:
        kind = classify_error(exc)["error"]
        session.close()
        return {"samples_ms": [], "errors": {kind: 1}, "proxy": proxy_scheme(url)}
    wake = threading.Event()
    next_at = began = time.perf_counter()
    try:
        for _ in range(count):
            if time.perf_counter() - began > budget:
                break
            next_at += spacing_ms / 1000
            started = time.perf_counter()
            try:
                with session.get(url, timeout=(3.0, timeout)) as response:
                    response.content  # noqa: B018 - read the small body: the answer has arrived
                samples.append(_ms(time.perf_counter() - started))
            except Exception as exc:
                samples.append(None)
                kind = classify_error(exc)["error"]
                errors[kind] = errors.get(kind, 0) + 1
            wake.wait(max(0.0, next_at - time.perf_counter()))
    finally:
        session.close()
    return {"samples_ms": samples, "errors": errors, "proxy": proxy_scheme(url)}


def download(url: str, seconds: float, warmup: float, max_bytes: int) -> dict[str, Any]:
    """Stream at most `max_bytes` for at most `seconds`; the rate counts only what arrived after
    the first `warmup` seconds of data (TCP slow start)."""
    session = _session()
    started = time.perf_counter()
    total = 0
    mark: tuple[float, int] | None = None
    now = started
    try:
        with session.get(url, timeout=(3.0, 2.0), stream=True) as response:
            if response.status_code >= 400:
                return {"error": "status", "status": response.status_code, "mbps": None}
            for chunk in response.iter_content(READ_CHUNK):
                total += len(chunk)
                now = time.perf_counter()
                if mark is None and now - started >= warmup:
                    mark = (now, total)
                if now - started >= seconds or total >= max_bytes:
                    break
    except Exception as exc:
        if total == 0:
            return {"error": classify_error(exc)["error"], "mbps": None, "bytes": 0}
    finally:
        session.close()
    return {**_rate(started, now, total, mark), "proxy": proxy_scheme(url)}


def _rate(started: float, end: float, total: int, mark: tuple[float, int] | None) -> dict[str, Any]:
    since, base = mark if mark and end - mark[0] >= 0.2 else (started, 0)
    elapsed = max(end - since, 1e-6)
    mbps = (total - base) * 8 / elapsed / 1e6
    return {
        "error": None,
        "bytes": total,
        "seconds": round(end - started, 3),
        "mbps": round(mbps, 2),
    }


SEND_BUFFER = 64 << 10


def _small_send_buffer(session: Any) -> None:
    """A small socket send buffer for the upload, so writing blocks at the line's pace: with
    the default (autotuned to megabytes) the whole body vanishes into the kernel at once and
    the count of bytes written says nothing about the bytes sent."""
    import requests.adapters
    from urllib3.connection import HTTPConnection

    options = [
        *HTTPConnection.default_socket_options,
        (socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER),
    ]

    class Adapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["socket_options"] = options
            super().init_poolmanager(*args, **kwargs)

        def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["socket_options"] = options
            return super().proxy_manager_for(*args, **kwargs)

    for prefix in ("https://", "http://"):
        session.mount(prefix, Adapter())


def upload(url: str, seconds: float, max_bytes: int) -> dict[str, Any]:
    """POST up to `max_bytes` of zeros, stopping the body after `seconds`; the rate is the bytes
    the connection took over the time it took them (the reply must not be a server error)."""
    session = _session()
    _small_send_buffer(session)
    sent = 0
    started = time.perf_counter()
    block = bytes(READ_CHUNK)

    def body() -> Iterator[bytes]:
        nonlocal sent
        while sent < max_bytes and time.perf_counter() - started < seconds:
            yield block
            sent += len(block)

    try:
        with session.post(url, data=body(), timeout=(3.0, 2.0)) as response:
            status = response.status_code
        end = time.perf_counter()
    except Exception as exc:
        kind = classify_error(exc)["error"]
        elapsed = time.perf_counter() - started
        if kind == "timeout" and sent:
            # Fewer than `sent` bytes got through in `elapsed`: an upper bound of the rate,
            # enough to say a line is too slow (a bound above the thresholds decides nothing).
            return {
                "error": None,
                "bytes": sent,
                "seconds": round(elapsed, 3),
                "mbps": round(sent * 8 / elapsed / 1e6, 2),
                "bound": "at-most",
                "proxy": proxy_scheme(url),
            }
        return {"error": kind, "mbps": None, "bytes": sent}
    finally:
        session.close()
    if status >= 500:
        return {"error": "status", "status": status, "mbps": None, "bytes": sent}
    elapsed = max(end - started, 1e-6)
    return {
        "error": None,
        "bytes": sent,
        "seconds": round(elapsed, 3),
        "mbps": round(sent * 8 / elapsed / 1e6, 2),
        "proxy": proxy_scheme(url),
    }
