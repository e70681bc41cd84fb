"""API shapes of documents, uploads, downloads and bundles."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from shared_code.core.record_schemas import RecordInput, RecordPublic, RecordQuery

# What a person may set by PATCH; `draft` is where a document starts before it has a file, `deleted`
# is what DELETE does (soft, restorable). The models' transition table says which moves are allowed.
DocumentStatus = Literal["uploaded", "processing", "review", "failed", "completed", "archived"]
AnyDocumentStatus = Literal["draft", "uploaded", "processing", "review", "failed", "completed", "archived", "deleted"]
DocumentTypeCode = str  # a code of core.DocumentType, checked against the table
BundleStatus = Literal["open", "closed"]
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


class DocumentCreate(RecordInput):
    """Documents are not created from JSON: they come from a file (see the upload routes). The generic
    create route answers 400 with where to go instead."""

    @model_validator(mode="before")
    @classmethod
    def _refuse(cls, _data: Any) -> Any:
        raise ValueError(
            "documents are created by uploading a PDF: POST /documents/upload, "
            "or POST /documents/uploads for large files"
        )


class DocumentUpdate(RecordInput):
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = Field(None, max_length=2000)
    document_type: DocumentTypeCode | None = Field(None, min_length=1, max_length=50)
    account_id: uuid.UUID | None = None
    contract_id: uuid.UUID | None = None
    status: DocumentStatus | None = None


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
