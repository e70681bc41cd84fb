"""A document's status moves only along the lifecycle (`models.DOCUMENT_TRANSITIONS`), through one use
case for people and the system alike, and every move is recorded in the audit trail with who (the unit
of work's actor, or the system), when and why. A document's status history is read back from there.

The reason rides in the move's own audit entry (`document.status_changed`, next to the status's before
and after), so the trail that already says who and when also says why: no table of its own.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import Session

from shared_code.core.audit import AuditLog, record_audit
from shared_code.core.errors import InvalidInput
from shared_code.core.resources import get_record, update_record
from shared_code.documents import schemas as s
from shared_code.documents.models import Document
from shared_code.documents.resources import DOCUMENTS

STATUS_CHANGED = "document.status_changed"
_ENTITY = "Document"


class _NewStatus(BaseModel):
    status: str


def change_status(
    session: Session, document_id: uuid.UUID, status: str, *, reason: str, if_match: str | None = None
) -> Document:
    """Move the live document to `status` for `reason`: 409 when the lifecycle does not allow the move,
    412 when `if_match` is stale. Asking for the status it already has changes nothing (a retried step
    is harmless) and records nothing."""
    reason = reason.strip()
    if not reason or len(reason) > s.REASON_MAX_LENGTH:
        raise InvalidInput("a status change needs a reason", details=[{"field": "reason", "message": "required"}])
    document = get_record(session, DOCUMENTS, document_id)
    if document.status == status:
        return update_record(session, DOCUMENTS, document_id, _NewStatus(status=status), if_match=if_match)
    # Named before the flush, the entry takes the status's before/after from it (shared_code/core/audit.py).
    entry = record_audit(
        session, action=STATUS_CHANGED, entity_type=_ENTITY, entity_id=document.id, changes={"reason": reason}
    )
    try:
        return update_record(session, DOCUMENTS, document_id, _NewStatus(status=status), if_match=if_match)
    except Exception:
        if entry in session:  # a refused move leaves no entry behind for a caller that carries on
            session.expunge(entry)
        raise


def note_first_status(session: Session, document_id: uuid.UUID, *, reason: str) -> None:
    """Say why a document about to be created starts in its status; call before the row is flushed
    (its create entry then carries the reason)."""
    record_audit(
        session, action="document.create", entity_type=_ENTITY, entity_id=document_id, changes={"reason": reason}
    )


def status_history(session: Session, document_id: uuid.UUID) -> s.StatusHistory:
    """Every status the document has had, oldest first, with who moved it, when and why (a deleted
    document's history too)."""
    document = get_record(session, DOCUMENTS, document_id, deleted=True)
    entries = session.scalars(
        sa.select(AuditLog)
        .where(AuditLog.entity_type == _ENTITY, AuditLog.entity_id == str(document.id))
        .order_by(AuditLog.occurred_at)
    ).all()
    moves = [e for e in entries if isinstance(e.changes, dict) and _status_after(e) is not None]
    # Entries of one transaction share a time on PostgreSQL: the first status comes first.
    moves.sort(key=lambda e: (e.occurred_at, e.changes["status"].get("before") is not None))
    names = _actor_names(session, {e.actor_id for e in moves if e.actor_id is not None})
    return s.StatusHistory(
        document_id=document.id,
        status=document.status,
        changes=[
            s.StatusChangePublic(
                occurred_at=e.occurred_at,
                from_status=e.changes["status"].get("before"),
                to_status=_status_after(e),
                reason=e.changes.get("reason"),
                actor_type=e.actor_type,
                actor_id=e.actor_id,
                actor_name=names.get(e.actor_id),
            )
            for e in moves
        ],
    )


def _status_after(entry: AuditLog) -> str | None:
    status = entry.changes.get("status") if entry.changes else None
    return status.get("after") if isinstance(status, dict) else None


def _actor_names(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Display names of the users and names of the API keys among `ids` (the tenant's: the session is scoped)."""
    from shared_code.auth.models import ApiKey, User

    if not ids:
        return {}
    users = session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids)))
    keys = session.execute(sa.select(ApiKey.id, ApiKey.name).where(ApiKey.id.in_(ids)))
    return {actor_id: name for actor_id, name in (*users, *keys)}
