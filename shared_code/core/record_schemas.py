"""The API shapes every record resource shares: strict input, the public envelope fields, list filters."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from annotated_types import MaxLen
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from shared_code.core.http.params import IsoDate, ListQuery


class RecordInput(BaseModel):
    """A create or update body: unknown fields are refused, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _length_as_sent(cls, value: Any, info: ValidationInfo) -> Any:
        # Trimming comes before pydantic's length check; the schema promises the limit for the text
        # as sent, so 201 characters are refused even when one of them is a space trimmed away.
        field = cls.model_fields[info.field_name]
        limit = next((m.max_length for m in field.metadata if isinstance(m, MaxLen)), None)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            raise PydanticCustomError("string_too_long", "should have at most {limit} characters", {"limit": limit})
        return value


class RecordPublic(BaseModel):
    """What every record shows: its id, version (the ETag) and life times."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


class RecordQuery(ListQuery):
    """Paging, sort and `q`, plus what every record can be filtered by."""

    deleted: bool = Field(False, description="list deleted records instead of live ones")
    created_at_from: IsoDate | None = None
    created_at_to: IsoDate | None = None
