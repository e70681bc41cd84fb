"""What a tenant has in the database and in storage, to prove that a refused upload left nothing behind."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from shared_code.core import names


@dataclass(frozen=True)
class Stored:
    documents: int
    pages: int
    blobs: tuple[str, ...]  # container/name of the tenant's documents, thumbnails and pending uploads

    @property
    def empty(self) -> bool:
        return self.documents == 0 and self.pages == 0 and not self.blobs


def stored(app, tenant_id: uuid.UUID) -> Stored:
    from shared_code.documents.models import Document, Page

    with app.unit_of_work(tenant_id=tenant_id) as uow:
        documents = uow.session.scalar(sa.select(sa.func.count(Document.id)))
        pages = uow.session.scalar(sa.select(sa.func.count(Page.id)))
    prefixes = ((names.DOCUMENTS, f"{tenant_id}/"), (names.THUMBNAILS, f"{tenant_id}/"),
                (names.TEMP, f"uploads/{tenant_id}/"))
    blobs = tuple(sorted(f"{container}/{blob.name}" for container, prefix in prefixes
                         for blob in app.blobs.list(container, prefix=prefix)))
    return Stored(documents, pages, blobs)
