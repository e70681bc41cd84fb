"""List parameters shared by every list route: paging, sort, search. Resources add their own filters."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from shared_code.core.errors import InvalidInput

MAX_PAGE_SIZE = 200
MAX_PAGE = 10_000_000  # keeps the offset (page times page_size) within every database's integer range


def _to_utc(value: datetime) -> datetime:
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+14:00, which has no UTC time
        raise ValueError("the time is out of range") from None


# A time given to the API: without a zone it is UTC; with one it is converted to UTC (400 if it cannot be).
UtcDateTime = Annotated[datetime, AfterValidator(_to_utc)]


def _iso_date(value: Any) -> Any:
    # pydantic would also read a number, or a numeric string such as "0", as a Unix time (1970-01-01):
    # the API describes its dates as `format: date`, so it takes YYYY-MM-DD only.
    if isinstance(value, int | float) or (isinstance(value, str) and not _ISO_DATE.fullmatch(value)):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A date given to the API (a query filter or a field of a body).
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class ListQuery(BaseModel):
    """`page`, `page_size` (max 200), `sort` (comma-separated, `-field` for descending) and `q`.

    A resource subclasses it with its filters (e.g. `status: Status | None = None`).
    """

    model_config = ConfigDict(extra="forbid")

    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="items per page (max 200)")
    sort: str | None = Field(None, max_length=200, description="fields to sort by; prefix '-' for descending")
    q: str | None = Field(None, max_length=200, description="free-text search")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def sort_keys(self, allowed: Collection[str], default: str | None = None) -> list[tuple[str, bool]]:
        """`[(field, descending)]`, refusing fields the resource does not sort by."""
        spec = self.sort or default
        if not spec:
            return []
        keys = []
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            descending = part.startswith("-")
            name = part.lstrip("-+")
            if name not in allowed:
                raise InvalidInput(
                    f"cannot sort by '{name}'",
                    details=[{"field": "sort", "message": f"allowed: {', '.join(sorted(allowed))}"}],
                )
            keys.append((name, descending))
        return keys


def page_meta(query: ListQuery, total: int) -> dict[str, Any]:
    return {"page": query.page, "page_size": query.page_size, "total": total}
