"""The office database: one engine, private SQLite by default, PostgreSQL for larger offices.

SQLite is the zero-setup default: the file is created readable by the service's user alone
(0600, and SQLite gives its -wal/-shm files the same mode), in WAL mode so the dashboard reads
while bookings are written, and every write transaction begins IMMEDIATE behind an in-process
lock so concurrent requests queue in order instead of failing with "database is locked" or
sleeping in SQLite's busy handler. PostgreSQL (psycopg 3) serves a whole labour bureau; there
the database's own locking does the same job.

Parameters are hidden from SQLAlchemy's error messages (`hide_parameters`) so a failing
statement can never carry booking fields into a log.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "head"


class DatabaseError(Exception):
    """The database cannot be opened or migrated; the message says why (never a parameter)."""


def prepare_sqlite_file(path: Path) -> None:
    """Create the database file (and its folder) private to this user before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    for suffix in ("-wal", "-shm", "-journal"):
        sibling = path.with_name(path.name + suffix)
        if sibling.exists():
            os.chmod(sibling, 0o600)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy takes over BEGIN (see _sqlite_begin); the sqlite3 module must not emit its own.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a booking answered with 201 survives a power cut; the client deletes its copy then.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Purged personal fields are overwritten on disk, not just unlinked from the tree.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    mode = "IMMEDIATE" if connection.get_execution_options().get("write") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """The engine plus the two ways to use it: `read()` and `write()` sessions."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        self._write_lock: threading.Lock | contextlib.nullcontext[None]
        if self.dialect == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise DatabaseError("an SQLite database must be a file")
            prepare_sqlite_file(Path(parsed.database))
            self.engine: Engine = create_engine(
                parsed, hide_parameters=True, pool_size=8, max_overflow=8, pool_timeout=30
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
            self._write_lock = threading.Lock()
        elif self.dialect == "postgresql":
            self.engine = create_engine(
                parsed,
                hide_parameters=True,
                pool_size=10,
                max_overflow=10,
                pool_timeout=30,
                pool_pre_ping=True,
            )
            self._write_lock = contextlib.nullcontext()
        else:
            raise DatabaseError(f"unsupported database {self.dialect!r}")
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = self.engine.execution_options(write=True)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any exception."""
        with (
            self._write_lock,
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def migrate(self, revision: str = HEAD) -> None:
        """Bring the schema to `revision` with the migrations shipped inside the package."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except DatabaseError:
            raise
        except Exception as exc:
            raise DatabaseError(f"{type(exc).__name__}: {_first_line(exc)}") from None

    def dispose(self) -> None:
        self.engine.dispose()


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:300]


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open (and by default migrate) the database; DatabaseError with a reason if it cannot."""
    try:
        database = Database(url)
    except DatabaseError:
        raise
    except OSError as exc:
        raise DatabaseError(f"{exc.strerror or exc}: {exc.filename or ''}") from None
    except Exception as exc:
        raise DatabaseError(f"{type(exc).__name__}: {_first_line(exc)}") from None
    if migrate:
        try:
            database.migrate()
        except DatabaseError:
            database.dispose()
            raise
    return database
