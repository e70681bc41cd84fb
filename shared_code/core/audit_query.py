"""Reading the audit trail: filtered, paged lists and a CSV export, for the caller's tenant only.

There is no way to change or remove an entry here (or anywhere in the API): the trail is read-only
to everyone, administrators included.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from shared_code.core.audit import ACTOR_TYPES, AuditLog
from shared_code.core.csv_stream import csv_chunks
from shared_code.core.errors import Unprocessable
from shared_code.core.http.params import ListQuery, UtcDateTime
from shared_code.core.search import contains_any, fetch_page

EXPORT_MAX_ROWS = 100_000  # an export larger than this asks for a narrower period instead
_BATCH = 500
_SORTABLE = {
    "occurred_at": AuditLog.occurred_at,
    "action": AuditLog.action,
    "entity_type": AuditLog.entity_type,
    "actor_type": AuditLog.actor_type,
}
CSV_COLUMNS = (
    "occurred_at",
    "action",
    "entity_type",
    "entity_id",
    "actor_type",
    "actor_id",
    "correlation_id",
    "ip",
    "changes",
)


class AuditFilter(BaseModel):
    """The filters of the list and of the export. `from` is inclusive, `to` exclusive."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    action: str | None = Field(None, max_length=100, description="exact action, e.g. user.update")
    entity_type: str | None = Field(None, max_length=100, description="e.g. User, Role, ApiKey, Tenant")
    entity_id: str | None = Field(None, max_length=100)
    actor_id: uuid.UUID | None = None
    actor_type: str | None = Field(None, pattern=f"^({'|'.join(ACTOR_TYPES)})$")
    occurred_from: UtcDateTime | None = Field(
        None, alias="from", description="from this time (inclusive; UTC if no zone)"
    )
    occurred_to: UtcDateTime | None = Field(None, alias="to", description="until this time (exclusive; UTC if no zone)")


class AuditQuery(ListQuery, AuditFilter):
    """Paging, `sort` (default `-occurred_at`), `q` (in action, entity type and id) and the filters."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class AuditEntryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    occurred_at: datetime
    actor_type: str
    actor_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: str | None
    changes: dict[str, Any] | None
    correlation_id: str | None
    ip: str | None


def list_audit_entries(session: Session, query: AuditQuery) -> tuple[list[AuditEntryPublic], int]:
    """One page of the session's tenant's entries, newest first unless sorted otherwise, and the total."""
    rows, total = fetch_page(
        session,
        AuditLog,
        query,
        sortable=_SORTABLE,
        default_sort="-occurred_at",
        conditions=_conditions(query, search=query.q),
    )
    return [AuditEntryPublic.model_validate(row) for row in rows], total


def export_audit_csv(session: Session, filters: AuditFilter) -> Iterator[bytes]:
    """The filtered entries as CSV (UTF-8, header first, oldest first), produced batch by batch.

    Refuses (422) more than EXPORT_MAX_ROWS entries. Cells that a spreadsheet would run as a
    formula are prefixed with an apostrophe.
    """
    conditions = _conditions(filters)
    total = session.scalar(sa.select(sa.func.count(AuditLog.id)).where(*conditions)) or 0
    if total > EXPORT_MAX_ROWS:
        raise Unprocessable(
            f"the export would hold {total} entries, more than {EXPORT_MAX_ROWS}: narrow the filters or the period"
        )
    return _csv_chunks(session, conditions)


def _csv_chunks(session: Session, conditions: list[Any]) -> Iterator[bytes]:
    statement = sa.select(AuditLog).where(*conditions).order_by(AuditLog.occurred_at, AuditLog.id)
    rows = session.scalars(statement.execution_options(yield_per=_BATCH))
    return csv_chunks(CSV_COLUMNS, (_csv_row(row) for row in rows))


def _csv_row(row: AuditLog) -> tuple[Any, ...]:
    changes = json.dumps(row.changes, sort_keys=True, ensure_ascii=False) if row.changes is not None else ""
    return (
        row.occurred_at.isoformat(),
        row.action,
        row.entity_type,
        row.entity_id,
        row.actor_type,
        row.actor_id,
        row.correlation_id,
        row.ip,
        changes,
    )


def _conditions(filters: AuditFilter, *, search: str | None = None) -> list[Any]:
    conditions: list[Any] = []
    for name in ("action", "entity_type", "entity_id", "actor_id", "actor_type"):
        value = getattr(filters, name)
        if value is not None:
            conditions.append(getattr(AuditLog, name) == value)
    if filters.occurred_from is not None:
        conditions.append(AuditLog.occurred_at >= filters.occurred_from)
    if filters.occurred_to is not None:
        conditions.append(AuditLog.occurred_at < filters.occurred_to)
    if search:
        conditions.append(contains_any((AuditLog.action, AuditLog.entity_type, AuditLog.entity_id), search))
    return conditions
