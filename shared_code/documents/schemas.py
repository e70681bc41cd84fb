"""API shapes of documents, uploads, downloads and bundles."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from shared_code.core.record_schemas import RecordInput, RecordPublic, RecordQuery

# What a person may move a document to (POST /documents/{id}/status, with a reason); `draft` is where a
# document starts before it has a file, `deleted` the lifecycle policies' end. The models' transition
# table says which moves are allowed.
DocumentStatus = Literal["uploaded", "processing", "review", "failed", "completed", "archived"]
AnyDocumentStatus = Literal["draft", "uploaded", "processing", "review", "failed", "completed", "archived", "deleted"]
DocumentTypeCode = str  # a code of core.DocumentType, checked against the table
BundleStatus = Literal["open", "closed"]
REASON_MAX_LENGTH = 500
Sha256 = Field(None, pattern=r"^[0-9a-f]{64}$", description="hex SHA-256 of the file")


# -- documents --------------------------------------------------------------------------------


class DocumentMetadata(RecordInput):
    """What the uploader says about a file; everything else PACT reads from the file itself."""

    title: str | None = Field(None, min_length=1, max_length=300, description="defaults to the file name")
    description: str | None = Field(None, max_length=2000)
    document_type: DocumentTypeCode | None = Field(None, min_length=1, max_length=50)
    account_id: uuid.UUID | None = None
    contract_id: uuid.UUID | None = None


class UploadDetails(DocumentMetadata):
    """An upload's metadata with the file's name: the query of a raw PDF upload, the body of a completion."""

    file_name: str | None = Field(None, min_length=1, max_length=300)

    def metadata(self) -> DocumentMetadata:
        return DocumentMetadata(**self.model_dump(exclude={"file_name"}, exclude_unset=True))


class DocumentUpdate(RecordInput):
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = Field(None, max_length=2000)
    document_type: DocumentTypeCode | None = Field(None, min_length=1, max_length=50)
    account_id: uuid.UUID | None = None
    contract_id: uuid.UUID | None = None


class StatusChange(RecordInput):
    """A move along the lifecycle, and why: the reason is kept in the audit trail with who and when."""

    status: DocumentStatus
    reason: str = Field(min_length=1, max_length=REASON_MAX_LENGTH, description="why the status changes")


class StatusChangePublic(BaseModel):
    """One step of a document's status history, from its audit entry."""

    occurred_at: datetime
    from_status: str | None = Field(description="none for the status the document started in")
    to_status: str
    reason: str | None = Field(description="why (absent only from entries written before reasons were kept)")
    actor_type: str = Field(description="user, api_key or system")
    actor_id: uuid.UUID | None
    actor_name: str | None = Field(description="the user's display name or the API key's name")


class StatusHistory(BaseModel):
    document_id: uuid.UUID
    status: str = Field(description="the document's status now")
    changes: list[StatusChangePublic] = Field(description="oldest first")


class DocumentPublic(RecordPublic):
    title: str
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    page_count: int | None
    status: str
    document_type: str | None
    account_id: uuid.UUID | None
    contract_id: uuid.UUID | None
    template_id: uuid.UUID | None
    generation_id: uuid.UUID | None
    description: str | None
    # Whether GET /documents/{id}/thumbnail has an image; where it is stored stays private.
    has_thumbnail: bool = Field(False, validation_alias=AliasChoices("thumbnail_blob", "has_thumbnail"))

    @field_validator("has_thumbnail", mode="before")
    @classmethod
    def _present(cls, value: Any) -> bool:
        return value if isinstance(value, bool) else value is not None


class DocumentQuery(RecordQuery):
    status: AnyDocumentStatus | None = None
    account_id: uuid.UUID | None = None
    contract_id: uuid.UUID | None = None
    document_type: str | None = Field(None, max_length=50)
    sha256: str | None = Sha256


class DuplicatePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    file_name: str
    created_at: datetime


class DocumentUploaded(DocumentPublic):
    duplicates: list[DuplicatePublic] = Field(
        default_factory=list, description="other live documents of the tenant with the same SHA-256"
    )


class UploadStart(RecordInput):
    file_name: str | None = Field(None, min_length=1, max_length=300)
    size_bytes: int | None = Field(None, ge=1, description="the file's size, when known: refused early if too large")


class UploadTicket(BaseModel):
    upload_id: uuid.UUID = Field(description="also the id the document will have")
    upload_url: str = Field(description="PUT the file here (x-ms-blob-type: BlockBlob, or blocks); write-only")
    expires_at: datetime
    max_bytes: int


class DownloadLink(BaseModel):
    url: str = Field(description="a short-lived, read-only link to the file")
    expires_at: datetime
    file_name: str


# -- bundles ----------------------------------------------------------------------------------


class BundleCreate(RecordInput):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    status: BundleStatus = "open"
    account_id: uuid.UUID | None = None
    contract_id: uuid.UUID | None = None


class BundleUpdate(RecordInput):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    status: BundleStatus | None = None
    account_id: uuid.UUID | None = None
    contract_id: uuid.UUID | None = None


class BundlePublic(RecordPublic):
    name: str
    description: str | None
    status: str
    account_id: uuid.UUID | None
    contract_id: uuid.UUID | None


class BundleQuery(RecordQuery):
    status: BundleStatus | None = None
    account_id: uuid.UUID | None = None
    contract_id: uuid.UUID | None = None


class BundleDocumentsSet(RecordInput):
    document_ids: list[uuid.UUID] = Field(max_length=1000, description="the bundle's documents, in order")

    @model_validator(mode="after")
    def _unique(self) -> BundleDocumentsSet:
        if len(set(self.document_ids)) != len(self.document_ids):
            raise ValueError("a document appears in a bundle once")
        return self


class BundleDocuments(BaseModel):
    bundle_id: uuid.UUID
    version: int = Field(description="the bundle's version (its ETag) after this change")
    documents: list[DocumentPublic] = Field(description="in the bundle's order")
