"""Sign-in sessions (rotating refresh tokens), one-time e-mail tokens, MFA credentials and recovery codes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Every table names its schema (schema="core", ...); SQLite's engine maps schemas away, so raw
SQL given to op.execute() must not name one: build statements from sa.Table objects instead.
Data rows use literal values only (no Python clock, no random ids), so `pact sql` stays stable.
Run `pact sql` after adding a migration, and commit sql/ with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared_code.core.models import utcnow

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "MfaCredential",
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("userId", sa.Uuid(), nullable=False),
        sa.Column("secretEncrypted", sa.Unicode(length=500), nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("confirmedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lastUsedStep", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_MfaCredential_tenantId_Tenant")),
        sa.ForeignKeyConstraint(
            ["userId"], ["core.User.id"], name=op.f("FK_MfaCredential_userId_User"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("userId", name=op.f("PK_MfaCredential")),
        schema="core",
    )
    op.create_index(op.f("IX_MfaCredential_tenantId"), "MfaCredential", ["tenantId"], unique=False, schema="core")
    op.create_table(
        "OneTimeToken",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("userId", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.Unicode(length=30), nullable=False),
        sa.Column("tokenHash", sa.Unicode(length=64), nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("expiresAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usedAt", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('invitation', 'email_verification', 'password_reset')", name=op.f("CK_OneTimeToken_purpose")
        ),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_OneTimeToken_tenantId_Tenant")),
        sa.ForeignKeyConstraint(
            ["userId"], ["core.User.id"], name=op.f("FK_OneTimeToken_userId_User"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_OneTimeToken")),
        sa.UniqueConstraint("tokenHash", name=op.f("UQ_OneTimeToken_tokenHash")),
        schema="core",
    )
    op.create_index(op.f("IX_OneTimeToken_tenantId"), "OneTimeToken", ["tenantId"], unique=False, schema="core")
    op.create_index(
        op.f("IX_OneTimeToken_userId_purpose"), "OneTimeToken", ["userId", "purpose"], unique=False, schema="core"
    )
    op.create_table(
        "RecoveryCode",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("userId", sa.Uuid(), nullable=False),
        sa.Column("codeHash", sa.Unicode(length=64), nullable=False),
        sa.Column("usedAt", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_RecoveryCode_tenantId_Tenant")),
        sa.ForeignKeyConstraint(
            ["userId"], ["core.User.id"], name=op.f("FK_RecoveryCode_userId_User"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_RecoveryCode")),
        schema="core",
    )
    op.create_index(op.f("IX_RecoveryCode_tenantId"), "RecoveryCode", ["tenantId"], unique=False, schema="core")
    op.create_index(op.f("IX_RecoveryCode_userId"), "RecoveryCode", ["userId"], unique=False, schema="core")
    op.create_table(
        "RefreshToken",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("userId", sa.Uuid(), nullable=False),
        sa.Column("familyId", sa.Uuid(), nullable=False),
        sa.Column("tokenHash", sa.Unicode(length=64), nullable=False),
        sa.Column("issuedAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("expiresAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revokedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replacedById", sa.Uuid(), nullable=True),
        sa.Column("ip", sa.Unicode(length=45), nullable=True),
        sa.Column("userAgent", sa.Unicode(length=300), nullable=True),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_RefreshToken_tenantId_Tenant")),
        sa.ForeignKeyConstraint(
            ["userId"], ["core.User.id"], name=op.f("FK_RefreshToken_userId_User"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_RefreshToken")),
        sa.UniqueConstraint("tokenHash", name=op.f("UQ_RefreshToken_tokenHash")),
        schema="core",
    )
    op.create_index(op.f("IX_RefreshToken_tenantId"), "RefreshToken", ["tenantId"], unique=False, schema="core")
    op.create_index(
        op.f("IX_RefreshToken_userId_familyId"), "RefreshToken", ["userId", "familyId"], unique=False, schema="core"
    )
    op.add_column("User", sa.Column("emailVerifiedAt", sa.DateTime(timezone=True), nullable=True), schema="core")
    op.add_column("User", sa.Column("passwordChangedAt", sa.DateTime(timezone=True), nullable=True), schema="core")
    op.add_column(
        "User", sa.Column("mfaEnabled", sa.Boolean(), server_default=sa.false(), nullable=False), schema="core"
    )


def downgrade() -> None:
    op.drop_column("User", "mfaEnabled", schema="core", mssql_drop_default=True)  # its DEFAULT constraint first
    op.drop_column("User", "passwordChangedAt", schema="core")
    op.drop_column("User", "emailVerifiedAt", schema="core")
    op.drop_index(op.f("IX_RefreshToken_userId_familyId"), table_name="RefreshToken", schema="core")
    op.drop_index(op.f("IX_RefreshToken_tenantId"), table_name="RefreshToken", schema="core")
    op.drop_table("RefreshToken", schema="core")
    op.drop_index(op.f("IX_RecoveryCode_userId"), table_name="RecoveryCode", schema="core")
    op.drop_index(op.f("IX_RecoveryCode_tenantId"), table_name="RecoveryCode", schema="core")
    op.drop_table("RecoveryCode", schema="core")
    op.drop_index(op.f("IX_OneTimeToken_userId_purpose"), table_name="OneTimeToken", schema="core")
    op.drop_index(op.f("IX_OneTimeToken_tenantId"), table_name="OneTimeToken", schema="core")
    op.drop_table("OneTimeToken", schema="core")
    op.drop_index(op.f("IX_MfaCredential_tenantId"), table_name="MfaCredential", schema="core")
    op.drop_table("MfaCredential", schema="core")
