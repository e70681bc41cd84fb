"""The declarative base: naming conventions, column naming, types and the shared mixins."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql, postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.schema import CreateTable

from shared_code.auth.models import Tenant, User
from shared_code.core.db import SCHEMAS
from shared_code.core.models import (
    NAMING_CONVENTION,
    Base,
    SoftDeletable,
    Timestamped,
    UTCDateTime,
    UUIDPrimaryKey,
    camel_case,
    load_models,
    stable_id,
    utcnow,
)
from tests.support.database import unique

PASCAL_CASE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
CAMEL_CASE = re.compile(r"^[a-z][A-Za-z0-9]*$")
CONSTRAINT_NAME = re.compile(r"^(PK|UQ|IX|FK|CK)_[A-Za-z0-9_]+$")
POSTGRES_NAME_LIMIT = 63  # longer names are silently truncated by PostgreSQL

CORE_TABLES = {
    "core.Tenant",
    "core.User",
    "core.Role",
    "core.Permission",
    "core.RolePermission",
    "core.UserRole",
    "core.ApiKey",
    "core.AuditLog",
    "core.DocumentType",
    "core.StatusCode",
}


@pytest.fixture(scope="module")
def metadata() -> sa.MetaData:
    return load_models()


class ScratchBase(Base):
    """Models for these tests only, kept out of the application's metadata."""

    __abstract__ = True
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class NamingProbe(UUIDPrimaryKey, Timestamped, SoftDeletable, ScratchBase):
    __tablename__ = "NamingProbe"
    __table_args__ = {"schema": "doc"}

    display_name: Mapped[str] = mapped_column(sa.Unicode(50))
    page_count: Mapped[int]
    legacy_code: Mapped[str] = mapped_column("LEGACY_CODE", sa.Unicode(10))


def test_load_models_finds_the_core_tables(metadata: sa.MetaData) -> None:
    assert CORE_TABLES <= set(metadata.tables)


def test_table_names_are_unique_across_schemas(metadata: sa.MetaData) -> None:
    # SQLite puts every schema in one namespace.
    duplicates = [name for name, n in Counter(t.name for t in metadata.tables.values()).items() if n > 1]
    assert duplicates == []


def test_every_table_names_one_of_the_schemas(metadata: sa.MetaData) -> None:
    assert [t.fullname for t in metadata.tables.values() if t.schema not in SCHEMAS] == []


def test_tables_are_pascal_case_and_columns_camel_case(metadata: sa.MetaData) -> None:
    assert [t.name for t in metadata.tables.values() if not PASCAL_CASE.match(t.name)] == []
    bad = [
        f"{t.fullname}.{c.name}" for t in metadata.tables.values() for c in t.columns if not CAMEL_CASE.match(c.name)
    ]
    assert bad == []


def test_constraints_and_indexes_are_named_by_the_convention(metadata: sa.MetaData) -> None:
    names = [str(item.name) for table in metadata.tables.values() for item in (*table.constraints, *table.indexes)]
    assert all(name != "None" for name in names)
    assert [n for n in names if not CONSTRAINT_NAME.match(n) or len(n) > POSTGRES_NAME_LIMIT] == []
    assert len(names) == len(set(names))  # one namespace per database in SQLite, per schema elsewhere


def test_constraint_names_read_as_the_dbas_expect() -> None:
    user = User.__table__
    names = {str(c.name) for c in (*user.constraints, *user.indexes)}
    assert {"PK_User", "UQ_User_email", "FK_User_tenantId_Tenant", "CK_User_status", "IX_User_tenantId"} <= names


def test_columns_are_named_in_camel_case_from_their_attributes() -> None:
    columns = NamingProbe.__table__.c
    assert [c.name for c in columns] == [
        "id",
        "displayName",
        "pageCount",
        "LEGACY_CODE",  # an explicit name wins
        "createdAt",
        "updatedAt",
        "createdBy",
        "updatedBy",
        "deletedAt",
        "deletedBy",
    ]
    assert NamingProbe.display_name.property.columns[0].name == "displayName"


@pytest.mark.parametrize(
    ("attribute", "column"),
    [("display_name", "displayName"), ("tenant_id", "tenantId"), ("id", "id"), ("last_login_at", "lastLoginAt")],
)
def test_camel_case(attribute: str, column: str) -> None:
    assert camel_case(attribute) == column


def test_types_map_to_the_dbas_types() -> None:
    ddl = str(CreateTable(User.__table__).compile(dialect=mssql.dialect()))
    assert "email NVARCHAR(320) NOT NULL" in ddl
    assert "id UNIQUEIDENTIFIER NOT NULL" in ddl
    assert "[createdAt] DATETIMEOFFSET NOT NULL DEFAULT SYSUTCDATETIME()" in ddl
    assert "[passwordHash] NVARCHAR(255) NULL" in ddl


@pytest.mark.parametrize(
    ("dialect", "rendered"),
    [
        (postgresql.dialect(), "now()"),
        (sqlite.dialect(), "strftime('%Y-%m-%d %H:%M:%f', 'now')"),
        (mssql.dialect(), "SYSUTCDATETIME()"),
    ],
)
def test_utcnow_is_utc_in_each_dialect(dialect: sa.Dialect, rendered: str) -> None:
    assert str(sa.select(utcnow()).compile(dialect=dialect)) == f"SELECT {rendered} AS anon_1"


def test_stable_ids_are_deterministic_and_distinct() -> None:
    assert stable_id("role", "Admin") == stable_id("role", "Admin")
    assert stable_id("role", "Admin") != stable_id("permission", "Admin")
    assert stable_id("role", "Admin").version == 5


def test_soft_delete_and_restore() -> None:
    actor = uuid.uuid4()
    probe = NamingProbe(display_name="x", page_count=1, legacy_code="y")
    assert not probe.is_deleted
    probe.mark_deleted(by=actor)
    assert probe.is_deleted and probe.deleted_by == actor and probe.deleted_at.tzinfo is not None
    probe.restore()
    assert not probe.is_deleted and probe.deleted_by is None


def test_utc_type_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2025, 1, 1, 12, 0), postgresql.dialect())


def test_utc_type_converts_to_utc_and_reads_back_aware() -> None:
    kind = UTCDateTime()
    paris = datetime(2025, 6, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    stored = kind.process_bind_param(paris, sqlite.dialect())
    assert stored == paris and stored.utcoffset() == timedelta(0)
    assert kind.process_result_value(datetime(2025, 6, 1, 12, 0), sqlite.dialect()).tzinfo is UTC


def _tenant(session: Session) -> Tenant:
    tenant = Tenant(slug=unique("t"), name="Probe", settings={})
    session.add(tenant)
    session.flush()
    return tenant


def test_timestamps_round_trip_as_aware_utc(session_factory: sessionmaker[Session]) -> None:
    local = datetime(2025, 3, 9, 23, 30, 15, 123000, tzinfo=timezone(timedelta(hours=-5)))
    with session_factory() as session:
        tenant = _tenant(session)
        user = User(tenant_id=tenant.id, email=f"{unique('u')}@example.com", display_name="U", last_login_at=local)
        session.add(user)
        session.commit()
        user_id = user.id
    with session_factory() as session:
        user = session.get(User, user_id)
        assert user.last_login_at == local
        assert user.last_login_at.utcoffset() == timedelta(0) and user.last_login_at.tzinfo is UTC
        assert user.created_at.tzinfo is UTC  # a server default, read back aware too
        assert abs(user.created_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_naive_datetimes_are_not_stored(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        tenant = _tenant(session)
        session.add(
            User(
                tenant_id=tenant.id, email=f"{unique('u')}@x.com", display_name="U", last_login_at=datetime(2025, 1, 1)
            )
        )
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            session.flush()


def test_emails_are_stored_lower_case(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        tenant = _tenant(session)
        user = User(tenant_id=tenant.id, email="  Mixed.Case@Example.COM ", display_name="U")
        assert user.email == "mixed.case@example.com"
        session.add(user)
        session.flush()
        with pytest.raises(sa.exc.IntegrityError):  # and the database insists on it
            session.execute(sa.update(User).where(User.id == user.id).values(email="UPPER@EXAMPLE.COM"))


def test_statuses_outside_the_list_are_refused(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        tenant = _tenant(session)
        session.add(User(tenant_id=tenant.id, email=f"{unique('u')}@x.com", display_name="U", status="banished"))
        with pytest.raises(sa.exc.IntegrityError, match="(?i)CK_User_status"):
            session.flush()
