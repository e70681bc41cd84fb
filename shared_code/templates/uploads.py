"""Uploading a template's PDF: a new template (version 1), or the next version of one (earlier ones are kept).

The steps, in order:
1. receive: the bytes land in a temporary file, hashed (SHA-256), checked to start like a PDF and to
   stay within the size limit (415, 413);
2. check: PDFium opens it: a damaged, encrypted or empty PDF is refused (422). Reading its pages is
   indexing's work, later;
3. record: the Template and TemplateVersion rows, status `pending`, committed;
4. store: the file goes to `templates/<tenant>/<template>/v<n>.pdf`, whose arrival triggers indexing.
The rows are committed before the file is stored, so the indexing trigger always finds its version.
When storing fails, the version is recorded as failed with the reason and the call answers 503.
Steps 1-2 run before any transaction: a unit of work on SQLite holds the write lock from its start.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field
from sqlalchemy.orm import Session

from shared_code.core import names
from shared_code.core.errors import Unavailable
from shared_code.core.files import MiB, Received, clean_file_name, read_chunks, receive
from shared_code.core.http.forms import FileUpload
from shared_code.core.resources import create_record, flush_record, get_record
from shared_code.pdf.document import PDF_MAGIC, open_pdf, require_pdf_magic
from shared_code.templates import schemas as s
from shared_code.templates.blobs import version_blob_name
from shared_code.templates.models import Template, TemplateVersion
from shared_code.templates.resources import TEMPLATES

log = logging.getLogger("pact.templates")

# A request body reaches a function whole, in memory; a blank form is far smaller than this.
UPLOAD_MAX_BYTES = 32 * MiB
STORE_FAILED = "the file could not be stored; upload it again as a new version"

# Opens a unit of work for the caller (tenant, actor) and commits it when the block ends without error.
Transaction = Callable[[], AbstractContextManager[tuple[Any, Session]]]


@dataclass(frozen=True)
class VersionFile:
    """A recorded version, as storing its file needs it."""

    id: uuid.UUID
    template_id: uuid.UUID
    number: int
    blob_name: str


class _NewTemplate(s.TemplateMetadata):
    id: uuid.UUID
    latest_version: int = Field(ge=1)
    status: str


def upload_limit(settings) -> int:
    return min(UPLOAD_MAX_BYTES, settings.max_upload_bytes)


def upload_template(app, transaction: Transaction, *, upload: FileUpload[s.TemplateMetadata]) -> s.TemplatePublic:
    """Make a template from an uploaded PDF: version 1, pending until indexed."""

    def new_template(session: Session) -> Template:
        metadata = upload.fields.model_dump(exclude_unset=True)
        return create_record(
            session, TEMPLATES, _NewTemplate(id=uuid.uuid4(), latest_version=1, status="pending", **metadata)
        )

    return _upload(app, transaction, upload, new_template)


def upload_version(
    app, transaction: Transaction, *, template_id: uuid.UUID, upload: FileUpload[s.FileOnly]
) -> s.TemplatePublic:
    """Add the next version of a live template from an uploaded PDF, pending until indexed."""
    return _upload(app, transaction, upload, lambda session: next_version(get_record(session, TEMPLATES, template_id)))


def next_version(template: Template) -> Template:
    """`template` at its next version number, pending until that version is indexed."""
    template.latest_version += 1
    template.status = "pending"
    return template


def _upload(
    app, transaction: Transaction, upload: FileUpload, template_of: Callable[[Session], Template]
) -> s.TemplatePublic:
    """The steps of the module's docstring; `template_of` gives the template the new version is of."""
    with _checked(app, upload) as received:
        with transaction() as (_, session):
            template = template_of(session)
            version = add_version_row(
                session, template, size_bytes=received.size, sha256=received.sha256, file_name=upload.file_name
            )
            public = s.TemplatePublic.model_validate(template)
        _store(app, transaction, version, received)
    return public


def add_version_row(
    session: Session, template: Template, *, size_bytes: int, sha256: str, file_name: str | None
) -> VersionFile:
    """Record version `template.latest_version` of `template`, pending."""
    number = template.latest_version
    blob_name = version_blob_name(template.tenant_id, template.id, number)
    version = TemplateVersion(
        id=uuid.uuid4(),
        tenant_id=template.tenant_id,
        template_id=template.id,
        number=number,
        blob_name=blob_name,
        file_name=clean_file_name(file_name or f"v{number}.pdf", fallback=f"v{number}.pdf"),
        size_bytes=size_bytes,
        sha256=sha256,
        status="pending",
    )
    session.add(version)
    # Two uploads of a next version at once: the second breaks (template, number) or the template's
    # version counter, and answers 409/412 rather than overwriting the first one's file.
    flush_record(session, "template version")
    return VersionFile(version.id, template.id, number, blob_name)


@contextmanager
def _checked(app, upload: FileUpload) -> Iterator[Received]:
    with tempfile.TemporaryDirectory(prefix="pact-template-") as workdir:
        received = receive(
            read_chunks(upload.content),
            Path(workdir) / "template.pdf",
            max_bytes=upload_limit(app.settings),
            head_size=len(PDF_MAGIC),
            check_head=require_pdf_magic,
        )
        with open_pdf(received.path):
            pass  # opens: not damaged, not encrypted, has pages
        yield received


def _store(app, transaction: Transaction, version: VersionFile, received: Received) -> None:
    try:
        with received.path.open("rb") as file:
            app.blobs.upload_stream(names.TEMPLATES, version.blob_name, file, content_type="application/pdf")
    except Exception as exc:  # storage refused or unreachable: say so on the version, then answer 503
        log.warning(
            "template %s v%d: storing the file failed: %s", version.template_id, version.number, type(exc).__name__
        )
        with transaction() as (_, session):
            mark_failed(session, version.id, STORE_FAILED)
        raise Unavailable(STORE_FAILED, details={"template_id": str(version.template_id)}) from None
    log.info("template %s v%d stored: %d bytes", version.template_id, version.number, received.size)


def mark_failed(session: Session, version_id: uuid.UUID, reason: str) -> TemplateVersion:
    """Record that `version` will not index, and why; the template shows it when it is the latest."""
    version = session.get(TemplateVersion, version_id)
    version.status, version.error, version.page_count = "failed", reason[:1000], None
    template = session.get(Template, version.template_id)
    if template.latest_version == version.number:
        template.status = "failed"
    return version
