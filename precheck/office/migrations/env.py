"""Alembic environment: migrations run on the connection `Database.migrate()` hands over.

Run from `precheck office serve`/`purge` (never from an alembic.ini), so the schema a service
finds is always the one its code was written for.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from precheck.office.models import Base


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if isinstance(given, Connection):
    _run(given)
else:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url or pass a connection in config.attributes")
    with create_engine(url).connect() as connection:
        _run(connection)
        connection.commit()
