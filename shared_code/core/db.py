"""Engines and sessions for the three databases PACT runs on: SQLite, PostgreSQL and MSSQL.

One database holds eight schemas. SQLite has no schemas, so its engine translates every schema
to none (`schema_translate_map`) and the tables share one namespace: table names are unique across
schemas for that reason. The only other dialect differences are connection settings, made here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.compiler import DDLCompiler

SCHEMAS: tuple[str, ...] = ("core", "doc", "acs", "idm", "returns", "esig", "workflow", "analytics")

# SQLite: every schema is the main database.
SQLITE_SCHEMA_MAP: dict[str | None, str | None] = dict.fromkeys(SCHEMAS)

SQLITE_BUSY_TIMEOUT_MS = 5000


class UnsupportedDatabaseError(ValueError):
    """The URL names a database PACT does not run on, or whose driver is not installed."""


def create_engine(url: str | URL, *, echo: bool = False, pool_size: int = 5) -> Engine:
    """An engine for `url`, configured for its dialect; nothing connects until first use.

    A server database keeps `pool_size` connections and opens up to as many more under a burst
    (those close when returned): the worker's threads should rarely wait for, or churn, connections.

    Its errors never carry the statement's parameters (password and token hashes, encrypted
    secrets) into a logged traceback, unless `echo` asks for every statement to be logged anyway.
    """
    url = make_url(url)
    backend = url.get_backend_name()
    try:
        if backend == "sqlite":
            return _sqlite_engine(url, echo=echo)
        pooled = {"pool_pre_ping": True, "pool_size": pool_size, "max_overflow": pool_size}
        if backend == "postgresql":
            return sa.create_engine(url, echo=echo, hide_parameters=not echo, **pooled)
        if backend == "mssql":
            return sa.create_engine(url, echo=echo, hide_parameters=not echo, fast_executemany=True, **pooled)
    except ImportError as exc:  # e.g. pyodbc without the system's unixODBC library
        raise UnsupportedDatabaseError(f"the {url.drivername} driver cannot be loaded: {exc}") from exc
    raise UnsupportedDatabaseError(f"unsupported database {backend!r}: use sqlite, postgresql+psycopg or mssql+pyodbc")


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to `engine`; objects stay readable after commit (they are handed to responses)."""
    if is_sqlite(engine):
        # A unit of work reads, then writes: on SQLite it takes the write lock when it begins, so
        # two of them queue (busy timeout) instead of one failing with "database is locked".
        engine = engine.execution_options(sqlite_begin="IMMEDIATE")
    return sessionmaker(bind=engine, expire_on_commit=False)


def is_sqlite(bind: Engine | sa.Connection) -> bool:
    return bind.dialect.name == "sqlite"


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {}
    if in_memory:
        # One shared connection, or each checkout would see a new, empty database.
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, echo=echo, hide_parameters=not echo, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself: the sqlite3 driver's legacy mode skips it for DDL and
        # SAVEPOINT, which would break transactional migrations and nested units of work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        options = conn.get_execution_options()
        if options.get("isolation_level") != "AUTOCOMMIT":
            conn.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', '')}".strip())

    return engine.execution_options(schema_translate_map=SQLITE_SCHEMA_MAP)


@compiles(sa.ForeignKeyConstraint, "sqlite")
def _sqlite_foreign_key(constraint: sa.ForeignKeyConstraint, compiler: DDLCompiler, **kw: Any) -> str | None:
    """Keep foreign keys between schemas that the engine maps to the same SQLite database.

    SQLite's DDL compiler drops a foreign key whose tables name different schemas (SQLite cannot
    reference another attached database), which would silently lose every reference to
    `core.Tenant` from the other schemas. Under our schema_translate_map they share one database.
    """
    local, remote = constraint.elements[0].parent.table, constraint.elements[0].column.table
    translate = getattr(compiler, "schema_translate_map", None) or {}
    if translate.get(local.schema, local.schema) == translate.get(remote.schema, remote.schema):
        return DDLCompiler.visit_foreign_key_constraint(compiler, constraint, **kw)
    return compiler.visit_foreign_key_constraint(constraint, **kw)


def flatten_schemas(metadata: sa.MetaData) -> sa.MetaData:
    """A copy of `metadata` with every table in the default schema: the tables as SQLite holds them.

    For comparing models with a SQLite database (reflection knows nothing of schema_translate_map).
    """
    flat = sa.MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        table.to_metadata(flat, schema=None, referred_schema_fn=lambda *_: sa.BLANK_SCHEMA)
    return flat
