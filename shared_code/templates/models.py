"""Templates (schema `doc`): the blank forms PACT generates documents from and recognises when paper comes
back; each upload is a version, indexed into pages (text, fingerprint, thumbnail) and fields.

A template's `status` is its latest version's indexing status, kept on the template so lists filter
and sort by it without a join; retiring a template is its soft delete (`deleted_at`), so retired
templates leave recognition and the name becomes free for a new one. Every list filter and sort has
an index led by `tenantId` (tests/records/test_query_cost.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared_code.accounts.models import Record
from shared_code.core.models import Base, TenantOwned, Timestamped, UUIDPrimaryKey, Versioned, check_one_of

INDEX_STATUSES = ("pending", "indexed", "failed")
TEXT_SOURCES = ("layer", "ocr", "none")
FIELD_TYPES = ("text", "number", "date", "checkbox", "signature")
FIELD_SOURCES = ("acroform", "detected", "manual")


class Template(Record, Base):
    """A form, by name (unique among the tenant's live templates), with its versions."""

    __tablename__ = "Template"
    __table_args__ = (
        # Unique among live templates only: a retired template's name may be taken again.
        sa.Index(
            "UQ_Template_tenantId_name_live",
            "tenantId",
            "name",
            unique=True,
            sqlite_where=sa.text('"deletedAt" IS NULL'),
            postgresql_where=sa.text('"deletedAt" IS NULL'),
            mssql_where=sa.text("[deletedAt] IS NULL"),
        ),
        sa.Index(None, "tenantId", "status", "name"),
        sa.Index(None, "tenantId", "category", "name"),
        sa.Index(None, "tenantId", "contractCategoryId"),
        sa.Index(None, "tenantId", "createdAt"),
        sa.Index(None, "tenantId", "updatedAt"),
        check_one_of("status", INDEX_STATUSES),
        {"schema": "doc"},
    )

    name: Mapped[str] = mapped_column(sa.Unicode(200))
    description: Mapped[str | None] = mapped_column(sa.Unicode(2000))
    category: Mapped[str | None] = mapped_column(sa.Unicode(100))
    contract_category_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("idm.ContractCategory.id"))
    latest_version: Mapped[int] = mapped_column(default=1, server_default="1")
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="pending", server_default="pending")


class TemplateVersion(UUIDPrimaryKey, TenantOwned, Timestamped, Base):
    """One uploaded file of a template; versions are kept (generations pin the one they used)."""

    __tablename__ = "TemplateVersion"
    __table_args__ = (
        sa.UniqueConstraint("templateId", "number"),
        sa.UniqueConstraint("blobName"),
        sa.Index(None, "tenantId", "status", "indexedAt"),
        check_one_of("status", INDEX_STATUSES),
        {"schema": "doc"},
    )

    template_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("doc.Template.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1, 2, ... within the template
    blob_name: Mapped[str] = mapped_column(sa.Unicode(500))  # in the `templates` container
    file_name: Mapped[str] = mapped_column(sa.Unicode(300))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.Unicode(64))
    page_count: Mapped[int | None]
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="pending", server_default="pending")
    error: Mapped[str | None] = mapped_column(sa.Unicode(1000))
    indexed_at: Mapped[datetime | None]


class TemplatePage(UUIDPrimaryKey, TenantOwned, Base):
    """What indexing read from one page: size, text, the fingerprint recognition compares, a thumbnail."""

    __tablename__ = "TemplatePage"
    __table_args__ = (
        sa.UniqueConstraint("versionId", "number"),
        check_one_of("textSource", TEXT_SOURCES),
        {"schema": "doc"},
    )

    version_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("doc.TemplateVersion.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1-based
    width: Mapped[float]  # points, as the page is shown
    height: Mapped[float]
    text: Mapped[str] = mapped_column(sa.UnicodeText, default="", server_default="")
    text_source: Mapped[str] = mapped_column(sa.Unicode(10))
    fingerprint: Mapped[bytes] = mapped_column(sa.LargeBinary)
    thumbnail_blob: Mapped[str | None] = mapped_column(sa.Unicode(500))  # in the `thumbnails` container


class TemplateField(UUIDPrimaryKey, TenantOwned, Timestamped, Versioned, Base):
    """A place on a version's page that generation fills and extraction reads.

    The rectangle is in PDF points with the origin at the page's bottom left; `binding` names the
    data it is filled from (shared_code/templates/bindings.py).
    """

    __tablename__ = "TemplateField"
    __table_args__ = (
        sa.UniqueConstraint("versionId", "name"),
        check_one_of("type", FIELD_TYPES),
        check_one_of("source", FIELD_SOURCES),
        sa.CheckConstraint(
            sa.and_(sa.column("x0") < sa.column("x1"), sa.column("y0") < sa.column("y1")), name="rectangle"
        ),
        {"schema": "doc"},
    )

    version_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("doc.TemplateVersion.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.Unicode(200))
    type: Mapped[str] = mapped_column(sa.Unicode(20))
    page: Mapped[int]
    x0: Mapped[float]
    y0: Mapped[float]
    x1: Mapped[float]
    y1: Mapped[float]
    required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    binding: Mapped[str | None] = mapped_column(sa.Unicode(300))
    source: Mapped[str] = mapped_column(sa.Unicode(20), default="manual", server_default="manual")
    confidence: Mapped[float | None]
