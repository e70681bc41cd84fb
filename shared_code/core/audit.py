"""The audit trail: who did what to which record, written in the same transaction as the change."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared_code.core.context import current_correlation_id
from shared_code.core.models import Base, TenantOwned, UUIDPrimaryKey, check_one_of, utcnow

ACTOR_TYPES = ("user", "api_key", "system")


class AuditLog(UUIDPrimaryKey, TenantOwned, Base):
    """One audited action. Rows are only ever added. Platform events (no tenant) have no tenant id."""

    __tablename__ = "AuditLog"
    __table_args__ = (
        sa.Index(None, "tenantId", "occurredAt"),
        sa.Index(None, "entityType", "entityId"),
        check_one_of("actorType", ACTOR_TYPES),
        {"schema": "core"},
    )

    # Nullable, unlike other tenant-owned rows; the (tenantId, occurredAt) index serves lookups by tenant.
    tenant_id: Mapped[uuid.UUID | None] = mapped_column("tenantId", sa.ForeignKey("core.Tenant.id"), sort_order=-90)
    occurred_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    actor_type: Mapped[str] = mapped_column(sa.Unicode(20))
    actor_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(sa.Unicode(100))
    entity_type: Mapped[str] = mapped_column(sa.Unicode(100))
    entity_id: Mapped[str | None] = mapped_column(sa.Unicode(100))
    changes: Mapped[dict[str, Any] | None]
    correlation_id: Mapped[str | None] = mapped_column(sa.Unicode(64))
    ip: Mapped[str | None] = mapped_column(sa.Unicode(45))  # long enough for IPv6


def record_audit(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: object | None = None,
    changes: dict[str, Any] | None = None,
    actor_type: str | None = None,
    actor_id: uuid.UUID | None = None,
    tenant_id: uuid.UUID | None = None,
    correlation_id: str | None = None,
    ip: str | None = None,
) -> AuditLog:
    """Add an audit row to `session` (committed, or rolled back, with the caller's change).

    Actor and tenant default to those of the unit of work that owns the session (without an
    actor the entry is the system's), the correlation id to the current operation's.
    """
    actor_id = actor_id if actor_id is not None else session.info.get("actor_id")
    if actor_type is None:
        actor_type = "user" if actor_id is not None else "system"
    entry = AuditLog(
        tenant_id=tenant_id if tenant_id is not None else session.info.get("tenant_id"),
        actor_type=actor_type,
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        changes=changes,
        correlation_id=correlation_id or current_correlation_id(),
        ip=ip,
    )
    session.add(entry)
    return entry
