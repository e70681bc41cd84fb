"""Alembic environment: one history for all schemas, on SQLite, PostgreSQL and (offline or online) MSSQL.

Where the database is, first found wins: `-x url=...`; the `sqlalchemy.url` attribute (or main
option) set by shared_code.core.migrate; the app's own settings (PACT_DATABASE_URL, with
local.settings.json, as the composition root reads them). Offline, `dialect_name` in the config
attributes renders SQL for a dialect without a URL or a driver (`pact sql` does so for MSSQL).

The version table lives in schema `core` (SQLite: the one namespace). Alembic creates it before
the first migration runs, so its schema is created here when missing, not by 0001.

New revisions: `alembic -x url=postgresql+psycopg://... revision --autogenerate -m "..."` against
a PostgreSQL database at head (SQLite is refused: it would drop the schemas), then review the
file: data changes, and anything autogenerate cannot see, are written by hand.
"""

from __future__ import annotations

import copy
from logging.config import fileConfig
from typing import Any

import sqlalchemy as sa
from alembic import context
from alembic.ddl.base import AlterTable
from alembic.ddl.sqlite import SQLiteImpl
from alembic.util import CommandError
from sqlalchemy.schema import CreateSchema

from shared_code.core.db import SCHEMAS, SQLITE_SCHEMA_MAP, create_engine, flatten_schemas
from shared_code.core.migrate import include_object, render_item
from shared_code.core.models import load_models

VERSION_TABLE_SCHEMA = "core"

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


class _SchemalessSQLiteImpl(SQLiteImpl):
    """Alembic's SQLite support, for a database whose schemas the engine maps away.

    Alembic's own ALTER statements (add, alter or drop a column, rename a table, as batch mode
    does last) write the schema as text, out of schema_translate_map's reach: drop it here. DDL is
    transactional, as the engine emits BEGIN itself. Defining the class replaces Alembic's SQLite
    implementation for this process.
    """

    __dialect__ = "sqlite"
    transactional_ddl = True

    def _exec(self, construct: Any, *args: Any, **kw: Any) -> Any:
        if isinstance(construct, AlterTable) and construct.schema in SQLITE_SCHEMA_MAP:
            construct = copy.copy(construct)
            construct.schema = SQLITE_SCHEMA_MAP[construct.schema]
        return super()._exec(construct, *args, **kw)


def _database_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    url = url or config.attributes.get("sqlalchemy.url") or config.get_main_option("sqlalchemy.url")
    if url:
        return str(url)
    from shared_code.core.bootstrap import container

    return container().settings.database_url.get_secret_value()


def _include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    # Compare only PACT's schemas, never `public`/`dbo` or a neighbour's.
    return name in SCHEMAS if type_ == "schema" else True


def _options(dialect_name: str) -> dict:
    """What differs on SQLite: no schemas (flattened metadata, unqualified version table) and
    batch mode, since SQLite alters tables by copying them."""
    metadata = load_models()
    common = {"compare_type": True, "render_item": render_item}
    if dialect_name == "sqlite":
        if getattr(config.cmd_opts, "autogenerate", False):
            raise CommandError(
                "autogenerate against PostgreSQL (-x url=postgresql+psycopg://...): "
                "SQLite has no schemas, so the new migration would lose them"
            )
        return {**common, "target_metadata": flatten_schemas(metadata), "render_as_batch": True}
    return {
        **common,
        "target_metadata": metadata,
        "version_table_schema": VERSION_TABLE_SCHEMA,
        "include_schemas": True,
        "include_name": _include_name,
        "include_object": include_object,
    }


def run_migrations_offline() -> None:
    dialect_name = config.attributes.get("dialect_name")
    if dialect_name:
        target = {"dialect_name": dialect_name}
    else:
        url = sa.make_url(_database_url())
        dialect_name = url.get_backend_name()
        target = {"url": url}
    context.configure(**target, **_options(dialect_name), literal_binds=True)
    if dialect_name != "sqlite" and context.get_starting_revision_argument() is None:
        # A script from base starts on an empty database. Emitted before the transaction opens:
        # MSSQL wants CREATE SCHEMA first in its batch, and BEGIN TRANSACTION shares one with what follows.
        context.execute(CreateSchema(VERSION_TABLE_SCHEMA))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(_database_url())
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                _run_on_sqlite(connection)
            else:
                _run_online(connection)
    finally:
        engine.dispose()


def _run_online(connection: sa.Connection) -> None:
    context.configure(connection=connection, **_options(connection.dialect.name))
    with context.begin_transaction():
        if not sa.inspect(connection).has_schema(VERSION_TABLE_SCHEMA):
            connection.execute(CreateSchema(VERSION_TABLE_SCHEMA))
        context.run_migrations()


def _run_on_sqlite(connection: sa.Connection) -> None:
    """All migrations in one transaction, with foreign keys checked at the end rather than enforced.

    SQLite alters a table by copying it (batch mode); with enforcement on, dropping the old copy
    of a referenced table fails or cascades. The pragma only takes effect outside a transaction,
    hence the raw connection, before SQLAlchemy begins one. A failed run leaves nothing behind.
    """
    raw = connection.connection.dbapi_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        context.configure(connection=connection, **_options("sqlite"))
        with context.begin_transaction():
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise CommandError(f"migration left rows with dangling foreign keys (table, row, parent): {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
