"""Batches: asking for documents (`create_batch`), watching them (`batch_detail`, `list_batches`), stopping
them (`cancel_batch`), and closing them when every generation is settled (`settle_batch`).

A batch and one pending Generation per account are written in the request's transaction, then the
generations go on the `generate` queue in chunks (shared_code/generation/worker.py makes them). The
rows come first: a chunk whose rows are not committed yet finds nothing, fails, and is retried.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.accounts.models import Account, Candidate
from shared_code.accounts.resources import CONTRACTS
from shared_code.core import names
from shared_code.core.audit import record_audit
from shared_code.core.errors import Conflict, InvalidInput, NotFound, Unavailable
from shared_code.core.resources import get_record
from shared_code.core.search import fetch_page
from shared_code.generation import schemas as s
from shared_code.generation.models import Batch, Generation
from shared_code.templates.models import TemplateVersion
from shared_code.templates.service import find_template, version_fields

log = logging.getLogger("pact.generation")

CHUNK_SIZE = 50  # generations per queue message: a few seconds of work, well inside a lease
SETTLED = ("generated", "failed", "cancelled")

Transaction = Callable[[], AbstractContextManager[tuple[object, Session]]]


def create_batch(app, transaction: Transaction, *, request: s.BatchCreate) -> s.BatchPublic:
    """Write the batch and its pending generations, then queue them in chunks of CHUNK_SIZE.

    400 for no accounts, more than MAX_ACCOUNTS, accounts the tenant lacks, or an override naming no
    field; 404 for a template or contract the tenant lacks; 409 for a version not indexed.
    """
    with transaction() as (_, session):
        batch, generation_ids = _write_batch(session, request)
        public = s.BatchPublic.model_validate(batch)
    try:
        for start in range(0, len(generation_ids), CHUNK_SIZE):
            chunk = [str(g) for g in generation_ids[start : start + CHUNK_SIZE]]
            app.queues.send(names.GENERATE_QUEUE, chunk_message(batch, chunk))
    except Exception as exc:  # the rows are committed: say so on the batch rather than leave it queued forever
        log.exception("batch %s could not be queued", batch.id)
        _fail_unqueued(app, batch, exc)
        raise Unavailable(
            f"batch {batch.id} was written but its work could not be queued: it is marked failed"
        ) from exc
    return public


def chunk_message(batch: Batch, generation_ids: list[str]) -> dict:
    return {"tenant_id": str(batch.tenant_id), "batch_id": str(batch.id), "generation_ids": generation_ids}


def _write_batch(session: Session, request: s.BatchCreate) -> tuple[Batch, list[uuid.UUID]]:
    template = find_template(session, request.template_id)
    version = _pinned_version(session, template.id, request.version)
    contract = get_record(session, CONTRACTS, request.contract_id)
    unknown = sorted(set(request.overrides) - {field.name for field in version_fields(session, version.id)})
    if unknown:
        raise InvalidInput(
            f"no field is named {unknown[0]!r}", details=[{"field": "overrides", "message": ", ".join(unknown)}]
        )
    accounts = _selected_accounts(session, contract.id, request)
    candidates = dict(
        session.execute(
            sa.select(Candidate.account_id, Candidate.id).where(
                Candidate.contract_id == contract.id, Candidate.deleted_at.is_(None)
            )
        ).all()
    )
    batch = Batch(
        template_id=template.id,
        template_version_id=version.id,
        template_version=version.number,
        contract_id=contract.id,
        delivery=request.delivery,
        flatten=request.flatten,
        overrides=request.overrides,
        total=len(accounts),
    )
    session.add(batch)
    session.flush()
    ids = [uuid.uuid4() for _ in accounts]
    # One statement for up to 10,000 rows; a bulk insert skips the flush, so the audit entry below names it.
    session.execute(
        sa.insert(Generation),
        [
            {
                "id": generation_id,
                "tenant_id": batch.tenant_id,
                "batch_id": batch.id,
                "template_version_id": version.id,
                "contract_id": contract.id,
                "account_id": account_id,
                "candidate_id": candidates.get(account_id),
                "position": position,
                "created_by": batch.created_by,
                "updated_by": batch.created_by,
            }
            for position, (generation_id, account_id) in enumerate(zip(ids, accounts, strict=True), start=1)
        ],
    )
    record_audit(
        session,
        action="batch.create",
        entity_type="Batch",
        entity_id=batch.id,
        changes={"generations": {"before": None, "after": len(ids)}},
    )
    return batch, ids


def _pinned_version(session: Session, template_id: uuid.UUID, number: int | None) -> TemplateVersion:
    query = sa.select(TemplateVersion).where(TemplateVersion.template_id == template_id)
    if number is None:  # the latest version that can be filled
        query = query.where(TemplateVersion.status == "indexed").order_by(TemplateVersion.number.desc()).limit(1)
        version = session.scalar(query)
        if version is None:
            raise Conflict("the template has no indexed version yet")
        return version
    version = session.scalar(query.where(TemplateVersion.number == number))
    if version is None:
        raise NotFound("no such template version")
    if version.status != "indexed":
        raise Conflict(f"version {number} is {version.status}, not indexed: it cannot be filled yet")
    return version


def _selected_accounts(session: Session, contract_id: uuid.UUID, request: s.BatchCreate) -> list[uuid.UUID]:
    if request.account_ids is not None:
        wanted = list(dict.fromkeys(request.account_ids))  # the order given, each account once
        _within_limit(len(wanted))
        found: set[uuid.UUID] = set()
        for start in range(0, len(wanted), 1000):  # bounded IN lists
            part = wanted[start : start + 1000]
            found |= set(
                session.scalars(sa.select(Account.id).where(Account.id.in_(part), Account.deleted_at.is_(None)))
            )
        missing = [str(a) for a in wanted if a not in found]
        if missing:
            raise InvalidInput(
                f"{len(missing)} account(s) do not exist",
                details=[{"field": "account_ids", "message": ", ".join(missing[:20])}],
            )
        return wanted
    selected = list(
        session.scalars(
            sa.select(Candidate.account_id)
            .join(Account, Account.id == Candidate.account_id)
            .where(
                Candidate.contract_id == contract_id,
                Candidate.status == request.candidates.status,
                Candidate.deleted_at.is_(None),
                Account.deleted_at.is_(None),
            )
            .order_by(Account.name, Account.id)
            .limit(s.MAX_ACCOUNTS + 1)
        )
    )
    _within_limit(len(selected))
    return selected


def _within_limit(count: int) -> None:
    if count == 0:
        raise InvalidInput("the batch selects no accounts", details=[{"field": "account_ids", "message": "none"}])
    if count > s.MAX_ACCOUNTS:
        raise InvalidInput(
            f"a batch holds at most {s.MAX_ACCOUNTS:,} accounts; split the selection into several batches",
            details=[{"field": "account_ids", "message": f"more than {s.MAX_ACCOUNTS}"}],
        )


def _fail_unqueued(app, batch: Batch, exc: Exception) -> None:
    with app.unit_of_work(tenant_id=batch.tenant_id) as uow:
        row = uow.session.get(Batch, batch.id)
        row.status, row.error = "failed", f"its work could not be queued: {type(exc).__name__}"[:1000]
        row.finished_at = datetime.now(UTC)
        _cancel_pending(uow.session, row.id)
        uow.commit()


# -- watching and stopping -----------------------------------------------------------------------


def batch_detail(session: Session, batch_id: uuid.UUID) -> s.BatchDetail:
    """The batch with live progress, its failures and every generation in print order."""
    batch = _find(session, batch_id)
    items = [
        s.GenerationItem(
            generation_id=g.id, **{k: getattr(g, k) for k in s.GenerationItem.model_fields if k != "generation_id"}
        )
        for g in session.scalars(
            sa.select(Generation).where(Generation.batch_id == batch.id).order_by(Generation.position)
        )
    ]
    counts = {status: sum(1 for i in items if i.status == status) for status in ("pending", *SETTLED)}
    progress = s.Progress(total=len(items), done=len(items) - counts["pending"], **counts)
    base = s.BatchPublic.model_validate(batch).model_dump()
    return s.BatchDetail(
        **base, progress=progress, failures=[i for i in items if i.status == "failed"], documents=items
    )


def list_batches(session: Session, query: s.BatchQuery) -> tuple[list[s.BatchPublic], int]:
    filters = query.model_dump(include={"status", "contract_id", "template_id"}, exclude_none=True)
    rows, total = fetch_page(
        session,
        Batch,
        query,
        sortable={"created_at": Batch.created_at, "status": Batch.status},  # each has its index
        default_sort="-created_at",
        conditions=[getattr(Batch, name) == value for name, value in filters.items()],
    )
    return [s.BatchPublic.model_validate(row) for row in rows], total


def cancel_batch(session: Session, batch_id: uuid.UUID) -> s.BatchPublic:
    """Stop a queued or running batch: its pending generations are cancelled (an item being made finishes)."""
    batch = _find(session, batch_id)
    if batch.status not in ("queued", "running"):
        raise Conflict(f"the batch is {batch.status}: only a queued or running batch can be cancelled")
    cancelled = _cancel_pending(session, batch.id)
    batch.status, batch.finished_at = "cancelled", datetime.now(UTC)
    record_audit(
        session,
        action="batch.cancel",
        entity_type="Batch",
        entity_id=batch.id,
        changes={"cancelled_generations": {"before": None, "after": cancelled}},
    )
    session.flush()
    return s.BatchPublic.model_validate(batch)


def _cancel_pending(session: Session, batch_id: uuid.UUID) -> int:
    result = session.execute(
        sa.update(Generation)
        .where(Generation.batch_id == batch_id, Generation.status == "pending")
        .values(status="cancelled", error="the batch was cancelled")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _find(session: Session, batch_id: uuid.UUID) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound("no such batch")
    return batch


# -- closing -------------------------------------------------------------------------------------


def settle_batch(session: Session, batch_id: uuid.UUID) -> Batch:
    """Refresh the batch's counts; when nothing is pending, close it (completed, or failed when no
    document was made). Candidates move to `sent` when the batch is released (release.py). Safe to repeat."""
    # Locked, then counted in later statements: two chunks settling at once see each other's work.
    batch = session.scalar(sa.select(Batch).where(Batch.id == batch_id).with_for_update())
    counts = dict(
        session.execute(
            sa.select(Generation.status, sa.func.count())
            .where(Generation.batch_id == batch_id)
            .group_by(Generation.status)
        ).all()
    )
    batch.done, batch.failed = counts.get("generated", 0), counts.get("failed", 0)
    if counts.get("pending", 0) or batch.status in ("completed", "failed", "cancelled"):
        return batch
    batch.status = "completed" if batch.done else "failed"
    batch.error = None if batch.done else "no document could be made: see the failed generations"
    batch.finished_at = datetime.now(UTC)
    return batch
