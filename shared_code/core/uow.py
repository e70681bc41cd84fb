"""The unit of work: one session, one transaction, scoped to a tenant and attributed to an actor.

Tenant scoping happens here, once, rather than in every query: with a tenant id set,
- every ORM SELECT (including `session.get`, relationship loads and joins) sees only that
  tenant's rows, and for `TenantOrSystem` tables the system rows too; every ORM UPDATE and
  DELETE touches only that tenant's rows;
- new tenant-owned objects without a tenant get this one;
- flushing a row of another tenant, or changing a system row, raises `CrossTenantWriteError`.
Raw SQL (`text()`, Core statements on tables) is not scoped: use the ORM entities.
Every flushed change of a tenant's records is also written to the audit trail, in the same
transaction (`shared_code.core.audit.watch`). After a commit, the tables it wrote get new stamps, so
remembered list totals over them are counted again (`shared_code.core.counts`).
"""

from __future__ import annotations

import uuid
from types import TracebackType
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from shared_code.core import audit
from shared_code.core.models import TenantOrSystem, TenantOwned, TenantRoot, Timestamped

if TYPE_CHECKING:
    from shared_code.core.counts import ListCounts


class CrossTenantWriteError(PermissionError):
    """A unit of work tried to write a row that belongs to another tenant (or to the system)."""


class UnitOfWork:
    """``with UnitOfWork(factory, tenant_id=t, actor_id=u) as uow: ...; uow.commit()``.

    Leaving the block without `commit()`, or by an exception, rolls back.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        tenant_id: uuid.UUID | None = None,
        actor_id: uuid.UUID | None = None,
        counts: ListCounts | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.tenant_id = tenant_id
        self.actor_id = actor_id
        self._counts = counts
        self._written: set[str] = set()
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        session = self._session_factory()
        session.info.update(tenant_id=self.tenant_id, actor_id=self.actor_id)
        event.listen(session, "before_flush", self._before_flush)
        audit.watch(session)  # after the tenant checks above: it records what they let through
        if self.tenant_id is not None:
            event.listen(session, "do_orm_execute", self._scope_statement)
            event.listen(session, "transient_to_pending", self._claim_new)
        if self._counts is not None:
            session.info["list_counts"] = self._counts
            event.listen(session, "do_orm_execute", self._note_statement_writes)
            event.listen(session, "after_commit", self._stamp_written_tables)
            event.listen(session, "after_rollback", lambda _session: self._written.clear())
        self._session = session
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is not None:
                self.session.rollback()
        finally:
            # close() rolls back whatever was not committed. It detaches the objects without
            # expiring them, so what was loaded stays readable after the block.
            self.session.close()
            self._session = None

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    # -- tenant scoping and attribution -------------------------------------------------------

    def _scope_statement(self, state: ORMExecuteState) -> None:
        if state.is_column_load or not (state.is_select or state.is_update or state.is_delete):
            return
        writes = state.is_update or state.is_delete
        state.statement = state.statement.options(*_tenant_criteria(self.tenant_id, writes=writes))

    def _note_statement_writes(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            if isinstance(table, sa.Table):
                self._written.add(table.fullname)

    def _stamp_written_tables(self, _session: Session) -> None:
        if self._written and self._counts is not None:
            self._counts.tables_changed(sorted(self._written), tenant_id=self.tenant_id)
        self._written.clear()

    def _claim_new(self, session: Session, obj: Any) -> None:
        if isinstance(obj, TenantOwned | TenantOrSystem) and obj.tenant_id is None:
            obj.tenant_id = self.tenant_id

    def _before_flush(self, session: Session, _context: Any, _instances: Any) -> None:
        if self._counts is not None:
            from shared_code.core.counts import written_tables

            self._written |= written_tables(session)
        for obj in session.new:
            if self.tenant_id is not None:
                self._claim_new(session, obj)
            if isinstance(obj, Timestamped):
                obj.created_by = obj.created_by or self.actor_id
                obj.updated_by = obj.updated_by or self.actor_id
        changed = [obj for obj in session.dirty if session.is_modified(obj)]
        for obj in changed:
            if isinstance(obj, Timestamped) and self.actor_id is not None:
                obj.updated_by = self.actor_id
        if self.tenant_id is not None:
            for obj in (*session.new, *changed, *session.deleted):
                owner = _owner(obj)
                if owner is not _UNOWNED and owner != self.tenant_id:
                    raise CrossTenantWriteError(
                        f"{type(obj).__name__} {getattr(obj, 'id', '')} belongs to "
                        f"{'the system' if owner is None else f'tenant {owner}'}, not to tenant {self.tenant_id}"
                    )


_UNOWNED = object()


def _owner(obj: Any) -> Any:
    if isinstance(obj, TenantOwned | TenantOrSystem):
        return obj.tenant_id
    if isinstance(obj, TenantRoot):
        return obj.id
    return _UNOWNED


def _tenant_criteria(tenant_id: uuid.UUID | None, *, writes: bool) -> tuple[Any, ...]:
    # The lambdas close over tenant_id; SQLAlchemy turns it into a bound parameter, so the
    # compiled statement is cached once for all tenants. System rows are read, never written.
    if writes:
        shared = with_loader_criteria(TenantOrSystem, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)
    else:
        shared = with_loader_criteria(
            TenantOrSystem,
            lambda cls: sa.or_(cls.tenant_id == tenant_id, cls.tenant_id.is_(None)),
            include_aliases=True,
        )
    return (
        with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True),
        shared,
        with_loader_criteria(TenantRoot, lambda cls: cls.id == tenant_id, include_aliases=True),
    )
