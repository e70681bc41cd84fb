"""Templates (doc): templates, their versions, the pages indexing reads and the fields of each version;
a document's template becomes a foreign key.

A template's name is unique among the tenant's live (not retired) templates: a filtered unique index,
written for each dialect. SQLite cannot add a foreign key to a table, so there the Document table is
copied (batch mode) to gain it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared_code.core.models import utcnow

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _on_sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def _document_table():
    """doc.Document, altered in place; on SQLite (no schemas there, no ALTER for keys) by copying it."""
    if _on_sqlite():
        return op.batch_alter_table("Document", recreate="always")
    return op.batch_alter_table("Document", schema="doc")


def upgrade() -> None:
    op.create_table(
        "Template",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Unicode(length=200), nullable=False),
        sa.Column("description", sa.Unicode(length=2000), nullable=True),
        sa.Column("category", sa.Unicode(length=100), nullable=True),
        sa.Column("contractCategoryId", sa.Uuid(), nullable=True),
        sa.Column("latestVersion", sa.Integer(), server_default="1", nullable=False),
        sa.Column("status", sa.Unicode(length=20), server_default="pending", nullable=False),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("createdBy", sa.Uuid(), nullable=True),
        sa.Column("updatedBy", sa.Uuid(), nullable=True),
        sa.Column("deletedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deletedBy", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("status IN ('pending', 'indexed', 'failed')", name=op.f("CK_Template_status")),
        sa.ForeignKeyConstraint(
            ["contractCategoryId"],
            ["idm.ContractCategory.id"],
            name=op.f("FK_Template_contractCategoryId_ContractCategory"),
        ),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_Template_tenantId_Tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_Template")),
        schema="doc",
    )
    op.create_index(op.f("IX_Template_tenantId"), "Template", ["tenantId"], unique=False, schema="doc")
    op.create_index(
        op.f("IX_Template_tenantId_category_name"),
        "Template",
        ["tenantId", "category", "name"],
        unique=False,
        schema="doc",
    )
    op.create_index(
        op.f("IX_Template_tenantId_contractCategoryId"),
        "Template",
        ["tenantId", "contractCategoryId"],
        unique=False,
        schema="doc",
    )
    op.create_index(
        op.f("IX_Template_tenantId_createdAt"), "Template", ["tenantId", "createdAt"], unique=False, schema="doc"
    )
    op.create_index(
        op.f("IX_Template_tenantId_status_name"), "Template", ["tenantId", "status", "name"], unique=False, schema="doc"
    )
    op.create_index(
        op.f("IX_Template_tenantId_updatedAt"), "Template", ["tenantId", "updatedAt"], unique=False, schema="doc"
    )
    op.create_index(
        "UQ_Template_tenantId_name_live",
        "Template",
        ["tenantId", "name"],
        unique=True,
        schema="doc",
        sqlite_where=sa.text('"deletedAt" IS NULL'),
        postgresql_where=sa.text('"deletedAt" IS NULL'),
        mssql_where=sa.text("[deletedAt] IS NULL"),
    )
    op.create_table(
        "TemplateVersion",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("templateId", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("blobName", sa.Unicode(length=500), nullable=False),
        sa.Column("fileName", sa.Unicode(length=300), nullable=False),
        sa.Column("sizeBytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Unicode(length=64), nullable=False),
        sa.Column("pageCount", sa.Integer(), nullable=True),
        sa.Column("status", sa.Unicode(length=20), server_default="pending", nullable=False),
        sa.Column("error", sa.Unicode(length=1000), nullable=True),
        sa.Column("indexedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("createdBy", sa.Uuid(), nullable=True),
        sa.Column("updatedBy", sa.Uuid(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'indexed', 'failed')", name=op.f("CK_TemplateVersion_status")),
        sa.ForeignKeyConstraint(
            ["templateId"], ["doc.Template.id"], name=op.f("FK_TemplateVersion_templateId_Template"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_TemplateVersion_tenantId_Tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_TemplateVersion")),
        sa.UniqueConstraint("blobName", name=op.f("UQ_TemplateVersion_blobName")),
        sa.UniqueConstraint("templateId", "number", name=op.f("UQ_TemplateVersion_templateId_number")),
        schema="doc",
    )
    op.create_index(op.f("IX_TemplateVersion_tenantId"), "TemplateVersion", ["tenantId"], unique=False, schema="doc")
    op.create_index(
        op.f("IX_TemplateVersion_tenantId_status_indexedAt"),
        "TemplateVersion",
        ["tenantId", "status", "indexedAt"],
        unique=False,
        schema="doc",
    )
    op.create_table(
        "TemplateField",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("versionId", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Unicode(length=200), nullable=False),
        sa.Column("type", sa.Unicode(length=20), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("x0", sa.Double(), nullable=False),
        sa.Column("y0", sa.Double(), nullable=False),
        sa.Column("x1", sa.Double(), nullable=False),
        sa.Column("y1", sa.Double(), nullable=False),
        sa.Column("required", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("binding", sa.Unicode(length=300), nullable=True),
        sa.Column("source", sa.Unicode(length=20), server_default="manual", nullable=False),
        sa.Column("confidence", sa.Double(), nullable=True),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("createdBy", sa.Uuid(), nullable=True),
        sa.Column("updatedBy", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("source IN ('acroform', 'detected', 'manual')", name=op.f("CK_TemplateField_source")),
        sa.CheckConstraint(
            "type IN ('text', 'number', 'date', 'checkbox', 'signature')", name=op.f("CK_TemplateField_type")
        ),
        sa.CheckConstraint("x0 < x1 AND y0 < y1", name=op.f("CK_TemplateField_rectangle")),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_TemplateField_tenantId_Tenant")),
        sa.ForeignKeyConstraint(
            ["versionId"],
            ["doc.TemplateVersion.id"],
            name=op.f("FK_TemplateField_versionId_TemplateVersion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_TemplateField")),
        sa.UniqueConstraint("versionId", "name", name=op.f("UQ_TemplateField_versionId_name")),
        schema="doc",
    )
    op.create_index(op.f("IX_TemplateField_tenantId"), "TemplateField", ["tenantId"], unique=False, schema="doc")
    op.create_table(
        "TemplatePage",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("versionId", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("width", sa.Double(), nullable=False),
        sa.Column("height", sa.Double(), nullable=False),
        sa.Column("text", sa.UnicodeText(), server_default="", nullable=False),
        sa.Column("textSource", sa.Unicode(length=10), nullable=False),
        sa.Column("fingerprint", sa.LargeBinary(), nullable=False),
        sa.Column("thumbnailBlob", sa.Unicode(length=500), nullable=True),
        sa.CheckConstraint("\"textSource\" IN ('layer', 'ocr', 'none')", name=op.f("CK_TemplatePage_textSource")),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_TemplatePage_tenantId_Tenant")),
        sa.ForeignKeyConstraint(
            ["versionId"],
            ["doc.TemplateVersion.id"],
            name=op.f("FK_TemplatePage_versionId_TemplateVersion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_TemplatePage")),
        sa.UniqueConstraint("versionId", "number", name=op.f("UQ_TemplatePage_versionId_number")),
        schema="doc",
    )
    op.create_index(op.f("IX_TemplatePage_tenantId"), "TemplatePage", ["tenantId"], unique=False, schema="doc")
    with _document_table() as batch_op:
        batch_op.create_foreign_key(
            op.f("FK_Document_templateId_Template"),
            "Template",
            ["templateId"],
            ["id"],
            referent_schema=None if _on_sqlite() else "doc",
        )


def downgrade() -> None:
    with _document_table() as batch_op:
        batch_op.drop_constraint(op.f("FK_Document_templateId_Template"), type_="foreignkey")
    op.drop_index(op.f("IX_TemplatePage_tenantId"), table_name="TemplatePage", schema="doc")
    op.drop_table("TemplatePage", schema="doc")
    op.drop_index(op.f("IX_TemplateField_tenantId"), table_name="TemplateField", schema="doc")
    op.drop_table("TemplateField", schema="doc")
    op.drop_index(op.f("IX_TemplateVersion_tenantId_status_indexedAt"), table_name="TemplateVersion", schema="doc")
    op.drop_index(op.f("IX_TemplateVersion_tenantId"), table_name="TemplateVersion", schema="doc")
    op.drop_table("TemplateVersion", schema="doc")
    op.drop_index(
        "UQ_Template_tenantId_name_live",
        table_name="Template",
        schema="doc",
        sqlite_where=sa.text('"deletedAt" IS NULL'),
        postgresql_where=sa.text('"deletedAt" IS NULL'),
        mssql_where=sa.text("[deletedAt] IS NULL"),
    )
    op.drop_index(op.f("IX_Template_tenantId_updatedAt"), table_name="Template", schema="doc")
    op.drop_index(op.f("IX_Template_tenantId_status_name"), table_name="Template", schema="doc")
    op.drop_index(op.f("IX_Template_tenantId_createdAt"), table_name="Template", schema="doc")
    op.drop_index(op.f("IX_Template_tenantId_contractCategoryId"), table_name="Template", schema="doc")
    op.drop_index(op.f("IX_Template_tenantId_category_name"), table_name="Template", schema="doc")
    op.drop_index(op.f("IX_Template_tenantId"), table_name="Template", schema="doc")
    op.drop_table("Template", schema="doc")
