"""What list routes share: free-text search (`q`), ordering (`sort`) and fetching one page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.core.http.params import ListQuery

# Up to this many matches, a search collects its matches before sorting them (see `fetch_page`).
FEW_MATCHES = 3000


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
    match_first: bool = False,
) -> tuple[list[Any], int]:
    """One page of `entity` rows matching `conditions`, in the query's `sort` (then by id, so pages
    never overlap or skip a row), and how many match in all.

    The total costs a count only when the page does not tell it (a short page is the last one), and
    then is taken from the remembered totals when the unit of work has them (`core.counts`).

    `match_first` (for a `q` search) counts first, and when the matches are few, finds them before
    sorting them. Otherwise PostgreSQL, which cannot tell how rare a `LIKE '%term%'` is, may walk the
    sort's index testing row after row until it has a page: quick when matches are dense, seconds on
    a large table for a rare term, which the trigram indexes find in a millisecond. A MATERIALIZED
    CTE is PostgreSQL's documented way to fix that order; the count (remembered, see `_total`) says
    which case this is.
    """
    order = ordering(query, sortable, default_sort)
    conditions = list(conditions)
    statement = sa.select(entity).options(*options).order_by(*order, entity.id)
    total = None
    if match_first:
        total = _total(session, sa.select(sa.func.count(entity.id)).where(*conditions))
        if total <= query.offset:
            return [], total
    if total is not None and total <= FEW_MATCHES:
        matched = sa.select(entity.id).where(*conditions).cte("matched")
        matched = matched.prefix_with("MATERIALIZED", dialect="postgresql")
        statement = statement.where(entity.id.in_(sa.select(matched.c.id)))
    else:
        statement = statement.where(*conditions)
    rows = list(session.scalars(statement.offset(query.offset).limit(query.page_size)))
    if total is not None:
        return rows, total
    if len(rows) < query.page_size and (rows or query.offset == 0):  # the last page, not past it
        return rows, query.offset + len(rows)
    return rows, _total(session, sa.select(sa.func.count(entity.id)).where(*conditions))


def _total(session: Session, count: sa.Select) -> int:
    counts = session.info.get("list_counts")
    if counts is None:
        return session.scalar(count) or 0
    return counts.total(session, count, tenant_id=session.info.get("tenant_id"))
