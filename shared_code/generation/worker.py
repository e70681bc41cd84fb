"""The `generate` queue's work: for each pending generation of a chunk, fill the pinned template version with
the account's values, stamp a signed code on every page, store the PDF in `documents` with its Document
row, and mark the generation generated; then settle the batch.

Each generation is made in its own transaction, so a chunk that dies half-way keeps what it finished.
Redelivery is harmless: a generation that is not pending is skipped, and the blob name and document id
derive from the generation id, so a retry after a crash between writing the blob and committing
overwrites the same blob and writes the one Document row that was never committed. A missing value or
text that does not fit fails that account's generation with the reason, never the batch.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from shared_code.accounts.models import Account, Contract
from shared_code.core import names
from shared_code.core.errors import Unprocessable
from shared_code.core.models import stable_id
from shared_code.documents.models import Document
from shared_code.generation.batches import settle_batch
from shared_code.generation.models import Batch, Generation
from shared_code.generation.payload import CodePayload, encode_payload, readable_line
from shared_code.pdf.codes import PageCode
from shared_code.pdf.compose import Composer
from shared_code.templates.models import Template, TemplateField, TemplateVersion
from shared_code.templates.preview import FillData, bound_values

log = logging.getLogger("pact.generation")

# Documents being stored while the next is composed: enough to hide a storage round trip behind the
# composing of a few documents, few enough that a chunk holds only a few PDFs in memory.
UPLOADS_IN_FLIGHT = 4


class MissingData(Unprocessable):
    """A required field has no value for this account."""


@dataclass
class _Template:
    """What every document of a batch shares, read once per chunk: the template parsed once, its
    code corners chosen on the first document (shared_code/pdf/compose.py)."""

    batch: Batch
    title: str
    fields: list[TemplateField]
    composer: Composer


def generation_document_id(generation_id: uuid.UUID) -> uuid.UUID:
    """The id of a generation's document: fixed in advance, so a retry can never make a second one."""
    return stable_id("generation-document", str(generation_id))


def document_blob_name(tenant_id: uuid.UUID, document_id: uuid.UUID) -> str:
    return f"{tenant_id}/{document_id}.pdf"  # where uploads keep theirs too


def run_chunk(app, message: dict) -> None:
    """Make the chunk's pending generations, then settle the batch (the queue trigger calls this).

    Storing a document is a round trip to blob storage; it runs in a few threads while the next
    document is composed, and a document's rows commit only once its blob is stored."""
    tenant_id, batch_id = uuid.UUID(message["tenant_id"]), uuid.UUID(message["batch_id"])
    generation_ids = [uuid.UUID(g) for g in message["generation_ids"]]
    shared = _load(app, tenant_id, batch_id)
    with ThreadPoolExecutor(max_workers=UPLOADS_IN_FLIGHT, thread_name_prefix="pact-generate-upload") as uploads:
        in_flight: deque[tuple[_Made, Future]] = deque()
        for generation_id in generation_ids:
            made = _make(app, shared, tenant_id, generation_id)
            if made is not None:
                upload = uploads.submit(
                    app.blobs.upload_bytes, names.DOCUMENTS, made.blob_name, made.pdf, content_type="application/pdf"
                )
                in_flight.append((made, upload))
            while len(in_flight) > UPLOADS_IN_FLIGHT or (in_flight and in_flight[0][1].done()):
                _record(app, shared, tenant_id, *in_flight.popleft())
        while in_flight:
            _record(app, shared, tenant_id, *in_flight.popleft())
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        settle_batch(uow.session, batch_id)
        uow.commit()


def _load(app, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> _Template:
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        session = uow.session
        batch = session.get(Batch, batch_id)
        if batch is None:  # not committed yet (or never): fail, and let the queue retry, then poison
            raise LookupError(f"batch {batch_id} does not exist")
        if batch.status == "queued":
            batch.status = "running"
        version = session.get(TemplateVersion, batch.template_version_id)
        template = session.get(Template, batch.template_id)
        fields = list(session.scalars(sa.select(TemplateField).where(TemplateField.version_id == version.id)))
        uow.commit()  # the rows stay readable after the block (no expiry on commit)
    pdf = app.blobs.read_bytes(names.TEMPLATES, version.blob_name)
    return _Template(batch, template.name, fields, Composer(pdf, fields))


@dataclass(frozen=True)
class _Made:
    """A composed document waiting for its blob to be stored before its rows commit."""

    generation_id: uuid.UUID
    document: Document
    pdf: bytes

    @property
    def blob_name(self) -> str:
        return self.document.blob_name


def _make(app, shared: _Template, tenant_id: uuid.UUID, generation_id: uuid.UUID) -> _Made | None:
    """Compose one generation's document; None when there is nothing to store (skipped or failed)."""
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        session = uow.session
        generation = session.get(Generation, generation_id)
        if generation is None or generation.status != "pending":
            return None  # made, failed or cancelled already: a redelivery changes nothing
        account = session.get(Account, generation.account_id)
        contract = session.get(Contract, generation.contract_id)
        try:
            pdf, page_count = _render(app, shared, generation, account, contract)
        except Unprocessable as refused:
            generation.status, generation.error = "failed", refused.message[:1000]
            log.info("generation %s failed: %s", generation.id, refused.message)
            uow.commit()
            return None
    document_id = generation_document_id(generation_id)
    document = Document(
        id=document_id,
        title=f"{shared.title} - {account.name}"[:300],
        file_name=f"{_safe(shared.title)}-{_safe(account.number)}.pdf"[:300],
        container=names.DOCUMENTS,
        blob_name=document_blob_name(tenant_id, document_id),  # fixed: a retry overwrites the same blob
        content_type="application/pdf",
        size_bytes=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        page_count=page_count,
        status="completed",  # made by PACT: nothing to process
        account_id=account.id,
        contract_id=contract.id,
        template_id=shared.batch.template_id,
        generation_id=generation_id,
        attributes={"batch_id": str(shared.batch.id), "template_version": shared.batch.template_version},
    )
    return _Made(generation_id, document, pdf)


def _record(app, shared: _Template, tenant_id: uuid.UUID, made: _Made, upload: Future) -> None:
    """Once the blob is stored (an upload error fails the chunk: the queue retries it), commit the
    Document row and the generation's `generated` status together."""
    upload.result()
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        session = uow.session
        generation = session.get(Generation, made.generation_id)
        if generation is None or generation.status != "pending":
            return  # another delivery of this chunk got there first
        document = made.document
        session.add(document)
        session.flush()
        generation.status, generation.document_id, generation.sha256 = "generated", document.id, document.sha256
        generation.page_count, generation.code_key_id = document.page_count, app.code_keys.signing_id
        generation.generated_at = datetime.now(UTC)
        uow.commit()


def _render(app, shared: _Template, generation: Generation, account: Account, contract: Contract) -> tuple[bytes, int]:
    """The filled, stamped PDF of one generation and its page count; Unprocessable says why it cannot be made."""
    values = bound_values(shared.fields, FillData(account, contract, shared.batch.overrides))
    missing = [f.name for f in shared.fields if f.required and values.get(f.name) in (None, "")]
    if missing:
        raise MissingData(f"missing required data: {', '.join(missing)}", details={"fields": missing})
    page_count = shared.composer.page_count
    codes = []
    for page in range(1, page_count + 1):
        text = encode_payload(CodePayload(generation.id, page, page_count), app.code_keys)
        codes.append(PageCode(text, readable_line(text)))
    composed = shared.composer.compose(values, codes, flatten=shared.batch.flatten)
    return composed.pdf, page_count


def _safe(text: str) -> str:
    return "".join(char if char.isalnum() or char in "-_" else "-" for char in text).strip("-") or "document"
