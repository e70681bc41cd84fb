"""Releasing a completed batch: the documents are out of PACT's hands (printed and mailed), so the batch's
candidates that got a document move to `sent`. Once per batch; who and when are in the audit trail.

Until the Batch status `released` exists (it needs CK_Batch_status widened, docs/GENERATION.md), the
`batch.release` audit entry is the record that a batch was released: it is written in the same
transaction as the candidates' move, under the batch's row lock, so a second release finds it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.accounts.models import Candidate
from shared_code.core.audit import AuditLog, record_audit
from shared_code.core.errors import Conflict, NotFound
from shared_code.generation.models import Batch, Generation
from shared_code.generation.schemas import ReleasePublic

RELEASE_ACTION = "batch.release"
# Candidates a sent document moves on; later ones (returned, activated...) are not moved back.
_SENDABLE = ("eligible", "invited")


def release_batch(session: Session, batch_id: uuid.UUID) -> ReleasePublic:
    """Release a completed batch: its candidates with a document move to `sent` (dated now). 409 for a
    batch that is not completed or is released already."""
    batch = session.scalar(sa.select(Batch).where(Batch.id == batch_id).with_for_update())
    if batch is None:
        raise NotFound("no such batch")
    if batch.status != "completed":
        raise Conflict(f"the batch is {batch.status}: only a completed batch can be released")
    earlier = _release_entry(session, batch.id)
    if earlier is not None:
        raise Conflict(f"the batch was released already, at {earlier.occurred_at:%Y-%m-%d %H:%M} UTC")
    now = datetime.now(UTC)
    sent = mark_candidates_sent(session, batch.id, now)
    entry = record_audit(
        session,
        action=RELEASE_ACTION,
        entity_type="Batch",
        entity_id=batch.id,
        changes={
            "released_at": {"before": None, "after": now.isoformat()},
            "candidates_sent": {"before": None, "after": sent},
        },
    )
    session.flush()
    return ReleasePublic(batch_id=batch.id, released_at=now, released_by=entry.actor_id, candidates_sent=sent)


def mark_candidates_sent(session: Session, batch_id: uuid.UUID, when: datetime) -> int:
    """Move the batch's candidates that got a document and are still eligible or invited to `sent`."""
    got_one = (
        sa.select(Generation.candidate_id)
        .where(Generation.batch_id == batch_id, Generation.status == "generated")
        .where(Generation.candidate_id.is_not(None))
    )
    moved = 0
    for candidate in session.scalars(
        sa.select(Candidate).where(Candidate.id.in_(got_one), Candidate.status.in_(_SENDABLE))
    ):
        candidate.status, candidate.sent_at = "sent", when  # one audited update each
        moved += 1
    return moved


def _release_entry(session: Session, batch_id: uuid.UUID) -> AuditLog | None:
    return session.scalar(
        sa.select(AuditLog)
        .where(AuditLog.entity_type == "Batch", AuditLog.entity_id == str(batch_id), AuditLog.action == RELEASE_ACTION)
        .limit(1)
    )
