"""List totals remembered until their tables change.

Every list answers with how many rows match in all. Fetching a page of 50 rows uses an index and
costs well under a millisecond; counting 100,000 matching rows costs a scan (15 ms on PostgreSQL),
on every page of every list. So a total is remembered in the shared cache (Redis), keyed by the
tenant and the exact count statement, next to the *stamps* of the tables it reads. A unit of work
that commits writes to a table gives it a new stamp, so the next list counts again: totals are exact
for everything written through the unit of work. Writes that bypass it (a bulk load with COPY, a
DBA's SQL) show once the entry expires. The cache failing never fails a list: it counts instead.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import find_tables

from shared_code.core.cache import KeyValueStore
from shared_code.core.errors import Unavailable

log = logging.getLogger(__name__)

_NO_STAMP = "-"
_ANY_TENANT = "*"


class ListCounts:
    def __init__(self, store: KeyValueStore, *, ttl_seconds: int) -> None:
        self._store = store
        self._ttl = ttl_seconds

    def total(self, session: Session, statement: sa.Select, *, tenant_id: uuid.UUID | None) -> int:
        """The scalar result of `statement` (a count), from the cache while its tables are unchanged."""
        tenant = str(tenant_id or _ANY_TENANT)
        stamp_keys = [key for table in _tables_of(statement) for key in _stamp_keys(table, tenant)]
        entry_key = f"counts:entry:{tenant}:{_statement_digest(session, statement)}"
        try:
            *stamps, entry = self._store.get_many([*stamp_keys, entry_key])
        except Unavailable:
            return _count(session, statement)
        # Read before counting: a write that commits while we count changes a stamp, so what we
        # store below is already stale by its stamps and the next reader counts again.
        seen = ",".join((stamp or b"").decode() or _NO_STAMP for stamp in stamps)
        if entry is not None:
            remembered_stamps, _, value = entry.decode().rpartition("|")
            if remembered_stamps == seen:
                return int(value)
        value = _count(session, statement)
        try:
            self._store.set(entry_key, f"{seen}|{value}", ttl_seconds=self._ttl)
        except Unavailable:
            pass
        return value

    def tables_changed(self, tables: Iterable[str], *, tenant_id: uuid.UUID | None) -> None:
        """After a commit: totals over `tables` (one tenant's, or every tenant's) are stale."""
        tenant = str(tenant_id or _ANY_TENANT)
        for table in tables:
            try:
                # A fresh random stamp, never a counter: a value can never come back and revive an
                # old entry. It outlives every entry stored under it, so expiring only invalidates.
                self._store.set(_stamp_keys(table, tenant)[-1], uuid.uuid4().hex, ttl_seconds=2 * self._ttl)
            except Unavailable:
                log.warning("list totals of %s may be stale for up to %d s: the cache is unavailable", table, self._ttl)


def _stamp_keys(table: str, tenant: str) -> list[str]:
    # A tenant's totals depend on its own writes and on tenant-less units of work (system jobs).
    keys = [f"counts:stamp:{table}:{_ANY_TENANT}"]
    if tenant != _ANY_TENANT:
        keys.append(f"counts:stamp:{table}:{tenant}")
    return keys


def _tables_of(statement: sa.Select) -> list[str]:
    found = find_tables(statement, check_columns=True, include_joins=True, include_selects=True, include_aliases=True)
    return sorted({table.fullname for table in found if isinstance(table, sa.Table)})


def _statement_digest(session: Session, statement: sa.Select) -> str:
    compiled = statement.compile(dialect=session.get_bind().dialect)
    params = sorted((name, repr(value)) for name, value in compiled.params.items())
    return hashlib.sha256(f"{compiled}\n{params}".encode()).hexdigest()[:32]


def _count(session: Session, statement: sa.Select) -> int:
    return session.scalar(statement) or 0


def written_tables(session: Session) -> set[str]:
    """The tables this session's pending flush writes to (new, changed and deleted objects)."""
    objects: list[Any] = [*session.new, *session.dirty, *session.deleted]
    return {table.fullname for obj in objects for table in _mapped_tables(obj)}


def _mapped_tables(obj: Any) -> list[sa.Table]:
    mapper = sa.inspect(obj).mapper
    return [table for table in mapper.tables if isinstance(table, sa.Table)]
