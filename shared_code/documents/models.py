"""Documents (files in blob storage and what PACT knows of them), their pages, and bundles (schema `doc`)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, validates

from shared_code.accounts.models import Record
from shared_code.core.errors import Conflict
from shared_code.core.models import Base, TenantOwned, UUIDPrimaryKey, check_one_of
from shared_code.templates.models import Template

DOCUMENT_STATUSES = ("draft", "uploaded", "processing", "review", "failed", "completed", "archived", "deleted")
# The lifecycle (docs/DOCUMENTS.md): draft → uploaded → processing → completed → archived → deleted,
# with review and failed branches. A status may move only along these arrows; `deleted` is the end.
DOCUMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"uploaded"}),
    "uploaded": frozenset({"processing", "review", "failed", "completed", "archived"}),
    "processing": frozenset({"review", "failed", "completed"}),
    "review": frozenset({"processing", "failed", "completed", "archived"}),
    "failed": frozenset({"processing", "review", "archived"}),
    "completed": frozenset({"review", "archived"}),
    "archived": frozenset({"completed", "deleted"}),
    "deleted": frozenset(),
}
BUNDLE_STATUSES = ("open", "closed")


class Document(Record, Base):
    __tablename__ = "Document"
    __table_args__ = (
        sa.Index(None, "tenantId", "sha256"),
        sa.Index(None, "tenantId", "accountId", "createdAt"),
        sa.Index(None, "tenantId", "contractId", "createdAt"),
        sa.Index(None, "tenantId", "status", "createdAt"),
        sa.Index(None, "tenantId", "documentType", "createdAt"),
        sa.Index(None, "tenantId", "createdAt"),
        # Every other sort of the documents list has its index too (tests/records/test_query_cost.py).
        sa.Index(None, "tenantId", "updatedAt"),
        sa.Index(None, "tenantId", "title"),
        sa.Index(None, "tenantId", "fileName"),
        sa.Index(None, "tenantId", "sizeBytes"),
        sa.Index(None, "tenantId", "pageCount"),
        check_one_of("status", DOCUMENT_STATUSES),
        {"schema": "doc"},
    )

    title: Mapped[str] = mapped_column(sa.Unicode(300))
    file_name: Mapped[str] = mapped_column(sa.Unicode(300))
    container: Mapped[str] = mapped_column(sa.Unicode(63))
    blob_name: Mapped[str] = mapped_column(sa.Unicode(500))
    content_type: Mapped[str] = mapped_column(sa.Unicode(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.Unicode(64))
    page_count: Mapped[int | None]
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="uploaded", server_default="uploaded")
    document_type: Mapped[str | None] = mapped_column(sa.ForeignKey("core.DocumentType.code"))
    account_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("acs.Account.id"))
    contract_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("acs.Contract.id"))
    template_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(Template.id))
    generation_id: Mapped[uuid.UUID | None]
    thumbnail_blob: Mapped[str | None] = mapped_column(sa.Unicode(500))
    description: Mapped[str | None] = mapped_column(sa.Unicode(2000))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)

    @validates("status")
    def _moves_along_the_lifecycle(self, _key: str, status: str) -> str:
        current = self.status  # None while the row is being made: any first status will do
        if current is not None and status != current and status not in DOCUMENT_TRANSITIONS.get(current, ()):
            allowed = ", ".join(sorted(DOCUMENT_TRANSITIONS.get(current, ()))) or "none"
            raise Conflict(f"a document cannot move from {current} to {status} (from {current}: {allowed})")
        return status


class Page(UUIDPrimaryKey, TenantOwned, Base):
    __tablename__ = "Page"
    __table_args__ = (sa.UniqueConstraint("documentId", "pageNumber"), {"schema": "doc"})

    document_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("doc.Document.id", ondelete="CASCADE"))
    page_number: Mapped[int]
    width_points: Mapped[float]
    height_points: Mapped[float]
    rotation: Mapped[int] = mapped_column(default=0, server_default="0")


class Bundle(Record, Base):
    """An ordered set of documents (e.g. everything one account returned for a contract)."""

    __tablename__ = "Bundle"
    __table_args__ = (
        sa.Index(None, "tenantId", "name"),
        sa.Index(None, "tenantId", "status", "name"),
        sa.Index(None, "tenantId", "accountId"),
        sa.Index(None, "tenantId", "contractId"),
        sa.Index(None, "tenantId", "createdAt"),
        sa.Index(None, "tenantId", "updatedAt"),
        check_one_of("status", BUNDLE_STATUSES),
        {"schema": "doc"},
    )

    name: Mapped[str] = mapped_column(sa.Unicode(200))
    description: Mapped[str | None] = mapped_column(sa.Unicode(2000))
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="open", server_default="open")
    account_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("acs.Account.id"))
    contract_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("acs.Contract.id"))


class BundleDocument(UUIDPrimaryKey, TenantOwned, Base):
    __tablename__ = "BundleDocument"
    __table_args__ = (
        sa.UniqueConstraint("bundleId", "documentId"),
        sa.Index(None, "bundleId", "position"),
        {"schema": "doc"},
    )

    bundle_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("doc.Bundle.id", ondelete="CASCADE"))
    document_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("doc.Document.id"))
    position: Mapped[int]
