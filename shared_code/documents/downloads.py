"""Reading a document's file: a short-lived read link (any size), the bytes (moderate sizes), the thumbnail."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy.orm import Session

from shared_code.core import names
from shared_code.core.errors import NotFound, PayloadTooLarge
from shared_code.core.resources import get_record
from shared_code.documents import schemas as s
from shared_code.documents.models import Document
from shared_code.documents.resources import DOCUMENTS
from shared_code.documents.uploads import MiB

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


def content_disposition(file_name: str, *, inline: bool) -> str:
    """A Content-Disposition value naming the file (RFC 6266: an ASCII name, and the exact one in UTF-8)."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_file_name(file_name)}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def ascii_file_name(file_name: str) -> str:
    """The file name in plain ASCII without quotes or separators, safe inside a quoted header value."""
    letters = (ch for ch in unicodedata.normalize("NFKD", file_name) if not unicodedata.combining(ch))  # Ü → U
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in " ._-()") else "_" for ch in letters).strip()
    return safe or "document.pdf"
