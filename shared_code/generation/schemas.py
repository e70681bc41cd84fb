"""API shapes of batches: what a caller asks for (BatchCreate), and what a batch looks like (BatchPublic,
BatchDetail with progress, failures and the documents made)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared_code.accounts.models import CANDIDATE_STATUSES
from shared_code.core.http.params import ListQuery

MAX_ACCOUNTS = 10_000  # one batch; more is several batches (the request makes every row at once)

BatchStatus = Literal["queued", "running", "completed", "failed", "cancelled"]
CandidateStatus = Literal[CANDIDATE_STATUSES]  # type: ignore[valid-type]


class CandidateFilter(BaseModel):
    """Which of the contract's candidates get a document."""

    model_config = ConfigDict(extra="forbid")

    status: CandidateStatus = "eligible"


class BatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template_id: uuid.UUID
    version: int | None = Field(None, ge=1, description="the template version to fill; the latest indexed when omitted")
    contract_id: uuid.UUID
    account_ids: list[uuid.UUID] | None = Field(None, min_length=1, description="the accounts, in print order")
    candidates: CandidateFilter | None = Field(None, description="instead of account_ids: the contract's candidates")
    overrides: dict[str, Any] = Field(default_factory=dict, description="field name -> value, for every document")
    flatten: bool = Field(False, description="flatten AcroForm fields into the page")
    delivery: Literal["print"] = "print"

    @model_validator(mode="after")
    def _one_selection(self) -> BatchCreate:
        if (self.account_ids is None) == (self.candidates is None):
            raise ValueError("give either account_ids or candidates")
        return self


class BatchPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    template_id: uuid.UUID
    template_version: int
    contract_id: uuid.UUID
    delivery: str
    flatten: bool
    status: BatchStatus
    total: int
    done: int
    failed: int
    error: str | None = None
    overrides: dict[str, Any]
    created_at: datetime
    created_by: uuid.UUID | None = None
    finished_at: datetime | None = None


class GenerationItem(BaseModel):
    generation_id: uuid.UUID
    account_id: uuid.UUID
    candidate_id: uuid.UUID | None = None
    status: Literal["pending", "generated", "failed", "cancelled"]
    document_id: uuid.UUID | None = None
    page_count: int | None = None
    sha256: str | None = None
    error: str | None = None


class Progress(BaseModel):
    total: int
    done: int = Field(description="settled: generated, failed or cancelled")
    generated: int
    failed: int
    cancelled: int
    pending: int


class BatchDetail(BatchPublic):
    progress: Progress
    failures: list[GenerationItem] = Field(description="the failed generations, with their reasons")
    documents: list[GenerationItem] = Field(description="every generation in print order")


class BatchQuery(ListQuery):
    status: BatchStatus | None = None
    contract_id: uuid.UUID | None = None
    template_id: uuid.UUID | None = None


class PrintOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cover_sheets: bool = Field(False, description="an address page before each document, for a #10 window envelope")
    max_pages: int | None = Field(
        None, ge=1, le=100_000, description="split into files of at most this many pages (a document is never split)"
    )


class PrintFile(BaseModel):
    name: str
    cover_sheets: bool
    max_pages: int | None
    part: int
    documents: int
    pages: int
    first_position: int | None = Field(description="print position of its first document in the batch")
    last_position: int | None
    size_bytes: int
    download_url: str
    expires_at: datetime


class LeftOut(BaseModel):
    generation_id: uuid.UUID
    account_id: uuid.UUID
    position: int
    status: Literal["pending", "failed", "cancelled"]
    error: str | None = None


class PrintFiles(BaseModel):
    batch_id: uuid.UUID
    files: list[PrintFile] = Field(description="by name: one run of parts per option set written")
    left_out: list[LeftOut] = Field(description="generations without a document, not in any file")


class ReleasePublic(BaseModel):
    batch_id: uuid.UUID
    released_at: datetime
    released_by: uuid.UUID | None = None
    candidates_sent: int
