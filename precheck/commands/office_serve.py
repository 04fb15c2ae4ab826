"""`precheck office serve`: the intake service (and dashboard) in one command.

Defaults need no setup: SQLite in the office data directory, loopback only. An office that
serves the job seekers directly (no reverse proxy) gives `--host`, `--tls-cert` and `--tls-key`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from precheck import exitcodes

HELP = "予約受付サービスを起動 / start the booking intake service"


def configure(parser: argparse.ArgumentParser) -> None:
    from precheck.commands.office import add_database_options
    from precheck.office.settings import (
        BODY_TIMEOUT,
        DEFAULT_HOST,
        DEFAULT_PORT,
        HEADER_TIMEOUT,
        MAX_CONNECTIONS,
        MAX_IN_FLIGHT,
        RATE_BURST,
        RATE_PER_SECOND,
    )

    add_database_options(parser)
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST})"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default: {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument("--tls-cert", type=Path, metavar="FILE", help="TLS certificate chain (PEM)")
    parser.add_argument("--tls-key", type=Path, metavar="FILE", help="TLS private key (PEM)")
    parser.add_argument(
        "--rate",
        type=float,
        default=RATE_PER_SECOND,
        metavar="N",
        help=f"bookings per second one client may send, sustained (default: {RATE_PER_SECOND})",
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=RATE_BURST,
        metavar="N",
        help=f"bookings one client may send at once (default: {RATE_BURST})",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes sharing the port (default: 1; docs/deploy.md says what they share)",
    )
    limits = parser.add_argument_group("slow clients and overload (docs/deploy.md)")
    limits.add_argument(
        "--header-timeout",
        type=float,
        metavar="S",
        help=f"seconds a request's headers may take, else 408 (default: {HEADER_TIMEOUT:g})",
    )
    limits.add_argument(
        "--body-timeout",
        type=float,
        metavar="S",
        help=f"seconds a request's body may take, else 408 (default: {BODY_TIMEOUT:g})",
    )
    limits.add_argument(
        "--max-connections",
        type=int,
        metavar="N",
        help=f"open connections; more get 503 (default: {MAX_CONNECTIONS})",
    )
    limits.add_argument(
        "--max-in-flight",
        type=int,
        metavar="N",
        help=f"requests handled at once; more get 503 + Retry-After (default: {MAX_IN_FLIGHT})",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="trust X-Forwarded-For from these reverse proxy addresses (comma-separated); "
        "off by default",
    )


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(scheme: str, host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"


def _log_config() -> dict[str, Any]:
    """uvicorn's own logging, plus the service's logger on the same handler."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["precheck.office"] = {
        "handlers": ["default"],
        "level": "INFO",
        "propagate": False,
    }
    return config


def execute(args: argparse.Namespace) -> int:
    import contextlib
    import socket
    import ssl

    from precheck.commands.office import display_url, open_office
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text

    lang = pick_lang(args.lang)

    def say(key: str, **params: Any) -> None:
        print(ui_text(key, **params).get(lang), file=sys.stderr)

    if (args.tls_cert is None) != (args.tls_key is None):
        say("office.tls-pair")
        return exitcodes.USAGE
    if args.tls_cert is not None:
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
                args.tls_cert, args.tls_key
            )
        except (OSError, ssl.SSLError) as exc:
            say("office.tls-unusable", detail=getattr(exc, "strerror", None) or str(exc))
            return exitcodes.USAGE
    if not 1 <= args.workers <= 64:
        say("office.bad-workers", workers=args.workers)
        return exitcodes.USAGE
    if not 0 <= args.port <= 65535:
        say("office.bad-port", port=args.port)
        return exitcodes.USAGE

    opened = open_office(
        args,
        rate_per_second=args.rate,
        rate_burst=args.burst,
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
        max_connections=args.max_connections,
        max_in_flight=args.max_in_flight,
    )
    if isinstance(opened, int):
        return opened
    settings, database = opened

    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))
    except (OSError, OverflowError) as exc:
        database.dispose()
        say("office.listen", host=args.host, port=args.port, detail=getattr(exc, "strerror", exc))
        return exitcodes.OFFICE_LISTEN

    import uvicorn

    from precheck.office.app import create_app
    from precheck.office.server import uvicorn_config

    scheme = "https" if args.tls_cert else "http"
    base = _url(scheme, args.host, sock.getsockname()[1])
    where = display_url(settings.database_url)

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                self.announce()

        @staticmethod
        def announce() -> None:
            serving = ui_text("office.serving", url=base, database=where).get(lang)
            first = ui_text("office.first-counselor").get(lang)
            print(f"{serving}\n{first}", flush=True)
            if scheme == "http" and not _is_loopback(args.host):
                say("office.plain-http")

    from precheck.office.dashboard.tokens import SecretError

    try:
        app = create_app(settings, database=database)
    except SecretError as exc:
        database.dispose()
        sock.close()
        say("dashboard.secret", detail=str(exc))
        return exitcodes.USAGE
    options: dict[str, Any] = {
        "ssl_certfile": args.tls_cert,
        "ssl_keyfile": args.tls_key,
        "proxy_headers": args.forwarded_allow_ips is not None,
        "forwarded_allow_ips": args.forwarded_allow_ips,
        "server_header": False,
        "log_config": _log_config(),
        "timeout_graceful_shutdown": 10,
    }
    if args.workers > 1:
        return _serve_workers(args, settings, database, sock, options, lambda: Server.announce())
    config = uvicorn_config(app, settings, **options)
    # uvicorn shuts down gracefully, then re-raises Ctrl+C: for a service that is a clean stop.
    with contextlib.suppress(KeyboardInterrupt):
        Server(config).run(sockets=[sock])
    return exitcodes.READY


def _serve_workers(
    args: argparse.Namespace,
    settings: Any,
    database: Any,
    sock: Any,
    options: dict[str, Any],
    announce: Any,
) -> int:
    """N worker processes on the one listening socket (uvicorn's supervisor), each building
    the app from the same options (precheck/office/asgi.py)."""
    import contextlib
    import os

    from uvicorn.supervisors import Multiprocess

    from precheck.office.asgi import SETTINGS_ENV, settings_env
    from precheck.office.server import uvicorn_config

    database.dispose()
    os.environ[SETTINGS_ENV] = settings_env(
        {
            "data_dir": settings.data_dir,
            "database_url": settings.database_url,
            "profile_path": args.profile,
            "rate_per_second": settings.rate_per_second,
            "rate_burst": settings.rate_burst,
            "header_timeout": settings.header_timeout,
            "body_timeout": settings.body_timeout,
            "max_connections": settings.max_connections,
            "max_in_flight": settings.max_in_flight,
        }
    )
    config = uvicorn_config(
        "precheck.office.asgi:app", settings, factory=True, workers=args.workers, **options
    )
    sock.listen(config.backlog)  # connections wait in the backlog until a worker is up
    supervisor = Multiprocess(config, sockets=[sock])  # (its signal handlers are now set)
    announce()
    with contextlib.suppress(KeyboardInterrupt):
        supervisor.run()
    return exitcodes.READY
