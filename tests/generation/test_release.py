"""Releasing a batch through the API: its candidates that got a document move to `sent` once, with the date;
a second release, or a batch that is not completed, is refused; who released it is in the audit trail."""

from __future__ import annotations

import sqlalchemy as sa

from shared_code.accounts.models import Candidate
from shared_code.core.audit import AuditLog
from tests.generation.conftest import take_messages, work_queue
from tests.support.api import caller


def _completed(world, manager, *names) -> dict:
    body = {
        "template_id": world.template_id,
        "contract_id": str(world.contract_id),
        "account_ids": [str(world.accounts[name]) for name in names],
    }
    batch = manager.post("/batches", body).data
    work_queue(world.app, batch["id"])
    return manager.get(f"/batches/{batch['id']}").data


def _candidates(world) -> dict:
    with world.app.unit_of_work(tenant_id=world.tenant.id) as uow:
        return {
            name: (c.status, c.sent_at)
            for name, cid in world.candidates.items()
            for c in [uow.session.get(Candidate, cid)]
        }


def _audit(world, action: str) -> list[AuditLog]:
    with world.app.unit_of_work(tenant_id=world.tenant.id) as uow:
        return list(uow.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)))


def test_release_moves_the_candidates_that_got_a_document_to_sent_exactly_once(world, manager, tenant):
    # Cedar and Harbor eligible, Ivy invited, Larch returned (further along); Juniper's document fails
    batch = _completed(world, manager, "Cedar Clinic", "Ivy Pharmacy", "Juniper Care", "Larch Labs", "Harbor Hospital")
    assert (batch["status"], batch["progress"]["failed"]) == ("completed", 1)
    updates_before = len(_audit(world, "candidate.update"))

    reply = manager.post(f"/batches/{batch['id']}/release")
    assert reply.status == 200, reply.body
    assert reply.data["candidates_sent"] == 3
    assert reply.data["released_by"] == str(tenant.users["Manager"].id)
    after = _candidates(world)
    for name in ("Cedar Clinic", "Ivy Pharmacy", "Harbor Hospital"):
        assert after[name][0] == "sent" and after[name][1] is not None, name
    assert after["Juniper Care"] == ("eligible", None)  # its document failed: nothing was sent
    assert after["Larch Labs"][0] == "returned"  # never moved back
    assert after["Kestrel Health"][0] == "eligible"  # not in the batch
    assert len(_audit(world, "candidate.update")) == updates_before + 3
    (entry,) = _audit(world, "batch.release")
    assert (entry.entity_id, entry.actor_id) == (batch["id"], tenant.users["Manager"].id)

    again = manager.post(f"/batches/{batch['id']}/release")
    assert (again.status, again.error_code) == (409, "conflict"), again.body
    assert "released already" in again.json["error"]["message"]
    assert _candidates(world) == after and len(_audit(world, "batch.release")) == 1
    assert len(_audit(world, "candidate.update")) == updates_before + 3


def test_only_a_completed_batch_is_released(world, manager):
    body = {
        "template_id": world.template_id,
        "contract_id": str(world.contract_id),
        "account_ids": [str(world.accounts["Cedar Clinic"])],
    }
    queued = manager.post("/batches", body).data
    reply = manager.post(f"/batches/{queued['id']}/release")
    assert (reply.status, reply.error_code) == (409, "conflict"), reply.body
    manager.post(f"/batches/{queued['id']}/cancel")
    assert manager.post(f"/batches/{queued['id']}/release").status == 409
    assert _audit(world, "batch.release") == []
    take_messages(world.app, queued["id"])  # leave the queue clean for later tests


def test_only_holders_of_batches_release_may_release(world, manager, admin_app, tenant):
    batch = _completed(world, manager, "Cedar Clinic")
    for role in ("User", "Viewer"):
        reply = caller(admin_app, tenant.users[role]).post(f"/batches/{batch['id']}/release")
        assert (reply.status, reply.error_code) == (403, "forbidden"), (role, reply.body)
    assert _candidates(world)["Cedar Clinic"] == ("eligible", None)
    assert caller(admin_app, tenant.admin).post(f"/batches/{batch['id']}/release").status == 200
    assert _candidates(world)["Cedar Clinic"][0] == "sent"
