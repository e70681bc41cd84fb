"""Uploads: a PDF becomes a Document, from a request body (small files) or from a blob the client wrote
straight to storage through a write-only link (large files: the function never holds the file).

Both ways run the same steps, in order:
1. receive: the bytes land in a temporary file, hashed (SHA-256) as they come, checked to start like
   a PDF and to stay within the size limit;
2. inspect: PDFium reads the pages and draws a first-page thumbnail, or refuses the file;
3. register: the Document row is written (references and conflicts checked by the database);
4. store: the file goes to `documents/<tenant>/<id>.pdf` (a large upload by server-side copy), the
   thumbnail to `thumbnails/<tenant>/<id>.png`;
5. pages: one Page row per page;
6. duplicates: the tenant's other live documents with the same SHA-256 are reported, not refused.
Nothing is left half-written: a refusal in steps 1 and 2 writes nothing (and deletes a refused upload);
when the transaction does not commit, the blobs of step 4 are deleted again.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import Session

from shared_code.core import names
from shared_code.core.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    Unprocessable,
    UnsupportedMediaType,
)
from shared_code.core.files import (
    MiB,
    Received,
    clean_file_name,
    delete_blobs_quietly,
    read_chunks,
    receive,
    too_large,
    when_settled,
)
from shared_code.core.resources import create_record
from shared_code.documents import schemas as s
from shared_code.documents.inspection import PDF_MAGIC, PdfFacts, inspect_pdf, require_pdf_magic
from shared_code.documents.models import Document, Page
from shared_code.documents.resources import DOCUMENTS

log = logging.getLogger("pact.documents")

# A request body reaches a function whole, in memory: direct uploads stay small; larger files go
# through a write-only link (POST /documents/uploads).
DIRECT_UPLOAD_MAX_BYTES = 32 * MiB
UPLOAD_URL_TTL = timedelta(minutes=30)
MAX_DUPLICATES_REPORTED = 50
_REFUSALS = (PayloadTooLarge, UnsupportedMediaType, Unprocessable)


@dataclass(frozen=True)
class DirectUpload:
    """A file sent in the request, with what its sender says about it."""

    content: IO[bytes]
    file_name: str | None
    metadata: s.DocumentMetadata


class _NewDocument(BaseModel):
    """The row a received file becomes (every field is PACT's, from the file, or checked metadata)."""

    id: uuid.UUID
    title: str
    file_name: str
    container: str
    blob_name: str
    content_type: str
    size_bytes: int
    sha256: str
    page_count: int
    status: str
    thumbnail_blob: str
    description: str | None = None
    document_type: str | None = None
    account_id: uuid.UUID | None = None
    contract_id: uuid.UUID | None = None


def direct_upload_limit(settings) -> int:
    return min(DIRECT_UPLOAD_MAX_BYTES, settings.max_upload_bytes)


def upload_blob_name(tenant_id: uuid.UUID, upload_id: uuid.UUID) -> str:
    """Where a large upload waits in `temp`: under its tenant, so another tenant's id names nothing."""
    return f"uploads/{tenant_id}/{upload_id}.pdf"


def upload_document(app, session: Session, *, tenant_id: uuid.UUID, upload: DirectUpload) -> s.DocumentUploaded:
    """Register a PDF sent in the request body as a new document."""
    max_bytes = direct_upload_limit(app.settings)
    with tempfile.TemporaryDirectory(prefix="pact-upload-") as workdir:
        received = _receive(read_chunks(upload.content), Path(workdir) / "upload.pdf", max_bytes=max_bytes)
        facts = inspect_pdf(received.path)

        def store(blob_name: str) -> None:
            with received.path.open("rb") as file:
                app.blobs.upload_stream(names.DOCUMENTS, blob_name, file, content_type="application/pdf")

        return _register(
            app,
            session,
            document_id=uuid.uuid4(),
            tenant_id=tenant_id,
            received=received,
            reason="uploaded in one request",
            facts=facts,
            file_name=upload.file_name,
            metadata=upload.metadata,
            store=store,
        )


def start_upload(app, *, tenant_id: uuid.UUID, plan: s.UploadStart) -> s.UploadTicket:
    """A write-only link for one blob in `temp`, where the client puts a large file itself."""
    max_bytes = app.settings.max_upload_bytes
    if plan.size_bytes is not None and plan.size_bytes > max_bytes:
        raise too_large(max_bytes)
    upload_id = uuid.uuid4()
    url, expires = app.blobs.write_url(names.TEMP, upload_blob_name(tenant_id, upload_id), ttl=UPLOAD_URL_TTL)
    return s.UploadTicket(upload_id=upload_id, upload_url=url, expires_at=expires, max_bytes=max_bytes)


def complete_upload(
    app,
    session: Session,
    *,
    tenant_id: uuid.UUID,
    upload_id: uuid.UUID,
    file_name: str | None,
    metadata: s.DocumentMetadata,
) -> tuple[s.DocumentUploaded, bool]:
    """Register the file written through the link of `start_upload`; True when it was new.

    Completing again answers with the document already made (a client may retry a lost answer).
    """
    existing = session.get(Document, upload_id)
    if existing is not None:
        return _uploaded(session, existing), False
    temp_name = upload_blob_name(tenant_id, upload_id)
    try:
        blob = app.blobs.properties(names.TEMP, temp_name)
    except NotFound:
        raise NotFound("no such upload: it was never written, or it expired") from None
    max_bytes = app.settings.max_upload_bytes
    with tempfile.TemporaryDirectory(prefix="pact-upload-") as workdir:
        try:
            if blob.size > max_bytes:
                raise too_large(max_bytes)
            received = _receive(
                app.blobs.iter_chunks(names.TEMP, temp_name), Path(workdir) / "upload.pdf", max_bytes=max_bytes
            )
            facts = inspect_pdf(received.path)
        except _REFUSALS:
            app.blobs.delete(names.TEMP, temp_name)  # a refused upload is not kept
            raise

    def store(blob_name: str) -> None:
        try:  # only the version that was checked: a client writing again meanwhile is refused
            app.blobs.copy(
                names.TEMP, temp_name, names.DOCUMENTS, blob_name, source_etag=blob.etag, content_type="application/pdf"
            )
        except PreconditionFailed:
            raise Conflict("the upload changed while it was being checked; complete it again") from None

    document = _register(
        app,
        session,
        document_id=upload_id,
        tenant_id=tenant_id,
        received=received,
        facts=facts,
        reason="uploaded through an upload link",
        file_name=file_name,
        metadata=metadata,
        store=store,
        on_commit=lambda: app.blobs.delete(names.TEMP, temp_name),
    )
    return document, True


# -- the steps ---------------------------------------------------------------------------------


def _receive(chunks: Iterable[bytes], target: Path, *, max_bytes: int) -> Received:
    """Write `chunks` to `target`, hashing as they pass; refuse non-PDF content and oversize files early."""
    return receive(chunks, target, max_bytes=max_bytes, head_size=len(PDF_MAGIC), check_head=require_pdf_magic)


def _register(
    app,
    session: Session,
    *,
    document_id: uuid.UUID,
    tenant_id: uuid.UUID,
    received: Received,
    facts: PdfFacts,
    file_name: str | None,
    metadata: s.DocumentMetadata,
    store: Callable[[str], None],
    reason: str,
    on_commit: Callable[[], object] | None = None,
) -> s.DocumentUploaded:
    from shared_code.documents.lifecycle import note_first_status

    name = clean_file_name(file_name or f"{document_id}.pdf")
    blob_name, thumbnail_name = f"{tenant_id}/{document_id}.pdf", f"{tenant_id}/{document_id}.png"
    values = metadata.model_dump(exclude_none=True)
    note_first_status(session, document_id, reason=reason)  # why it starts `uploaded`, in its create entry
    row = create_record(
        session,
        DOCUMENTS,
        _NewDocument(
            id=document_id,
            title=values.pop("title", None) or _title_of(name),
            file_name=name,
            container=names.DOCUMENTS,
            blob_name=blob_name,
            content_type="application/pdf",
            size_bytes=received.size,
            sha256=received.sha256,
            page_count=facts.page_count,
            status="uploaded",
            thumbnail_blob=thumbnail_name,
            **values,
        ),
    )
    written = [(names.DOCUMENTS, blob_name), (names.THUMBNAILS, thumbnail_name)]
    when_settled(session, committed=on_commit, abandoned=lambda: delete_blobs_quietly(app.blobs, written))
    store(blob_name)
    app.blobs.upload_bytes(names.THUMBNAILS, thumbnail_name, facts.thumbnail_png, content_type="image/png")
    # Pages are facts of the file, not edits: one INSERT for all, outside the per-row audit trail
    # (the document's own entry records page_count).
    session.execute(
        sa.insert(Page),
        [
            {
                "tenant_id": tenant_id,
                "document_id": document_id,
                "page_number": page.number,
                "width_points": page.width_points,
                "height_points": page.height_points,
                "rotation": page.rotation,
            }
            for page in facts.pages
        ],
    )
    log.info("document %s registered: %d bytes, %d pages", document_id, received.size, facts.page_count)
    return _uploaded(session, row)


def _uploaded(session: Session, row: Document) -> s.DocumentUploaded:
    """The document as the upload routes answer it: with the tenant's other live copies of its content."""
    duplicates = session.scalars(
        sa.select(Document)
        .where(Document.sha256 == row.sha256, Document.id != row.id, Document.deleted_at.is_(None))
        .order_by(Document.created_at, Document.id)
        .limit(MAX_DUPLICATES_REPORTED)
    ).all()
    document = s.DocumentUploaded.model_validate(row, from_attributes=True)
    return document.model_copy(update={"duplicates": [s.DuplicatePublic.model_validate(d) for d in duplicates]})


def _title_of(file_name: str) -> str:
    return file_name[:-4] if file_name.lower().endswith(".pdf") and len(file_name) > 4 else file_name
