"""Generation (returns): batches of documents filled from a template version for a contract's accounts,
and one generation row per account (unique per batch and account, so a redelivered chunk never
duplicates a document).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared_code.core.models import utcnow

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "Batch",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("templateId", sa.Uuid(), nullable=False),
        sa.Column("templateVersionId", sa.Uuid(), nullable=False),
        sa.Column("templateVersion", sa.Integer(), nullable=False),
        sa.Column("contractId", sa.Uuid(), nullable=False),
        sa.Column("delivery", sa.Unicode(length=20), server_default="print", nullable=False),
        sa.Column("flatten", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("status", sa.Unicode(length=20), server_default="queued", nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("failed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.Unicode(length=1000), nullable=True),
        sa.Column("finishedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("createdBy", sa.Uuid(), nullable=True),
        sa.Column("updatedBy", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("delivery IN ('print')", name=op.f("CK_Batch_delivery")),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'completed', 'failed', 'cancelled')", name=op.f("CK_Batch_status")
        ),
        sa.ForeignKeyConstraint(["contractId"], ["acs.Contract.id"], name=op.f("FK_Batch_contractId_Contract")),
        sa.ForeignKeyConstraint(["templateId"], ["doc.Template.id"], name=op.f("FK_Batch_templateId_Template")),
        sa.ForeignKeyConstraint(
            ["templateVersionId"], ["doc.TemplateVersion.id"], name=op.f("FK_Batch_templateVersionId_TemplateVersion")
        ),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_Batch_tenantId_Tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_Batch")),
        schema="returns",
    )
    op.create_index(op.f("IX_Batch_tenantId"), "Batch", ["tenantId"], unique=False, schema="returns")
    op.create_index(
        op.f("IX_Batch_tenantId_contractId"), "Batch", ["tenantId", "contractId"], unique=False, schema="returns"
    )
    op.create_index(
        op.f("IX_Batch_tenantId_createdAt"), "Batch", ["tenantId", "createdAt"], unique=False, schema="returns"
    )
    op.create_index(
        op.f("IX_Batch_tenantId_status_createdAt"),
        "Batch",
        ["tenantId", "status", "createdAt"],
        unique=False,
        schema="returns",
    )
    op.create_index(
        op.f("IX_Batch_tenantId_templateId"), "Batch", ["tenantId", "templateId"], unique=False, schema="returns"
    )
    op.create_table(
        "Generation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenantId", sa.Uuid(), nullable=False),
        sa.Column("batchId", sa.Uuid(), nullable=False),
        sa.Column("templateVersionId", sa.Uuid(), nullable=False),
        sa.Column("contractId", sa.Uuid(), nullable=False),
        sa.Column("accountId", sa.Uuid(), nullable=False),
        sa.Column("candidateId", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.Unicode(length=20), server_default="pending", nullable=False),
        sa.Column("pageCount", sa.Integer(), nullable=True),
        sa.Column("codeKeyId", sa.Unicode(length=1), nullable=True),
        sa.Column("sha256", sa.Unicode(length=64), nullable=True),
        sa.Column("documentId", sa.Uuid(), nullable=True),
        sa.Column("error", sa.Unicode(length=1000), nullable=True),
        sa.Column("generatedAt", sa.DateTime(timezone=True), nullable=True),
        sa.Column("createdAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("updatedAt", sa.DateTime(timezone=True), server_default=utcnow(), nullable=False),
        sa.Column("createdBy", sa.Uuid(), nullable=True),
        sa.Column("updatedBy", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'generated', 'failed', 'cancelled')", name=op.f("CK_Generation_status")
        ),
        sa.ForeignKeyConstraint(["accountId"], ["acs.Account.id"], name=op.f("FK_Generation_accountId_Account")),
        sa.ForeignKeyConstraint(
            ["batchId"], ["returns.Batch.id"], name=op.f("FK_Generation_batchId_Batch"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["candidateId"], ["acs.Candidate.id"], name=op.f("FK_Generation_candidateId_Candidate")
        ),
        sa.ForeignKeyConstraint(["contractId"], ["acs.Contract.id"], name=op.f("FK_Generation_contractId_Contract")),
        sa.ForeignKeyConstraint(["documentId"], ["doc.Document.id"], name=op.f("FK_Generation_documentId_Document")),
        sa.ForeignKeyConstraint(
            ["templateVersionId"],
            ["doc.TemplateVersion.id"],
            name=op.f("FK_Generation_templateVersionId_TemplateVersion"),
        ),
        sa.ForeignKeyConstraint(["tenantId"], ["core.Tenant.id"], name=op.f("FK_Generation_tenantId_Tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("PK_Generation")),
        sa.UniqueConstraint("batchId", "accountId", name=op.f("UQ_Generation_batchId_accountId")),
        schema="returns",
    )
    op.create_index(
        op.f("IX_Generation_batchId_status"), "Generation", ["batchId", "status"], unique=False, schema="returns"
    )
    op.create_index(op.f("IX_Generation_tenantId"), "Generation", ["tenantId"], unique=False, schema="returns")
    op.create_index(
        op.f("IX_Generation_tenantId_accountId"),
        "Generation",
        ["tenantId", "accountId"],
        unique=False,
        schema="returns",
    )
    op.create_index(
        op.f("IX_Generation_tenantId_documentId"),
        "Generation",
        ["tenantId", "documentId"],
        unique=False,
        schema="returns",
    )


def downgrade() -> None:
    op.drop_index(op.f("IX_Generation_tenantId_documentId"), table_name="Generation", schema="returns")
    op.drop_index(op.f("IX_Generation_tenantId_accountId"), table_name="Generation", schema="returns")
    op.drop_index(op.f("IX_Generation_tenantId"), table_name="Generation", schema="returns")
    op.drop_index(op.f("IX_Generation_batchId_status"), table_name="Generation", schema="returns")
    op.drop_table("Generation", schema="returns")
    op.drop_index(op.f("IX_Batch_tenantId_templateId"), table_name="Batch", schema="returns")
    op.drop_index(op.f("IX_Batch_tenantId_status_createdAt"), table_name="Batch", schema="returns")
    op.drop_index(op.f("IX_Batch_tenantId_createdAt"), table_name="Batch", schema="returns")
    op.drop_index(op.f("IX_Batch_tenantId_contractId"), table_name="Batch", schema="returns")
    op.drop_index(op.f("IX_Batch_tenantId"), table_name="Batch", schema="returns")
    op.drop_table("Batch", schema="returns")
