"""Tenants, users, roles, permissions and API keys (schema `core`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from shared_code.core.models import (
    Base,
    SoftDeletable,
    TenantOrSystem,
    TenantOwned,
    TenantRoot,
    Timestamped,
    UUIDPrimaryKey,
    check_one_of,
    utcnow,
)

TENANT_STATUSES = ("active", "suspended")
USER_STATUSES = ("active", "invited", "disabled")


class Tenant(TenantRoot, Timestamped, Base):
    """An organisation using PACT. `settings` holds tenant policy, e.g.
    ``{"allow_self_registration": false, "mfa_required_roles": ["Admin"]}``."""

    __tablename__ = "Tenant"
    __table_args__ = (
        check_one_of("status", TENANT_STATUSES),
        {"schema": "core"},
    )

    slug: Mapped[str] = mapped_column(sa.Unicode(63), unique=True)
    name: Mapped[str] = mapped_column(sa.Unicode(200))
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="active", server_default="active")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)


class User(UUIDPrimaryKey, Timestamped, SoftDeletable, TenantOwned, Base):
    """A person who signs in. E-mail addresses are unique across tenants and stored lower-case."""

    __tablename__ = "User"
    __table_args__ = (
        check_one_of("status", USER_STATUSES),
        sa.CheckConstraint("email = LOWER(email)", name="email_lower_case"),
        {"schema": "core"},
    )

    email: Mapped[str] = mapped_column(sa.Unicode(320), unique=True)
    display_name: Mapped[str] = mapped_column(sa.Unicode(200))
    password_hash: Mapped[str | None] = mapped_column(sa.Unicode(255))  # none until an invited user sets one
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="active", server_default="active")
    last_login_at: Mapped[datetime | None]
    email_verified_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    mfa_enabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    tenant: Mapped[Tenant] = relationship()
    roles: Mapped[list[Role]] = relationship(secondary="core.UserRole", order_by="Role.name")

    @validates("email")
    def _lower_email(self, _key: str, value: str) -> str:
        return value.strip().lower()

    @property
    def permissions(self) -> frozenset[str]:
        """Every permission code granted through the user's roles."""
        return frozenset(p.code for role in self.roles for p in role.permissions)


_SYSTEM_ROLE = sa.column("tenantId").is_(None)


class Role(UUIDPrimaryKey, Timestamped, TenantOrSystem, Base):
    """A named set of permissions. System roles have no tenant and are shared by every tenant.

    Names are unique per tenant, and among system roles. `UQ_Role_tenantId_name` alone would not
    say the latter everywhere (NULLs are distinct in PostgreSQL and SQLite but equal in an MSSQL
    unique constraint), so a filtered unique index covers the system roles on all three.
    """

    __tablename__ = "Role"
    __table_args__ = (
        sa.UniqueConstraint("tenantId", "name"),
        sa.Index(
            "IX_Role_name_system",
            "name",
            unique=True,
            postgresql_where=_SYSTEM_ROLE,
            sqlite_where=_SYSTEM_ROLE,
            mssql_where=_SYSTEM_ROLE,
        ),
        {"schema": "core"},
    )

    name: Mapped[str] = mapped_column(sa.Unicode(100))
    description: Mapped[str | None] = mapped_column(sa.Unicode(500))
    is_system: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    permissions: Mapped[list[Permission]] = relationship(secondary="core.RolePermission", order_by="Permission.code")


class Permission(UUIDPrimaryKey, Base):
    """One `resource:action` right; the catalogue is shared_code.auth.permissions."""

    __tablename__ = "Permission"
    __table_args__ = {"schema": "core"}

    code: Mapped[str] = mapped_column(sa.Unicode(100), unique=True)
    resource: Mapped[str] = mapped_column(sa.Unicode(50))
    action: Mapped[str] = mapped_column(sa.Unicode(50))
    description: Mapped[str | None] = mapped_column(sa.Unicode(300))


class RolePermission(Base):
    __tablename__ = "RolePermission"
    __table_args__ = {"schema": "core"}

    role_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("core.Role.id", ondelete="CASCADE"), primary_key=True)
    permission_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("core.Permission.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class UserRole(Base):
    __tablename__ = "UserRole"
    __table_args__ = {"schema": "core"}

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("core.User.id", ondelete="CASCADE"), primary_key=True)
    role_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("core.Role.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    created_by: Mapped[uuid.UUID | None]


class ApiKey(UUIDPrimaryKey, Timestamped, TenantOwned, Base):
    """A service credential. The secret is shown once; only its hash is kept, found by `prefix`."""

    __tablename__ = "ApiKey"
    __table_args__ = {"schema": "core"}

    name: Mapped[str] = mapped_column(sa.Unicode(200))
    prefix: Mapped[str] = mapped_column(sa.Unicode(16), unique=True)
    key_hash: Mapped[str] = mapped_column(sa.Unicode(255))
    permissions: Mapped[list[str]] = mapped_column(default=list)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class RefreshToken(UUIDPrimaryKey, TenantOwned, Base):
    """One refresh token of a sign-in session. Only its SHA-256 is kept.

    Tokens rotate on every use: the used one records `used_at` and its successor. Presenting a used
    token again means it was stolen, so the whole `family` (the sign-in session) is revoked.
    """

    __tablename__ = "RefreshToken"
    __table_args__ = (sa.Index(None, "userId", "familyId"), {"schema": "core"})

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("core.User.id", ondelete="CASCADE"))
    family_id: Mapped[uuid.UUID]
    token_hash: Mapped[str] = mapped_column(sa.Unicode(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    replaced_by_id: Mapped[uuid.UUID | None]
    ip: Mapped[str | None] = mapped_column(sa.Unicode(45))
    user_agent: Mapped[str | None] = mapped_column(sa.Unicode(300))


ONE_TIME_PURPOSES = ("invitation", "email_verification", "password_reset")


class OneTimeToken(UUIDPrimaryKey, TenantOwned, Base):
    """A single-use, expiring token sent by e-mail (invitation, e-mail verification, password reset)."""

    __tablename__ = "OneTimeToken"
    __table_args__ = (
        check_one_of("purpose", ONE_TIME_PURPOSES),
        sa.Index(None, "userId", "purpose"),
        {"schema": "core"},
    )

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("core.User.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(sa.Unicode(30))
    token_hash: Mapped[str] = mapped_column(sa.Unicode(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class MfaCredential(TenantOwned, Base):
    """A user's TOTP secret, encrypted at rest. `confirmed_at` is set by the first valid code."""

    __tablename__ = "MfaCredential"
    __table_args__ = {"schema": "core"}

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("core.User.id", ondelete="CASCADE"), primary_key=True)
    secret_encrypted: Mapped[str] = mapped_column(sa.Unicode(500))
    created_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    confirmed_at: Mapped[datetime | None]
    last_used_step: Mapped[int | None] = mapped_column(sa.BigInteger)  # refuses a replayed code


class RecoveryCode(UUIDPrimaryKey, TenantOwned, Base):
    """A single-use MFA recovery code; only its hash is kept."""

    __tablename__ = "RecoveryCode"
    __table_args__ = (sa.Index(None, "userId"), {"schema": "core"})

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("core.User.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(sa.Unicode(64))
    used_at: Mapped[datetime | None]
