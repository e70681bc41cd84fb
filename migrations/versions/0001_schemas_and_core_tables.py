"""Schemas and core tables: tenants, users, roles, permissions, API keys, audit, reference data.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Creates the schemas other than `core`: migrations/env.py creates `core` before Alembic writes
its version table there, and `core` stays (holding that table) after a downgrade to base.
SQLite has no schemas; its engine puts every table in the one database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared_code.core.models import utcnow

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen here, not imported: a migration describes the database as it was at this revision.
SCHEMAS = ("doc", "acs", "idm", "returns", "esig", "workflow", "analytics")
SYSTEM_ROLE = sa.column("tenantId").is_(None)


def _has_schemas() -> bool:
    return op.get_context().dialect.name != "sqlite"


def upgrade() -> None:
    if _has_schemas():
        for schema in SCHEMAS:
            op.execute(sa.schema.CreateSchema(schema))  # alone in its batch on MSSQL (GO follows each)
    op.create_table(
        "DocumentType",
        sa.Column("code", sa.Unicode(length=50), nullable=False),
        sa.Column("name", sa.Unicode(length=200), nullable=False),
        sa.Column("description", sa.Unicode(length=500), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("PK_DocumentType")),
        schema="core",
    )
    op.create_table(
        "Permission",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Unicode(length=100), nullable=False),
        sa.Column("resource", sa.Unicode(length=50), nullable=False),
        sa.Column("action", sa.Unicode(length=50), nullable=False),
        sa.Column("description", sa.Unicode(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_Permission")),
        sa.UniqueConstraint("code", name=op.f("UQ_Permission_code")),
        schema="core",
    )
    op.create_table(
        "StatusCode",
        sa.Column("domain", sa.Unicode(length=30), nullable=False),
        sa.Column("code", sa.Unicode(length=30), nullable=False),
        sa.Column("name", sa.Unicode(length=100), nullable=False),
        sa.Column("sortOrder", sa.Integer(), nullable=False),
        sa.Column("isTerminal", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("domain", "code", name=op.f("PK_StatusCode")),
        schema="core",
    )
    op.create_table(
        "Tenant",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.Unicode(length=63), nullable=False),
        sa.Column("name", sa.Unicode(length=200), nullable=False),
        sa.Column("status", sa.Unicode(length=20), server_default="active", nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("createdBy", sa.Uuid(), nullable=True),
        sa.Column("updatedBy", sa.Uuid(), nullable=True),
        sa.CheckConstraint(sa.column("status").in_(["active", "suspended"]), name=op.f("CK_Tenant_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_Tenant")),
        sa.UniqueConstraint("slug", name=op.f("UQ_Tenant_slug")),
        schema="core",
    )
    op.create_table(
        "ApiKey",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Unicode(length=200), nullable=False),
        sa.Column("prefix", sa.Unicode(length=16), nullable=False),
        sa.Column("keyHash", sa.Unicode(length=255), nullable=False),
        sa.Column("permissions", sa.JSON(), nullable=False),
        sa.Column("expiresAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revokedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lastUsedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("createdBy", sa.Uuid(), nullable=True),
        sa.Column("updatedBy", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_ApiKey_tenantId_Tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_ApiKey")),
        sa.UniqueConstraint("prefix", name=op.f("UQ_ApiKey_prefix")),
        schema="core",
    )
    op.create_index(op.f("IX_ApiKey_tenantId"), "ApiKey", ["tenantId"], unique=False, schema="core")
    op.create_table(
        "AuditLog",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=True),
        sa.Column("occurredAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("actorType", sa.Unicode(length=20), nullable=False),
        sa.Column("actorId", sa.Uuid(), nullable=True),
        sa.Column("action", sa.Unicode(length=100), nullable=False),
        sa.Column("entityType", sa.Unicode(length=100), nullable=False),
        sa.Column("entityId", sa.Unicode(length=100), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("correlationId", sa.Unicode(length=64), nullable=True),
        sa.Column("ip", sa.Unicode(length=45), nullable=True),
        sa.CheckConstraint(
            sa.column("actorType").in_(["user", "api_key", "system"]), name=op.f("CK_AuditLog_actorType")
        ),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_AuditLog_tenantId_Tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_AuditLog")),
        schema="core",
    )
    op.create_index(
        op.f("IX_AuditLog_entityType_entityId"), "AuditLog", ["entityType", "entityId"], unique=False, schema="core"
    )
    op.create_index(
        op.f("IX_AuditLog_tenantId_occurredAt"), "AuditLog", ["tenantId", "occurredAt"], unique=False, schema="core"
    )
    op.create_table(
        "Role",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=True),
        sa.Column("name", sa.Unicode(length=100), nullable=False),
        sa.Column("description", sa.Unicode(length=500), nullable=True),
        sa.Column("isSystem", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("createdBy", sa.Uuid(), nullable=True),
        sa.Column("updatedBy", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_Role_tenantId_Tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_Role")),
        sa.UniqueConstraint("tenantId", "name", name=op.f("UQ_Role_tenantId_name")),
        schema="core",
    )
    op.create_index(
        op.f("IX_Role_name_system"),
        "Role",
        ["name"],
        unique=True,
        schema="core",
        postgresql_where=SYSTEM_ROLE,
        sqlite_where=SYSTEM_ROLE,
        mssql_where=SYSTEM_ROLE,
    )
    op.create_index(op.f("IX_Role_tenantId"), "Role", ["tenantId"], unique=False, schema="core")
    op.create_table(
        "User",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("email", sa.Unicode(length=320), nullable=False),
        sa.Column("displayName", sa.Unicode(length=200), nullable=False),
        sa.Column("passwordHash", sa.Unicode(length=255), nullable=True),
        sa.Column("status", sa.Unicode(length=20), server_default="active", nullable=False),
        sa.Column("lastLoginAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("createdBy", sa.Uuid(), nullable=True),
        sa.Column("updatedBy", sa.Uuid(), nullable=True),
        sa.Column("deletedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deletedBy", sa.Uuid(), nullable=True),
        sa.CheckConstraint(sa.column("status").in_(["active", "invited", "disabled"]), name=op.f("CK_User_status")),
        sa.CheckConstraint("email = LOWER(email)", name=op.f("CK_User_email_lower_case")),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_User_tenantId_Tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_User")),
        sa.UniqueConstraint("email", name=op.f("UQ_User_email")),
        schema="core",
    )
    op.create_index(op.f("IX_User_tenantId"), "User", ["tenantId"], unique=False, schema="core")
    op.create_table(
        "RolePermission",
        sa.Column("roleId", sa.Uuid(), nullable=False),
        sa.Column("permissionId", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["permissionId"],
            ["core.Permission.id"],
            name=op.f("FK_RolePermission_permissionId_Permission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["roleId"], ["core.Role.id"], name=op.f("FK_RolePermission_roleId_Role"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("roleId", "permissionId", name=op.f("PK_RolePermission")),
        schema="core",
    )
    op.create_index(
        op.f("IX_RolePermission_permissionId"), "RolePermission", ["permissionId"], unique=False, schema="core"
    )
    op.create_table(
        "UserRole",
        sa.Column("userId", sa.Uuid(), nullable=False),
        sa.Column("roleId", sa.Uuid(), nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("createdBy", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["roleId"], ["core.Role.id"], name=op.f("FK_UserRole_roleId_Role"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["userId"], ["core.User.id"], name=op.f("FK_UserRole_userId_User"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("userId", "roleId", name=op.f("PK_UserRole")),
        schema="core",
    )
    op.create_index(op.f("IX_UserRole_roleId"), "UserRole", ["roleId"], unique=False, schema="core")


def downgrade() -> None:
    op.drop_index(op.f("IX_UserRole_roleId"), table_name="UserRole", schema="core")
    op.drop_table("UserRole", schema="core")
    op.drop_index(op.f("IX_RolePermission_permissionId"), table_name="RolePermission", schema="core")
    op.drop_table("RolePermission", schema="core")
    op.drop_index(op.f("IX_User_tenantId"), table_name="User", schema="core")
    op.drop_table("User", schema="core")
    op.drop_index(op.f("IX_Role_tenantId"), table_name="Role", schema="core")
    op.drop_index(
        op.f("IX_Role_name_system"),
        table_name="Role",
        schema="core",
        postgresql_where=SYSTEM_ROLE,
        sqlite_where=SYSTEM_ROLE,
        mssql_where=SYSTEM_ROLE,
    )
    op.drop_table("Role", schema="core")
    op.drop_index(op.f("IX_AuditLog_tenantId_occurredAt"), table_name="AuditLog", schema="core")
    op.drop_index(op.f("IX_AuditLog_entityType_entityId"), table_name="AuditLog", schema="core")
    op.drop_table("AuditLog", schema="core")
    op.drop_index(op.f("IX_ApiKey_tenantId"), table_name="ApiKey", schema="core")
    op.drop_table("ApiKey", schema="core")
    op.drop_table("Tenant", schema="core")
    op.drop_table("StatusCode", schema="core")
    op.drop_table("Permission", schema="core")
    op.drop_table("DocumentType", schema="core")
    if _has_schemas():
        for schema in reversed(SCHEMAS):
            op.execute(sa.schema.DropSchema(schema))
