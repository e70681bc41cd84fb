"""Batches and generations (schema `returns`): one Batch asks for a template version filled for a set of
accounts of a contract; one Generation per account records the document made for it.

`(batchId, accountId)` is unique, so a batch can never hold two documents for one account, however often
a chunk is delivered. Counts on the batch are refreshed when a chunk settles; the detail counts live.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared_code.core.models import Base, TenantOwned, Timestamped, UUIDPrimaryKey, Versioned, check_one_of

BATCH_STATUSES = ("queued", "running", "completed", "failed", "cancelled")
GENERATION_STATUSES = ("pending", "generated", "failed", "cancelled")
DELIVERIES = ("print",)  # `esign` arrives with the e-signature issue


class Batch(UUIDPrimaryKey, TenantOwned, Timestamped, Versioned, Base):
    __tablename__ = "Batch"
    __table_args__ = (
        sa.Index(None, "tenantId", "createdAt"),
        sa.Index(None, "tenantId", "status", "createdAt"),
        sa.Index(None, "tenantId", "contractId"),
        sa.Index(None, "tenantId", "templateId"),
        check_one_of("status", BATCH_STATUSES),
        check_one_of("delivery", DELIVERIES),
        {"schema": "returns"},
    )

    template_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("doc.Template.id"))
    template_version_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("doc.TemplateVersion.id"))
    template_version: Mapped[int]  # the version's number, pinned when the batch was made
    contract_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("acs.Contract.id"))
    delivery: Mapped[str] = mapped_column(sa.Unicode(20), default="print", server_default="print")
    flatten: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="queued", server_default="queued")
    overrides: Mapped[dict[str, Any]] = mapped_column(default=dict)
    total: Mapped[int] = mapped_column(default=0, server_default="0")
    done: Mapped[int] = mapped_column(default=0, server_default="0")
    failed: Mapped[int] = mapped_column(default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(sa.Unicode(1000))  # why the whole batch failed (not an item)
    finished_at: Mapped[datetime | None]


class Generation(UUIDPrimaryKey, TenantOwned, Timestamped, Base):
    """The document of one account in a batch: pending until the worker makes it, then generated or failed."""

    __tablename__ = "Generation"
    __table_args__ = (
        sa.UniqueConstraint("batchId", "accountId"),
        sa.Index(None, "batchId", "status"),
        sa.Index(None, "tenantId", "accountId"),
        sa.Index(None, "tenantId", "documentId"),
        check_one_of("status", GENERATION_STATUSES),
        {"schema": "returns"},
    )

    batch_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("returns.Batch.id", ondelete="CASCADE"))
    template_version_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("doc.TemplateVersion.id"))
    contract_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("acs.Contract.id"))
    account_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("acs.Account.id"))
    candidate_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("acs.Candidate.id"))
    position: Mapped[int]  # order within the batch (print order)
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="pending", server_default="pending")
    page_count: Mapped[int | None]
    code_key_id: Mapped[str | None] = mapped_column(sa.Unicode(1))  # the key that signed its page codes
    sha256: Mapped[str | None] = mapped_column(sa.Unicode(64))
    document_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("doc.Document.id"))
    error: Mapped[str | None] = mapped_column(sa.Unicode(1000))
    generated_at: Mapped[datetime | None]
