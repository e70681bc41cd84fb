"""List parameters shared by every list route: paging, sort, search. Resources add their own filters."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared_code.core.errors import InvalidInput

MAX_PAGE_SIZE = 200


class ListQuery(BaseModel):
    """`page`, `page_size` (max 200), `sort` (comma-separated, `-field` for descending) and `q`.

    A resource subclasses it with its filters (e.g. `status: Status | None = None`).
    """

    model_config = ConfigDict(extra="forbid")

    page: int = Field(1, ge=1, description="1-based page number")
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
