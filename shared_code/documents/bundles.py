"""A bundle's documents: an ordered set, read in order and replaced whole."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.core.audit import record_audit
from shared_code.core.errors import InvalidInput
from shared_code.core.resources import get_record, update_record
from shared_code.documents import schemas as s
from shared_code.documents.models import Bundle, BundleDocument, Document
from shared_code.documents.resources import BUNDLES


def bundle_documents(session: Session, bundle_id: uuid.UUID) -> s.BundleDocuments:
    """The bundle's live documents, in the bundle's order."""
    return _contents(session, get_record(session, BUNDLES, bundle_id))


def set_bundle_documents(
    session: Session, bundle_id: uuid.UUID, document_ids: list[uuid.UUID], *, if_match: str | None
) -> s.BundleDocuments:
    """Make `document_ids` the bundle's documents, in that order. Every id must name a live document of the
    caller's tenant. The bundle's version goes up, so `If-Match` guards against a concurrent edit."""
    # An update without field changes: finds the bundle (404) and checks If-Match (412) as PATCH does.
    bundle = update_record(session, BUNDLES, bundle_id, s.BundleUpdate(), if_match=if_match)
    live = set(session.scalars(sa.select(Document.id).where(Document.id.in_(document_ids),
                                                             Document.deleted_at.is_(None))))
    missing = [str(document_id) for document_id in document_ids if document_id not in live]
    if missing:
        raise InvalidInput("some ids name no document", details=[
            {"field": "document_ids", "message": f"no such document: {document_id}"} for document_id in missing
        ])
    before = [str(document_id) for document_id in _ordered_ids(session, bundle.id)]
    # Links are replaced in two statements (tenant-scoped by the unit of work); the trail gets one
    # named entry for the whole change instead of an entry per link.
    session.execute(sa.delete(BundleDocument).where(BundleDocument.bundle_id == bundle.id))
    if document_ids:
        session.execute(sa.insert(BundleDocument), [
            {"tenant_id": bundle.tenant_id, "bundle_id": bundle.id, "document_id": document_id, "position": position}
            for position, document_id in enumerate(document_ids, start=1)
        ])
    bundle.updated_at = datetime.now(UTC)  # a new version: the bundle's ETag changes with its contents
    session.flush()
    record_audit(session, action="bundle.documents_set", entity_type="Bundle", entity_id=bundle.id,
                 changes={"document_ids": {"before": before, "after": [str(d) for d in document_ids]}})
    return _contents(session, bundle)


def _ordered_ids(session: Session, bundle_id: uuid.UUID) -> list[uuid.UUID]:
    return list(session.scalars(
        sa.select(BundleDocument.document_id).where(BundleDocument.bundle_id == bundle_id)
        .order_by(BundleDocument.position)
    ))


def _contents(session: Session, bundle: Bundle) -> s.BundleDocuments:
    documents = session.scalars(
        sa.select(Document)
        .join(BundleDocument, BundleDocument.document_id == Document.id)
        .where(BundleDocument.bundle_id == bundle.id, Document.deleted_at.is_(None))
        .order_by(BundleDocument.position)
    ).all()
    return s.BundleDocuments(
        bundle_id=bundle.id, version=bundle.version,
        documents=[s.DocumentPublic.model_validate(document) for document in documents],
    )
