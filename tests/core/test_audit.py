"""The audit trail: rows added in the caller's transaction, attributed to the unit of work's actor."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from shared_code.auth.models import Tenant
from shared_code.core.audit import AuditLog, record_audit
from shared_code.core.context import correlation_scope
from shared_code.core.uow import UnitOfWork
from tests.support.database import unique


def _tenant(factory) -> uuid.UUID:
    with UnitOfWork(factory) as uow:
        tenant = Tenant(slug=unique("audit"), name="Audit", settings={})
        uow.session.add(tenant)
        uow.commit()
        return tenant.id


def _entries(factory, entity_id: str) -> list[AuditLog]:
    with UnitOfWork(factory) as uow:
        return uow.session.scalars(sa.select(AuditLog).where(AuditLog.entity_id == entity_id)).all()


def test_an_entry_takes_tenant_actor_and_correlation_from_its_context(session_factory) -> None:
    tenant_id, actor, entity = _tenant(session_factory), uuid.uuid4(), uuid.uuid4()
    with correlation_scope("req-42"), UnitOfWork(session_factory, tenant_id=tenant_id, actor_id=actor) as uow:
        record_audit(
            uow.session, action="user.update", entity_type="User", entity_id=entity, changes={"name": ["a", "b"]}
        )
        uow.commit()
    [entry] = _entries(session_factory, str(entity))
    assert (entry.tenant_id, entry.actor_type, entry.actor_id) == (tenant_id, "user", actor)
    assert (entry.action, entry.entity_type, entry.changes) == ("user.update", "User", {"name": ["a", "b"]})
    assert entry.correlation_id == "req-42"
    assert entry.occurred_at.tzinfo is not None


def test_an_entry_without_an_actor_is_the_systems(session_factory) -> None:
    entity = str(uuid.uuid4())
    with UnitOfWork(session_factory) as uow:
        record_audit(uow.session, action="tenant.purge", entity_type="Tenant", entity_id=entity, ip="2001:db8::1")
        uow.commit()
    [entry] = _entries(session_factory, entity)
    assert (entry.tenant_id, entry.actor_type, entry.actor_id, entry.ip) == (None, "system", None, "2001:db8::1")


def test_an_entry_is_rolled_back_with_the_change_it_records(session_factory) -> None:
    entity = str(uuid.uuid4())
    with UnitOfWork(session_factory) as uow:
        record_audit(uow.session, action="user.delete", entity_type="User", entity_id=entity)
        uow.session.flush()
    assert _entries(session_factory, entity) == []


def test_the_audit_table_is_indexed_for_its_lookups() -> None:
    indexes = {tuple(c.name for c in index.columns) for index in AuditLog.__table__.indexes}
    assert {("tenantId", "occurredAt"), ("entityType", "entityId")} <= indexes
