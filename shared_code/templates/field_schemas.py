"""API shapes of field detection (`POST /templates/{id}/detect-fields`), extraction
(`POST /documents/{id}/extract-fields`) and preview (`POST /templates/{id}/preview[/image]`)."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared_code.core.record_schemas import RecordInput
from shared_code.templates.schemas import FieldPublic, FieldType

_MAX_OVERRIDES = 500


class DetectQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(None, ge=1, description="the template version (default: the latest)")
    apply: bool = Field(
        False,
        description="store the proposals as fields (source `detected`), except where the version already has a field",
    )


class ProposedFieldPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    type: FieldType
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float = Field(description="0..1")
    binding: str | None = Field(description="the data the label suggests (see GET /templates/bindings)")
    source: str = Field(description="acroform (the form's own widget) or detected (from the page)")
    label: str = Field(description="the words the name and binding were taken from")


class Detection(BaseModel):
    template_id: uuid.UUID
    version: int
    proposals: list[ProposedFieldPublic] = Field(description="page by page, top to bottom")
    applied: list[FieldPublic] = Field(default_factory=list, description="the fields stored (with `apply`)")
    skipped: list[str] = Field(
        default_factory=list, description="proposals not stored: the version already has a field there"
    )


class ExtractRequest(RecordInput):
    template_id: uuid.UUID | None = Field(
        None, description="the template the document was filled from (default: the document's own)"
    )
    version: int | None = Field(
        None, ge=1, description="the template version (default: the one the document records, else the latest)"
    )
    pages: dict[int, int] | None = Field(
        None,
        description="template page -> the document page holding it "
        "(1-based); pages left out are not read. By default "
        "document page n is template page n",
    )

    @field_validator("pages")
    @classmethod
    def _positive_pages(cls, value: dict[int, int] | None) -> dict[int, int] | None:
        if value and any(key < 1 or page < 1 for key, page in value.items()):
            raise ValueError("pages are numbered from 1")
        return value


class ExtractedValuePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    field_id: uuid.UUID
    name: str
    type: FieldType
    page: int
    value: str | bool | None = Field(
        description="text; a number without grouping; an ISO date; true/false "
        "for check boxes and signatures; null when empty"
    )
    text: str | None = Field(description="what was read, as read")
    confidence: float = Field(description="0..1")
    method: str = Field(description="acroform, text_layer, ocr, ink, missing (no such page) or unaligned")


class PageReadingPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    template_page: int
    document_page: int | None
    method: str = Field(description="acroform, text_layer, features or ecc (aligned), none (not aligned), missing")
    quality: float = Field(description="how well the page aligned to the template's, 0..1")
    rotation: int = Field(description="clockwise degrees the page is turned from the template's")


class ExtractionPublic(BaseModel):
    document_id: uuid.UUID
    template_id: uuid.UUID
    version: int
    values: list[ExtractedValuePublic]
    pages: list[PageReadingPublic]


class PreviewRequest(RecordInput):
    version: int | None = Field(None, ge=1, description="the template version (default: the latest)")
    account_id: uuid.UUID | None = Field(None, description="fill from this account (default: a sample account)")
    contract_id: uuid.UUID | None = Field(None, description="fill from this contract (default: a sample one)")
    overrides: dict[str, str | bool] = Field(
        default_factory=dict, description="values by field name, instead of their bindings"
    )

    @field_validator("overrides")
    @classmethod
    def _not_too_many(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > _MAX_OVERRIDES:
            raise ValueError(f"at most {_MAX_OVERRIDES} overrides")
        if any(isinstance(item, str) and len(item) > 2000 for item in value.values()):
            raise ValueError("an override has at most 2000 characters")
        return value


class PreviewImageRequest(PreviewRequest):
    page: int = Field(1, ge=1, description="the page to show")
    dpi: int = Field(100, ge=36, le=200, description="resolution of the image (100: a letter page 850 px wide)")
