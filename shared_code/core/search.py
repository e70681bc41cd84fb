"""What list routes share beyond paging: free-text search (`q`) and ordering (`sort`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from shared_code.core.http.params import ListQuery


def contains_any(columns: tuple[Any, ...], text: str) -> sa.ColumnElement[bool]:
    """True where any of `columns` contains `text`, ignoring case; `%` and `_` in it match themselves."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(*(sa.func.lower(column).like(f"%{escaped}%", escape="\\") for column in columns))


def ordering(query: ListQuery, columns: Mapping[str, Any], default: str) -> list[Any]:
    """ORDER BY clauses for a list query's `sort` (by the names in `columns`; 400 for others)."""
    keys = query.sort_keys(columns, default)
    return [columns[name].desc() if descending else columns[name].asc() for name, descending in keys]
