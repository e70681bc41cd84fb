"""The API shapes every record resource shares: strict input, the public envelope fields, list filters."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared_code.core.http.params import IsoDate, ListQuery


class RecordInput(BaseModel):
    """A create or update body: unknown fields are refused, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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
