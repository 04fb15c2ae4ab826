"""Backups of the office database while the service runs, and their restore.

SQLite: `VACUUM INTO` writes a transactionally consistent, compacted single-file snapshot as
a reader, so bookings keep arriving while it runs (the online backup API restarts on every
write by another connection and may never finish under load: sqlite.org/backup.html). It is
written under a temporary name, checked with `PRAGMA integrity_check` and only then renamed,
so an interrupted run never leaves a file that looks like a backup.

PostgreSQL: `pg_dump -Fc` of the office database (a consistent snapshot that blocks neither
readers nor writers); restored with `pg_restore --clean --if-exists --no-owner`.

Either way the backup holds personal data: the folder should be as private as the data
directory (files are created 0600).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
TOOL_TIMEOUT = 3600


class BackupError(Exception):
    """No backup was written, or nothing was restored; the message says why."""


def backup(database_url: str, folder: Path, *, now: datetime | None = None) -> Path:
    """Write one backup of the database into `folder`; its path."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    url = make_url(database_url)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise BackupError(f"{folder}: {exc.strerror or exc}") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_backup(Path(url.database or ""), folder / f"office-{stamp}.sqlite3")
    if backend == "postgresql":
        return _pg_backup(database_url, folder / f"office-{stamp}.pgdump")
    raise BackupError(f"no backup for database {backend!r}")


def restore(database_url: str, source: Path, *, replace: bool = False) -> None:
    """Put the backup `source` into the (stopped) office's database.

    Refuses to overwrite a database that already holds an office unless `replace`: restoring
    over live data by mistake would lose every booking since the backup.
    """
    try:
        with source.open("rb") as handle:
            magic = handle.read(16)
    except OSError as exc:
        raise BackupError(f"{source}: {exc.strerror or exc}") from None
    backend = make_url(database_url).get_backend_name()
    if backend == "sqlite" and magic == SQLITE_MAGIC:
        _sqlite_restore(Path(make_url(database_url).database or ""), source, replace)
    elif backend == "postgresql" and magic.startswith(PGDUMP_MAGIC):
        _pg_restore(database_url, source, replace)
    else:
        kind = "SQLite" if magic == SQLITE_MAGIC else "pg_dump" if magic[:5] == PGDUMP_MAGIC else ""
        what = f"a {kind} backup" if kind else "not a backup made by precheck office backup"
        raise BackupError(f"{source}: {what}; it cannot be restored into {backend}")


# -- SQLite ---------------------------------------------------------------------------------


def _private_temp(target: Path) -> Path:
    temp = target.with_name(f".{target.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    return temp


def _integrity(path: Path) -> None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        answer = connection.execute("PRAGMA integrity_check").fetchone()
    finally:
        connection.close()
    if not answer or answer[0] != "ok":
        raise BackupError(f"{path}: integrity check failed ({answer[0] if answer else '-'})")


def _sqlite_backup(database: Path, target: Path) -> Path:
    if not database.is_file():
        raise BackupError(f"{database}: no such database file")
    temp = _private_temp(target)
    old_mask = os.umask(0o077)
    try:
        connection = sqlite3.connect(database, isolation_level=None, timeout=30)
        try:
            connection.execute("VACUUM INTO ?", (str(temp),))
        finally:
            connection.close()
        _integrity(temp)
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise BackupError(f"{database}: {exc}") from None
    except BackupError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    finally:
        os.umask(old_mask)
    return target


def _holds_office(database: Path) -> bool:
    if not database.is_file() or database.stat().st_size == 0:
        return False
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'booking'"
        ).fetchone()
    finally:
        connection.close()
    return bool(row and row[0])


def _sqlite_restore(database: Path, source: Path, replace: bool) -> None:
    from precheck.office.db import prepare_sqlite_file

    try:
        if _holds_office(database) and not replace:
            raise BackupError(f"{database}: holds an office database already (use --replace)")
        _integrity(source)
        prepare_sqlite_file(database)
        temp = _private_temp(database)
        shutil.copyfile(source, temp)
        os.chmod(temp, 0o600)
        _integrity(temp)
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                database.with_name(database.name + suffix).unlink()
        os.replace(temp, database)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"{database}: {exc}") from None


# -- PostgreSQL -----------------------------------------------------------------------------


def _libpq_url(database_url: str) -> str:
    """The URL as pg_dump takes it (no SQLAlchemy driver suffix), password included."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def pg_tool(name: str) -> str:
    """`pg_dump`/`pg_restore` on PATH, else the newest in Debian's /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return str(candidates[-1])


def _run(args: list[str]) -> None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackupError(f"{Path(args[0]).name}: {exc}") from None
    if done.returncode != 0:
        # The tools' messages name objects and the server, never row data.
        detail = (done.stderr.strip().splitlines() or ["failed"])[-1][:300]
        raise BackupError(f"{Path(args[0]).name}: {detail}")


def _pg_backup(database_url: str, target: Path) -> Path:
    temp = _private_temp(target)
    old_mask = os.umask(0o077)
    try:
        _run(
            [
                pg_tool("pg_dump"),
                "-Fc",
                "--no-owner",
                "-f",
                str(temp),
                "-d",
                _libpq_url(database_url),
            ]
        )
        with temp.open("rb") as handle:
            if not handle.read(5).startswith(PGDUMP_MAGIC):
                raise BackupError(f"{temp}: pg_dump wrote no custom-format archive")
        os.replace(temp, target)
    except BackupError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    finally:
        os.umask(old_mask)
    return target


def _pg_restore(database_url: str, source: Path, replace: bool) -> None:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    except Exception as exc:
        raise BackupError(f"{type(exc).__name__}: cannot reach the database") from None
    finally:
        engine.dispose()
    if "booking" in tables and not replace:
        raise BackupError("the database holds an office already (use --replace)")
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            _libpq_url(database_url),
            str(source),
        ]
    )
