"""The declarative base every table derives from, its column types and the shared mixins.

Conventions (the DBAs' MSSQL house style, see docs/ARCHITECTURE.md "Data"):
- tables are PascalCase and name their schema: ``__table_args__ = {"schema": "core"}``;
- Python attributes are snake_case, database columns camelCase: `Base` names a column from its
  attribute (``display_name`` → ``displayName``) unless `mapped_column("name")` says otherwise;
- constraints are named by `NAMING_CONVENTION`, so MSSQL can drop them by name;
- keys are UUIDs; timestamps are UTC and come back timezone-aware on every dialect;
- `str` maps to `Unicode` (NVARCHAR on MSSQL); give a length to anything indexed.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, declared_attr, mapped_column
from sqlalchemy.sql.functions import FunctionElement

NAMING_CONVENTION: dict[str, str] = {
    "pk": "PK_%(table_name)s",
    "uq": "UQ_%(table_name)s_%(column_0_N_name)s",
    "ix": "IX_%(table_name)s_%(column_0_N_name)s",
    "fk": "FK_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "ck": "CK_%(table_name)s_%(constraint_name)s",
}


class utcnow(FunctionElement):  # lower case: reads as the SQL function it stands for
    """The database's current UTC time, for server defaults and `onupdate`.

    Rendered per dialect because each spells "now, in UTC" differently; no timestamp is ever
    computed in Python for a default, so offline SQL stays stable.
    """

    type = sa.DateTime(timezone=True)
    inherit_cache = True


@compiles(utcnow)
def _utcnow_default(element: utcnow, compiler: Any, **kw: Any) -> str:
    return "CURRENT_TIMESTAMP"


@compiles(utcnow, "postgresql")
def _utcnow_postgresql(element: utcnow, compiler: Any, **kw: Any) -> str:
    return "now()"


@compiles(utcnow, "sqlite")
def _utcnow_sqlite(element: utcnow, compiler: Any, **kw: Any) -> str:
    # CURRENT_TIMESTAMP is UTC but whole seconds only; keep milliseconds so rows sort.
    return "strftime('%Y-%m-%d %H:%M:%f', 'now')"


@compiles(utcnow, "mssql")
def _utcnow_mssql(element: utcnow, compiler: Any, **kw: Any) -> str:
    # CURRENT_TIMESTAMP is the server's local time on SQL Server (UTC on Azure SQL, not on-premises).
    return "SYSUTCDATETIME()"


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A point in time stored in UTC and always read back as a timezone-aware UTC datetime.

    Naive datetimes are refused: their zone is a guess, and a wrong guess is silent.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime (e.g. datetime.now(UTC))")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite keeps no zone; what it holds is UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def camel_case(name: str) -> str:
    """``display_name`` → ``displayName``; already camelCase names pass unchanged."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_MAPPED_ANNOTATION = re.compile(r"^(?:\w+\.)*Mapped\[")


class Base(DeclarativeBase):
    """The declarative base: shared metadata (with the naming convention) and the type map."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        uuid.UUID: sa.Uuid(),
        str: sa.Unicode(),
        datetime: UTCDateTime(),
        bool: sa.Boolean(),
        dict[str, Any]: sa.JSON(),
        list[str]: sa.JSON(),
    }

    def __init_subclass__(cls, **kw: Any) -> None:
        for klass in reversed(cls.__mro__):
            if klass is not object and klass not in Base.__mro__:
                _name_columns(klass)
        super().__init_subclass__(**kw)


def _name_columns(klass: type) -> None:
    """Give unnamed columns of `klass` (a model or mixin) the camelCase of their attribute name."""
    for key, annotation in list(vars(klass).get("__annotations__", {}).items()):
        if not _MAPPED_ANNOTATION.match(str(annotation)):
            continue
        value = vars(klass).get(key)
        if value is None:
            value = mapped_column()  # an annotation-only column: give it a name like the rest
        elif not isinstance(value, MappedColumn):
            continue
        if value.column.name is None:
            value.column.name = value.column.key = camel_case(key)
        # Re-set in declaration order, so the table's columns keep the order they are written in.
        if key in vars(klass):
            delattr(klass, key)
        setattr(klass, key, value)
    for key, value in list(vars(klass).items()):
        if isinstance(value, MappedColumn) and value.column.name is None:  # columns without annotation
            value.column.name = value.column.key = camel_case(key)


class UUIDPrimaryKey:
    """A random UUID primary key, assigned in Python so the id is known before the flush."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4, sort_order=-100)


class Timestamped:
    """Who created and last changed the row, and when (the unit of work fills the actors).

    The actor columns are not foreign keys: an actor is a user, an API key or the system.
    """

    created_at: Mapped[datetime] = mapped_column(server_default=utcnow(), sort_order=100)
    updated_at: Mapped[datetime] = mapped_column(server_default=utcnow(), onupdate=utcnow(), sort_order=100)
    created_by: Mapped[uuid.UUID | None] = mapped_column(sort_order=100)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(sort_order=100)


class SoftDeletable:
    """A row that can be deleted and restored: deletion sets `deleted_at`, restoring clears it."""

    deleted_at: Mapped[datetime | None] = mapped_column(sort_order=101)
    deleted_by: Mapped[uuid.UUID | None] = mapped_column(sort_order=101)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def mark_deleted(self, *, by: uuid.UUID | None, at: datetime | None = None) -> None:
        self.deleted_at = at or datetime.now(UTC)
        self.deleted_by = by

    def restore(self) -> None:
        self.deleted_at = None
        self.deleted_by = None


class Versioned:
    """Optimistic concurrency: `version` goes up with every UPDATE, which only applies when the row still
    has the version read (SQLAlchemy's version counter). It is the record's ETag."""

    version: Mapped[int] = mapped_column(default=1, server_default="1", sort_order=102)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


def check_one_of(column: str, values: tuple[str, ...], *, name: str | None = None) -> sa.CheckConstraint:
    """A CHECK that `column` (its database name) holds one of `values`; named CK_<Table>_<name>."""
    # An expression, not text: each dialect quotes the column its own way ([x] on MSSQL, which
    # would read "x" as a string if QUOTED_IDENTIFIER were off).
    return sa.CheckConstraint(sa.column(column).in_(values), name=name or column)


# Tenant scoping. A unit of work for tenant T (shared_code.core.uow) reads and writes:
#   TenantOwned rows whose tenant is T;  TenantOrSystem rows whose tenant is T (and reads, never
#   writes, the system rows with no tenant);  the TenantRoot row whose id is T.


class TenantOwned:
    """A row that belongs to one tenant; units of work see and write only their tenant's rows."""

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column("tenantId", sa.ForeignKey("core.Tenant.id"), index=True, sort_order=-90)


class TenantOrSystem:
    """A row that belongs to one tenant, or to none: a system row every tenant reads but cannot change."""

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column("tenantId", sa.ForeignKey("core.Tenant.id"), index=True, sort_order=-90)


class TenantRoot(UUIDPrimaryKey):
    """The tenant itself: a tenant's unit of work sees its own tenant row only."""


PACT_NAMESPACE = uuid.UUID("6f1d3c52-8f0e-4a51-9a57-2b0e4c8d1f10")


def stable_id(kind: str, key: str) -> uuid.UUID:
    """A deterministic UUID for seeded rows (``stable_id("role", "Admin")``), equal in every database."""
    return uuid.uuid5(PACT_NAMESPACE, f"{kind}:{key}")


# Tables defined outside a `<package>/models.py` module.
_EXTRA_MODEL_MODULES = ("shared_code.core.audit", "shared_code.core.reference")


def load_models() -> sa.MetaData:
    """Import every model module (``shared_code.<package>.models`` and the core tables); return the metadata.

    Migrations and the model/database comparison need every table, not only those some import
    happened to load.
    """
    import importlib
    import pkgutil

    import shared_code

    for module in _EXTRA_MODEL_MODULES:
        importlib.import_module(module)
    for package in pkgutil.iter_modules(shared_code.__path__):
        if package.ispkg:
            try:
                importlib.import_module(f"shared_code.{package.name}.models")
            except ModuleNotFoundError as exc:
                if exc.name != f"shared_code.{package.name}.models":
                    raise
    return Base.metadata
