"""Reading a document's file: a short-lived read link (any size), the bytes (moderate sizes), the thumbnail."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from shared_code.core import names
from shared_code.core.errors import NotFound, PayloadTooLarge
from shared_code.core.files import MiB, ascii_file_name
from shared_code.core.resources import get_record
from shared_code.documents import schemas as s
from shared_code.documents.models import Document
from shared_code.documents.resources import DOCUMENTS

DOWNLOAD_TTL = timedelta(minutes=15)
# A response body leaves a function whole, from memory: bigger files are read through the link.
CONTENT_MAX_BYTES = 32 * MiB


def download_link(app, session: Session, document_id: uuid.UUID, *, ttl: timedelta = DOWNLOAD_TTL) -> s.DownloadLink:
    """A read-only link to the document's file, valid for `ttl`, that saves it under its file name."""
    document = get_record(session, DOCUMENTS, document_id)
    url, expires = app.blobs.read_url(document.container, document.blob_name, ttl=ttl,
                                      download_name=ascii_file_name(document.file_name))
    return s.DownloadLink(url=url, expires_at=expires, file_name=document.file_name)


def document_content(app, session: Session, document_id: uuid.UUID) -> tuple[Document, bytes]:
    """The document and its file's bytes; a file over CONTENT_MAX_BYTES is refused (use the link)."""
    document = get_record(session, DOCUMENTS, document_id)
    if document.size_bytes > CONTENT_MAX_BYTES:
        raise PayloadTooLarge(
            f"the file is larger than {CONTENT_MAX_BYTES // MiB} MiB: read it through GET /documents/{{id}}/download",
            details={"max_bytes": CONTENT_MAX_BYTES},
        )
    return document, app.blobs.read_bytes(document.container, document.blob_name)


def document_thumbnail(app, session: Session, document_id: uuid.UUID) -> bytes:
    """The PNG of the document's first page."""
    document = get_record(session, DOCUMENTS, document_id)
    if document.thumbnail_blob is None:
        raise NotFound("this document has no thumbnail")
    return app.blobs.read_bytes(names.THUMBNAILS, document.thumbnail_blob)
