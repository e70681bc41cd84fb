"""Databases for tests: migrated SQLite files (copied from one migrated template) and private PostgreSQL databases.

Fixtures here are imported by the conftest of each test package that needs them. PostgreSQL
fixtures depend on `pg_url` (so a missing server skips, or fails under CI) and then work in a
database of their own, so migrating up and down never disturbs another test's database.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from shared_code.core import migrate
from shared_code.core.db import SCHEMAS, create_engine, create_session_factory
from tests.support import services


def sqlite_url_for(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database file at head, migrated once per session."""
    path = tmp_path_factory.mktemp("template") / "pact.db"
    migrate.upgrade(sqlite_url_for(path))
    return path


@pytest.fixture
def migrated_sqlite_url(migrated_sqlite_template: Path, tmp_path: Path) -> str:
    """A private copy of the migrated template: a database at head, for this test only."""
    path = tmp_path / "pact.db"
    shutil.copyfile(migrated_sqlite_template, path)
    return sqlite_url_for(path)


@pytest.fixture
def pg_empty_url(pg_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for this test, dropped afterwards."""
    url = services.create_pg_database()
    yield url
    services.drop_pg_database(url)


@pytest.fixture(scope="session")
def pg_migrated_url(pg_url: str) -> Iterator[str]:
    """A PostgreSQL database at head, shared by the session: tests add rows with unique names."""
    url = services.create_pg_database()
    migrate.upgrade(url)
    yield url
    services.drop_pg_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def migrated_url(request: pytest.FixtureRequest) -> str:
    """A database at head on each dialect PACT runs its tests on."""
    if request.param == "sqlite":
        return request.getfixturevalue("migrated_sqlite_url")
    return request.getfixturevalue("pg_migrated_url")


@pytest.fixture
def session_factory(migrated_url: str) -> Iterator[sessionmaker[Session]]:
    engine = create_engine(migrated_url)
    yield create_session_factory(engine)
    engine.dispose()


def unique(prefix: str) -> str:
    """A name no other test uses (the PostgreSQL database is shared by the session)."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def snapshot(bind: sa.Engine | sa.Connection) -> dict[str, object]:
    """What a migration can change: PACT's schemas, and per table its columns, indexes and row count.

    Tables are schema-qualified where the database has schemas; the version table is left out.
    """
    inspector = sa.inspect(bind)
    if bind.dialect.name == "sqlite":
        schemas, places = [], [(None, name) for name in inspector.get_table_names()]
    else:
        schemas = sorted(set(inspector.get_schema_names()) & set(SCHEMAS))
        places = [(schema, name) for schema in schemas for name in inspector.get_table_names(schema)]
    tables: dict[str, object] = {}
    with bind.connect() if isinstance(bind, sa.Engine) else nullcontext(bind) as conn:
        for schema, name in places:
            if name == "alembic_version":
                continue
            table = sa.table(name, schema=schema)
            count = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            tables[f"{schema}.{name}" if schema else name] = (
                sorted(c["name"] for c in inspector.get_columns(name, schema)),
                sorted(i["name"] for i in inspector.get_indexes(name, schema)),
                count,
            )
    return {"schemas": schemas, "tables": tables}
