"""API shapes of templates, their versions, pages and fields, the binding catalogue and recognition.

`version` in a template's shapes is the template's version number (1, 2, ...), as the API contract says;
the record's own version, its ETag for `If-Match`, is `revision`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from shared_code.core.record_schemas import RecordInput, RecordQuery
from shared_code.templates.bindings import check_binding

IndexStatus = Literal["pending", "indexed", "failed"]
FieldType = Literal["text", "number", "date", "checkbox", "signature"]
FieldSource = Literal["acroform", "detected", "manual"]
# A coordinate: PDF points (1/72 inch) from the page's bottom left; 14,400 is PDF's largest page side.
_POINTS: dict[str, Any] = {"ge": 0, "le": 14_400, "description": "points from the page's bottom left"}


# -- templates ------------------------------------------------------------------------------------


class TemplateMetadata(RecordInput):
    """What the uploader says about a new template (form fields, or query parameters of a raw PDF)."""

    name: str = Field(min_length=1, max_length=200, description="unique among the tenant's live templates")
    description: str | None = Field(None, max_length=2000)
    category: str | None = Field(None, min_length=1, max_length=100)
    contract_category_id: uuid.UUID | None = None


class FileOnly(RecordInput):
    """An upload that carries only its file."""


class FileNameQuery(RecordInput):
    """The query of a raw-body upload: the file's name (a form's file part names it itself)."""

    file_name: str | None = Field(None, min_length=1, max_length=300)


class TemplateUploadQuery(FileNameQuery):
    """The query of a raw application/pdf template upload: the metadata a form would send as fields."""

    name: str | None = Field(None, min_length=1, max_length=200, description="required")
    description: str | None = Field(None, max_length=2000)
    category: str | None = Field(None, min_length=1, max_length=100)
    contract_category_id: uuid.UUID | None = None


class TemplateUpdate(RecordInput):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    category: str | None = Field(None, min_length=1, max_length=100)
    contract_category_id: uuid.UUID | None = None


class TemplatePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    description: str | None
    category: str | None
    contract_category_id: uuid.UUID | None
    version: int = Field(
        validation_alias=AliasChoices("latest_version", "version"), description="the latest version's number"
    )
    status: IndexStatus = Field(description="the latest version's indexing status")
    retired: bool = Field(
        False,
        validation_alias=AliasChoices("deleted_at", "retired"),
        description="retired templates are left out of recognition and generation",
    )
    # On a row, `version` is the record's version (read here), `latest_version` the template's (read above).
    revision: int = Field(
        validation_alias=AliasChoices("revision", "version"), description="the record's version: its ETag, for If-Match"
    )
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @field_validator("retired", mode="before")
    @classmethod
    def _retired(cls, value: Any) -> bool:
        return value if isinstance(value, bool) else value is not None


class TemplateQuery(RecordQuery):
    status: IndexStatus | None = Field(None, description="the latest version's indexing status")
    category: str | None = Field(None, max_length=100)
    contract_category_id: uuid.UUID | None = None
    deleted: bool = Field(False, description="list retired templates instead of live ones")


class PagePublic(BaseModel):
    number: int
    width: float = Field(description="points")
    height: float = Field(description="points")
    text_source: Literal["layer", "ocr", "none"]
    thumbnail_url: str | None = Field(None, description="a short-lived read link to a PNG of the page")


class VersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    template_id: uuid.UUID
    version: int = Field(validation_alias=AliasChoices("number", "version"))
    file_name: str
    size_bytes: int
    sha256: str
    page_count: int | None
    status: IndexStatus
    error: str | None = Field(None, description="why indexing failed")
    indexed_at: datetime | None
    created_at: datetime


class VersionList(BaseModel):
    template_id: uuid.UUID
    versions: list[VersionPublic] = Field(description="newest first")


class FieldPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version_id: uuid.UUID
    name: str
    type: FieldType
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    required: bool
    binding: str | None
    source: FieldSource
    confidence: float | None
    revision: int = Field(
        validation_alias=AliasChoices("revision", "version"), description="the field's version: its ETag, for If-Match"
    )


class TemplateDetail(TemplatePublic):
    """A template with its latest version: the file, how indexing went, its pages and fields."""

    error: str | None = Field(None, description="why the latest version failed to index")
    page_count: int | None = None
    file_name: str
    size_bytes: int
    sha256: str
    indexed_at: datetime | None = None
    pages: list[PagePublic] = Field(default_factory=list)
    fields: list[FieldPublic] = Field(default_factory=list)


# -- fields ---------------------------------------------------------------------------------------


class _FieldShape(RecordInput):
    @field_validator("binding", check_fields=False)
    @classmethod
    def _known_binding(cls, value: str | None) -> str | None:
        return None if value is None else check_binding(value)


class FieldCreate(_FieldShape):
    name: str = Field(min_length=1, max_length=200)
    type: FieldType = "text"
    page: int = Field(ge=1)
    x0: float = Field(**_POINTS)
    y0: float = Field(**_POINTS)
    x1: float = Field(**_POINTS)
    y1: float = Field(**_POINTS)
    required: bool = False
    binding: str | None = Field(None, max_length=300, description="see GET /templates/bindings")

    @model_validator(mode="after")
    def _a_rectangle(self) -> FieldCreate:
        check_rectangle(self.x0, self.y0, self.x1, self.y1)
        return self


class FieldUpdate(_FieldShape):
    name: str | None = Field(None, min_length=1, max_length=200)
    type: FieldType | None = None
    page: int | None = Field(None, ge=1)
    x0: float | None = Field(None, **_POINTS)
    y0: float | None = Field(None, **_POINTS)
    x1: float | None = Field(None, **_POINTS)
    y1: float | None = Field(None, **_POINTS)
    required: bool | None = None
    binding: str | None = Field(None, max_length=300, description="null removes the binding")

    @model_validator(mode="after")
    def _no_nulls(self) -> FieldUpdate:
        nulls = [name for name in self.model_fields_set if name != "binding" and getattr(self, name) is None]
        if nulls:
            raise ValueError(f"{', '.join(sorted(nulls))} cannot be null")
        return self


class FieldQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(None, ge=1, description="the template version (default: the latest)")


def check_rectangle(x0: float, y0: float, x1: float, y1: float) -> None:
    if not (x0 < x1 and y0 < y1):
        raise ValueError("a field's rectangle needs x0 < x1 and y0 < y1")


class FieldList(BaseModel):
    template_id: uuid.UUID
    version: int
    fields: list[FieldPublic]


class BindingPublic(BaseModel):
    key: str
    label: str
    type: str = Field(description="the field type it suits best")


class BindingCatalogue(BaseModel):
    bindings: list[BindingPublic]
    fixed: str = Field(description="how a fixed value is written")


# -- recognition ----------------------------------------------------------------------------------

RECOGNIZABLE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/tiff")


class RunnerUpPublic(BaseModel):
    template_id: uuid.UUID
    confidence: float


class RecognizedPage(BaseModel):
    index: int = Field(description="0-based position of the page in the file")
    template_id: uuid.UUID | None = Field(description="null when the page is no known template's")
    template_version: int | None
    template_page: int | None
    rotation: int = Field(description="degrees the page is turned from upright (0, 90, 180, 270)")
    confidence: float
    runner_up: RunnerUpPublic | None


class Recognition(BaseModel):
    pages: list[RecognizedPage]
    template_pages: int = Field(description="how many indexed template pages the file was compared with")
