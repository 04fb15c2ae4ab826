"""A throwaway PostgreSQL cluster from Debian's `postgresql` package, for tests and benchmarks.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
(`runuser`) in a private temporary folder owned by it; as any other user it runs as that user.
It listens on a free port on 127.0.0.1 only, with its socket in the same folder.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def server_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin folder (Debian layout), or None."""
    root = Path("/usr/lib/postgresql")
    versions = sorted(
        (p for p in root.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return versions[-1] if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def unavailable_reason() -> str | None:
    """Why a cluster cannot be started here, or None when it can."""
    if server_bin() is None:
        return "PostgreSQL server binaries (Debian package postgresql) are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root but there is no 'postgres' user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root but 'runuser' is missing"
    return None


@contextlib.contextmanager
def cluster(*, durable: bool = False) -> Iterator[str]:
    """Start a cluster and yield its URL (`postgresql://postgres@127.0.0.1:PORT/postgres`).

    `durable=False` turns fsync off (tests); benchmarks pass True for honest commit costs.
    """
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    bindir = server_bin()
    assert bindir is not None
    folder = Path(tempfile.mkdtemp(prefix="precheck-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    log = folder / "server.log"

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120, cwd=folder)

    try:
        run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        for _attempt in range(5):
            port = _free_port()
            options = (
                f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
                + ("" if durable else " -c fsync=off -c synchronous_commit=off")
            )
            try:
                run(
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(log),
                    "-w",
                    "-t",
                    "60",
                    "start",
                )
                break
            except subprocess.CalledProcessError:
                continue
        else:
            raise RuntimeError("PostgreSQL did not start:\n" + log.read_text(errors="replace"))
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def scratch_database(server_url: str, name: str) -> Iterator[str]:
    """A fresh, empty database on the cluster, dropped afterwards."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
