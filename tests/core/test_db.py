"""Engines per dialect: SQLite's schema mapping, pragmas and transactions; PostgreSQL and MSSQL options."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
import sqlalchemy as sa

from shared_code.core.db import (
    SCHEMAS,
    UnsupportedDatabaseError,
    create_engine,
    create_session_factory,
    flatten_schemas,
)


@pytest.fixture
def sqlite_engine(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'pact.db'}")
    yield engine
    engine.dispose()


def _probe_tables(schema_a: str = "doc", schema_b: str = "returns") -> tuple[sa.MetaData, sa.Table, sa.Table]:
    metadata = sa.MetaData()
    parent = sa.Table("ProbeParent", metadata, sa.Column("id", sa.Integer, primary_key=True), schema=schema_a)
    child = sa.Table(
        "ProbeChild",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parentId", sa.ForeignKey(f"{schema_a}.ProbeParent.id")),
        schema=schema_b,
    )
    return metadata, parent, child


def test_the_eight_schemas() -> None:
    assert SCHEMAS == ("core", "doc", "acs", "idm", "returns", "esig", "workflow", "analytics")


def test_sqlite_file_database_gets_its_directory(sqlite_engine: sa.Engine, tmp_path: Path) -> None:
    with sqlite_engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    assert (tmp_path / "nested" / "dir" / "pact.db").is_file()


def test_sqlite_pragmas_are_set_on_every_connection(sqlite_engine: sa.Engine) -> None:
    for _ in range(2):  # a second, pooled or new, connection is configured too
        with sqlite_engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_sqlite_maps_schemas_away(sqlite_engine: sa.Engine) -> None:
    metadata, parent, child = _probe_tables()
    metadata.create_all(sqlite_engine)
    with sqlite_engine.begin() as conn:
        conn.execute(parent.insert().values(id=1))
        conn.execute(child.insert().values(id=1, parentId=1))
        assert conn.execute(sa.select(child.c.parentId)).scalar_one() == 1
        names = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars())
    assert {"ProbeParent", "ProbeChild"} <= names


def test_sqlite_enforces_foreign_keys(sqlite_engine: sa.Engine) -> None:
    metadata, _, child = _probe_tables()
    metadata.create_all(sqlite_engine)
    with pytest.raises(sa.exc.IntegrityError), sqlite_engine.begin() as conn:
        conn.execute(child.insert().values(id=1, parentId=42))


def test_sqlite_ddl_is_transactional(sqlite_engine: sa.Engine) -> None:
    # The sqlite3 driver's legacy mode would autocommit the CREATE TABLE; the engine emits BEGIN itself.
    with sqlite_engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE Scratch (id INTEGER)")
        conn.rollback()
    assert not sa.inspect(sqlite_engine).has_table("Scratch")


def test_sqlite_savepoints_roll_back_inside_a_transaction(sqlite_engine: sa.Engine) -> None:
    metadata, parent, _ = _probe_tables()
    metadata.create_all(sqlite_engine)
    with sqlite_engine.connect() as conn:
        conn.execute(parent.insert().values(id=1))
        with conn.begin_nested() as savepoint:
            conn.execute(parent.insert().values(id=2))
            savepoint.rollback()
        conn.commit()
        assert conn.execute(sa.select(parent.c.id)).scalars().all() == [1]


def test_in_memory_sqlite_is_one_database_for_all_connections() -> None:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE Shared (id INTEGER)")
    with engine.connect() as conn:
        assert sa.inspect(conn).has_table("Shared")
    engine.dispose()


def test_session_factory_keeps_objects_readable_after_commit(sqlite_engine: sa.Engine) -> None:
    factory = create_session_factory(sqlite_engine)
    assert factory.kw["expire_on_commit"] is False
    bind = factory.kw["bind"]
    assert bind.pool is sqlite_engine.pool  # the same engine, with SQLite's write lock taken at BEGIN
    assert bind.get_execution_options()["sqlite_begin"] == "IMMEDIATE"


def test_flattened_metadata_has_no_schemas() -> None:
    metadata, _, _ = _probe_tables()
    flat = flatten_schemas(metadata)
    assert sorted(flat.tables) == ["ProbeChild", "ProbeParent"]
    assert [fk.target_fullname for fk in flat.tables["ProbeChild"].foreign_keys] == ["ProbeParent.id"]


def test_postgres_engine_pings_pooled_connections() -> None:
    engine = create_engine("postgresql+psycopg://user@db.example/pact")
    assert engine.dialect.name == "postgresql"
    assert engine.pool._pre_ping is True
    assert "schema_translate_map" not in engine.get_execution_options()


def test_mssql_engine_pings_and_batches_inserts(monkeypatch: pytest.MonkeyPatch) -> None:
    # pyodbc needs the system's unixODBC library, absent on build machines; the dialect only
    # needs the module's surface to be constructed.
    fake = types.ModuleType("pyodbc")
    fake.paramstyle, fake.version = "qmark", "5.2.0"
    fake.Cursor = type("Cursor", (), {"nextset": lambda self: None})
    monkeypatch.setitem(sys.modules, "pyodbc", fake)
    engine = create_engine("mssql+pyodbc://user:secret@pact-dsn")
    assert engine.dialect.name == "mssql"
    assert engine.pool._pre_ping is True
    assert engine.dialect.fast_executemany is True
    assert "schema_translate_map" not in engine.get_execution_options()


def test_a_driver_that_cannot_load_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyodbc", None)
    with pytest.raises(UnsupportedDatabaseError, match="mssql\\+pyodbc driver cannot be loaded"):
        create_engine("mssql+pyodbc://user:secret@pact-dsn")


def test_unknown_database_is_refused() -> None:
    with pytest.raises(UnsupportedDatabaseError, match="oracle"):
        create_engine("oracle://scott:tiger@db/orcl")


@pytest.mark.postgres
def test_postgres_engine_connects(pg_url: str) -> None:
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    engine.dispose()


@pytest.mark.postgres
def test_a_failing_statement_does_not_carry_its_parameters_into_the_error(pg_url: str, tmp_path: Path) -> None:
    # A logged traceback must never hold what a statement wrote: password hashes, token hashes.
    secret = "$argon2id$v=19$m=19456,t=2,p=1$not-for-any-log"
    for url in (pg_url, f"sqlite:///{tmp_path / 'p.db'}"):
        engine = create_engine(url)
        with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError) as caught:
            conn.execute(sa.text("SELECT CAST(:hash AS INTEGER) / 0 FROM no_such_table"), {"hash": secret})
        assert secret not in str(caught.value)
        engine.dispose()
    assert create_engine("sqlite://", echo=True).hide_parameters is False  # a developer asked to see them
