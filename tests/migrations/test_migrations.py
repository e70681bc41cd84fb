"""The migration history: every step up and down on SQLite and PostgreSQL, models equal to the result,
and the seeded rows equal to the catalogues in code."""

from __future__ import annotations

import argparse
import itertools
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata, render_python_code
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from shared_code.auth.models import Role
from shared_code.auth.permissions import PERMISSIONS, SYSTEM_ROLES, permission_id, system_role_id
from shared_code.core import migrate
from shared_code.core.bootstrap import Container, reset_container
from shared_code.core.config import Settings
from shared_code.core.db import SCHEMAS, create_engine, flatten_schemas
from shared_code.core.migrate import render_item
from shared_code.core.models import PACT_NAMESPACE, load_models
from shared_code.core.reference import document_type_rows, status_rows
from shared_code.core.seed import seed_defaults
from tests.support.database import snapshot, sqlite_url_for

SCRIPTS = ScriptDirectory.from_config(migrate.alembic_config())
REVISIONS = [script.revision for script in reversed(list(SCRIPTS.walk_revisions()))]  # oldest first

dialects = pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])


@pytest.fixture
def empty_url(dialect: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if dialect == "sqlite":
        return sqlite_url_for(tmp_path / "pact.db")
    return request.getfixturevalue("pg_empty_url")


def _snapshot(url: str) -> dict:
    engine = create_engine(url)
    try:
        return snapshot(engine)
    finally:
        engine.dispose()


def test_one_linear_history() -> None:
    assert SCRIPTS.get_heads() == [migrate.head()]
    assert REVISIONS[:2] == ["0001", "0002"]
    for older, newer in itertools.pairwise(REVISIONS):
        assert SCRIPTS.get_revision(newer).down_revision == older


@dialects
def test_every_migration_upgrades_and_downgrades(empty_url: str, dialect: str) -> None:
    assert _snapshot(empty_url) == {"schemas": [], "tables": {}}
    assert migrate.current(empty_url) is None
    # At base, only the version table's schema is left (it keeps alembic_version; see migrations/env.py).
    states: list[dict] = [{"schemas": [] if dialect == "sqlite" else ["core"], "tables": {}}]
    for previous, revision in zip([None, *REVISIONS], REVISIONS, strict=False):
        migrate.upgrade(empty_url, revision)
        after = _snapshot(empty_url)
        only_on = getattr(SCRIPTS.get_revision(revision).module, "DIALECTS", (dialect,))
        assert (after != states[-1]) == (dialect in only_on), f"{revision} changed nothing, or what it must not"
        migrate.downgrade(empty_url, previous or "base")
        assert _snapshot(empty_url) == states[-1], f"downgrade of {revision} left something behind"
        migrate.upgrade(empty_url, revision)
        assert _snapshot(empty_url) == after, f"{revision} does not upgrade the same way twice"
        assert migrate.current(empty_url) == revision
        states.append(after)
    for revision in reversed([None, *REVISIONS[:-1]]):
        migrate.downgrade(empty_url, revision or "base")
    assert _snapshot(empty_url) == states[0]


def _compare(url: str) -> list:
    metadata = load_models()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                return compare_metadata(context, flatten_schemas(metadata))
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_schemas": True,
                    "version_table_schema": "core",
                    "include_name": lambda name, kind, _: name in SCHEMAS if kind == "schema" else True,
                    "include_object": migrate.include_object,
                },
            )
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


@dialects
def test_models_and_migrated_database_agree(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    assert _compare(empty_url) == []


def test_the_comparison_notices_a_difference(migrated_sqlite_url: str) -> None:
    engine = create_engine(migrated_sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql('ALTER TABLE "Tenant" ADD COLUMN "stray" INTEGER')
    engine.dispose()
    assert [diff[0] for diff in _compare(migrated_sqlite_url)] == ["remove_column"]


@dialects
def test_seeded_rows_equal_the_catalogues_in_code(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    engine = create_engine(empty_url)
    tables = load_models().tables
    with engine.connect() as conn:

        def rows(name: str, *columns: str) -> set[tuple]:
            table = tables[f"core.{name}"]
            return {tuple(row) for row in conn.execute(sa.select(*(table.c[c] for c in columns)))}

        assert rows("DocumentType", "code", "name", "description") == {
            (r["code"], r["name"], r["description"]) for r in document_type_rows()
        }
        assert rows("StatusCode", "domain", "code", "name", "sortOrder", "isTerminal") == {
            (r["domain"], r["code"], r["name"], r["sortOrder"], r["isTerminal"]) for r in status_rows()
        }
        assert rows("Permission", "id", "code", "resource", "action", "description") == {
            (permission_id(p.code), p.code, p.resource, p.action, p.description) for p in PERMISSIONS
        }
        assert rows("Role", "id", "name", "description", "isSystem", "tenantId") == {
            (system_role_id(r.name), r.name, r.description, True, None) for r in SYSTEM_ROLES.values()
        }
        assert rows("RolePermission", "roleId", "permissionId") == {
            (system_role_id(r.name), permission_id(code)) for r in SYSTEM_ROLES.values() for code in r.permissions
        }
        created = conn.execute(sa.select(tables["core.Role"].c.createdAt)).scalars().all()
        assert all(value is not None and value.tzinfo is not None for value in created)  # server defaults
    engine.dispose()


def test_the_migrations_namespace_is_the_codes() -> None:
    assert SCRIPTS.get_revision("0002").module.NAMESPACE == PACT_NAMESPACE


@dialects
def test_role_names_are_unique_per_tenant_and_among_system_roles(empty_url: str) -> None:
    """PostgreSQL and SQLite treat NULLs in UQ_Role_tenantId_name as distinct (MSSQL as equal); the
    filtered index IX_Role_name_system makes system role names unique on all of them."""
    migrate.upgrade(empty_url)
    tables = load_models().tables
    tenant, role = tables["core.Tenant"], tables["core.Role"]
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(tenant.insert().values(id=system_role_id("t"), slug="t", name="T", settings={}))
        conn.execute(role.insert().values(id=system_role_id("mine"), tenantId=system_role_id("t"), name="Admin"))
    for duplicate in (
        {"id": system_role_id("dup1"), "tenantId": None, "name": "Admin"},
        {"id": system_role_id("dup2"), "tenantId": system_role_id("t"), "name": "Admin"},
    ):
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(role.insert().values(**duplicate))
    engine.dispose()


def test_env_takes_the_url_from_x_argument(tmp_path: Path) -> None:
    url = sqlite_url_for(tmp_path / "x.db")
    config = migrate.alembic_config()
    config.cmd_opts = argparse.Namespace(x=[f"url={url}"])
    command.upgrade(config, "head")
    assert migrate.current(url) == migrate.head()


def test_env_falls_back_to_the_apps_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = sqlite_url_for(tmp_path / "from-settings.db")
    monkeypatch.setenv("PACT_DATABASE_URL", url)
    monkeypatch.setenv("AzureWebJobsStorage", "UseDevelopmentStorage=true")
    monkeypatch.setenv("PACT_LOCAL_SETTINGS", str(tmp_path / "absent.json"))
    reset_container()
    try:
        command.upgrade(migrate.alembic_config(), "0001")
    finally:
        reset_container()
    assert migrate.current(url) == "0001"


def test_autogenerate_writes_portable_defaults_and_plain_types() -> None:
    code = render_python_code(ops.UpgradeOps([ops.CreateTableOp.from_table(Role.__table__)]), render_item=render_item)
    assert "sa.Column('createdAt', sa.DateTime(timezone=True), server_default=utcnow()" in code
    assert "server_default=sa.false()" in code
    assert "now()" not in code.replace("utcnow()", "") and "UTCDateTime" not in code


def test_autogenerate_refuses_sqlite(tmp_path: Path) -> None:
    config = migrate.alembic_config(url=sqlite_url_for(tmp_path / "a.db"))
    config.cmd_opts = argparse.Namespace(autogenerate=True, x=None)  # as `alembic revision --autogenerate` sets it
    with pytest.raises(CommandError, match="PostgreSQL"):
        command.revision(config, message="x", autogenerate=True, version_path=str(tmp_path))


PROBE_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{down}"


def upgrade():
{body}


def downgrade():
    with op.batch_alter_table("Tenant", schema="core", recreate="always") as batch:
        batch.alter_column("name", type_=sa.Unicode(200))
        batch.drop_column("probe")
"""

# A plain ALTER (add column), then a batch rebuild of Tenant, which User and others reference.
ALTER_TENANT = """    op.add_column("Tenant", sa.Column("probe", sa.Integer), schema="core")
    with op.batch_alter_table("Tenant", schema="core", recreate="always") as batch:
        batch.alter_column("name", type_=sa.Unicode(300))"""
FAIL_HALFWAY = """    op.create_table("Scratch", sa.Column("id", sa.Integer, primary_key=True), schema="core")
    raise RuntimeError("migration failed halfway")"""
ORPHAN_USERS = """    op.execute('DELETE FROM "Tenant"')  # raw SQL names no schema: SQLite has none"""


def _probe_history(tmp_path: Path, url: str, body: str):
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.REPO_ROOT / "migrations", scripts, ignore=shutil.ignore_patterns("__pycache__"))
    probe = PROBE_REVISION.format(down=migrate.head(), body=body)
    (scripts / "versions" / "9001_probe.py").write_text(probe, encoding="utf-8")
    config = migrate.alembic_config(url=url)
    config.set_main_option("script_location", str(scripts))
    return config


def _seed_a_user(url: str) -> None:
    settings = Settings.from_environ({"AzureWebJobsStorage": "UseDevelopmentStorage=true", "PACT_DATABASE_URL": url})
    app = Container(settings)
    seed_defaults(app, settings)
    app.close()


def _users_and_tenants(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = tuple(conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar_one() for t in ("User", "Tenant"))
    engine.dispose()
    return counts


def test_sqlite_can_rebuild_a_referenced_table(tmp_path: Path, migrated_sqlite_url: str) -> None:
    _seed_a_user(migrated_sqlite_url)
    config = _probe_history(tmp_path, migrated_sqlite_url, ALTER_TENANT)
    command.upgrade(config, "head")  # drops and recreates Tenant, which User references
    assert _users_and_tenants(migrated_sqlite_url) == (1, 1)
    assert migrate.current(migrated_sqlite_url) == "9001"
    command.downgrade(config, "-1")
    assert _compare(migrated_sqlite_url) == []
    engine = create_engine(migrated_sqlite_url)
    with engine.connect() as conn:  # enforcement is back on for the application's connections
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


@pytest.mark.parametrize(
    ("body", "error"),
    [(FAIL_HALFWAY, "halfway"), (ORPHAN_USERS, "dangling foreign keys")],
    ids=["fails-halfway", "orphans-rows"],
)
def test_a_failed_sqlite_migration_leaves_nothing_behind(
    tmp_path: Path, migrated_sqlite_url: str, body: str, error: str
) -> None:
    _seed_a_user(migrated_sqlite_url)
    before = _snapshot(migrated_sqlite_url)
    with pytest.raises((RuntimeError, CommandError), match=error):
        command.upgrade(_probe_history(tmp_path, migrated_sqlite_url, body), "head")
    assert _snapshot(migrated_sqlite_url) == before
    assert migrate.current(migrated_sqlite_url) == migrate.head()
