"""What list routes share: free-text search (`q`), ordering (`sort`) and fetching one page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.core.http.params import ListQuery


def contains_any(columns: tuple[Any, ...], text: str) -> sa.ColumnElement[bool]:
    """True where any of `columns` contains `text`, ignoring case; `%` and `_` in it match themselves."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(*(sa.func.lower(column).like(f"%{escaped}%", escape="\\") for column in columns))


def ordering(query: ListQuery, columns: Mapping[str, Any], default: str) -> list[Any]:
    """ORDER BY clauses for a list query's `sort` (by the names in `columns`; 400 for others)."""
    keys = query.sort_keys(columns, default)
    return [columns[name].desc() if descending else columns[name].asc() for name, descending in keys]


def fetch_page(
    session: Session,
    entity: Any,
    query: ListQuery,
    *,
    sortable: Mapping[str, Any],
    default_sort: str,
    conditions: Iterable[Any] = (),
    options: Iterable[Any] = (),
) -> tuple[list[Any], int]:
    """One page of `entity` rows matching `conditions`, in the query's `sort` (then by id, so pages
    never overlap or skip a row), and how many match in all."""
    order = ordering(query, sortable, default_sort)
    conditions = list(conditions)
    total = session.scalar(sa.select(sa.func.count(entity.id)).where(*conditions)) or 0
    statement = sa.select(entity).options(*options).where(*conditions).order_by(*order, entity.id)
    return list(session.scalars(statement.offset(query.offset).limit(query.page_size))), total
