"""Batches through the API and the real `generate` queue: one document per account, failures with reasons,
candidates moved to `sent`, cancel, limits, the audit trail, and who may do what."""

from __future__ import annotations

import sqlalchemy as sa

from shared_code.accounts.models import Candidate
from shared_code.core.audit import AuditLog
from shared_code.generation.models import Generation
from shared_code.pdf.document import open_pdf
from tests.generation.conftest import take_messages, work_queue
from tests.support.api import caller


def _create(client, world, **body):
    body = {"template_id": world.template_id, "contract_id": str(world.contract_id), **body}
    return client.post("/batches", body)


def test_a_batch_makes_one_document_per_account_and_names_each_failure(world, manager):
    GIVEN = _create(manager, world, candidates={"status": "eligible"}, overrides={"Note": "Thank you"})
    assert GIVEN.status == 202, GIVEN.body
    batch = GIVEN.data
    assert (batch["status"], batch["total"], batch["template_version"]) == ("queued", 4, 1)
    # eligible: Cedar, Harbor, Juniper (no contact), Kestrel (number too long); not Ivy (invited) or Larch
    assert work_queue(world.app, batch["id"]) == 1  # one chunk

    detail = manager.get(f"/batches/{batch['id']}").data
    assert detail["status"] == "completed"
    assert detail["progress"] == {"total": 4, "done": 4, "generated": 2, "failed": 2, "cancelled": 0, "pending": 0}
    by_account = {item["account_id"]: item for item in detail["documents"]}
    names = {str(v): k for k, v in world.accounts.items()}
    reasons = {names[f["account_id"]]: f["error"] for f in detail["failures"]}
    assert "missing required data: Contact" in reasons["Juniper Care"]
    assert "Number" in reasons["Kestrel Health"] and "fit" in reasons["Kestrel Health"]
    for name in ("Cedar Clinic", "Harbor Hospital"):
        item = by_account[str(world.accounts[name])]
        assert item["status"] == "generated" and item["page_count"] == 2
        content = manager.get(f"/documents/{item['document_id']}/content")
        assert content.status == 200 and content.body.startswith(b"%PDF")
        with open_pdf(content.body) as pdf:
            assert len(pdf) == 2
            assert name in pdf[0].get_textpage().get_text_range()
            assert "Thank you" in pdf[1].get_textpage().get_text_range()
        document = manager.get(f"/documents/{item['document_id']}").data
        assert (document["account_id"], document["contract_id"]) == (item["account_id"], str(world.contract_id))
        assert document["sha256"] == item["sha256"]

    with world.app.unit_of_work(tenant_id=world.tenant.id) as uow:
        statuses = {c.id: c.status for c in uow.session.scalars(sa.select(Candidate))}
        actions = {a.action for a in uow.session.scalars(sa.select(AuditLog))}
    # Nothing is sent until the batch is released (tests/generation/test_release.py).
    assert statuses[world.candidates["Cedar Clinic"]] == "eligible"
    assert statuses[world.candidates["Ivy Pharmacy"]] == "invited"  # not in the batch
    assert {"batch.create", "generation.update", "document.create", "batch.update"} <= actions
    assert "candidate.update" not in actions


def test_account_ids_pick_accounts_in_order_and_a_redelivered_chunk_changes_nothing(world, manager):
    chosen = [world.accounts[n] for n in ("Larch Labs", "Cedar Clinic")]
    batch = _create(manager, world, account_ids=[str(a) for a in chosen] + [str(chosen[0])]).data
    assert batch["total"] == 2  # each account once
    [message] = take_messages(world.app, batch["id"])
    from tests.generation.conftest import deliver

    deliver(message)
    first = manager.get(f"/batches/{batch['id']}").data
    deliver(message)  # the host delivers it again (a lost delete, a lease that ran out)
    second = manager.get(f"/batches/{batch['id']}").data
    assert first == second
    assert [d["account_id"] for d in first["documents"]] == [str(a) for a in chosen]
    assert first["status"] == "completed" and first["progress"]["generated"] == 2
    with world.app.unit_of_work(tenant_id=world.tenant.id) as uow:
        larch = uow.session.get(Candidate, world.candidates["Larch Labs"])
    assert larch.status == "returned"  # a candidate further along is never moved back


def test_requests_that_cannot_be_a_batch_are_refused_with_reasons(world, manager):
    too_many = [f"00000000-0000-4000-8000-{n:012}" for n in range(10_001)]
    reply = _create(manager, world, account_ids=too_many)
    assert (reply.status, reply.error_code) == (400, "validation_error"), reply.body
    assert "10,000" in reply.json["error"]["message"]
    assert _create(manager, world, account_ids=["00000000-0000-4000-8000-000000000001"]).status == 400
    assert _create(manager, world, candidates={"status": "activated"}).status == 400  # selects nobody
    assert _create(manager, world, candidates={"status": "eligible"}, overrides={"Nope": "x"}).status == 400
    assert _create(manager, world, candidates={"status": "eligible"}, version=9).status == 404
    assert _create(manager, world).status == 400  # neither account_ids nor candidates
    assert (
        _create(
            manager, world, template_id="00000000-0000-4000-8000-000000000000", candidates={"status": "eligible"}
        ).status
        == 404
    )
    with world.app.unit_of_work(tenant_id=world.tenant.id) as uow:
        assert uow.session.scalar(sa.select(sa.func.count(Generation.id))) == 0  # nothing half-made


def test_cancel_stops_pending_work_and_lists_show_batches(world, manager, tenant):
    batch = _create(manager, world, candidates={"status": "eligible"}).data
    cancelled = manager.post(f"/batches/{batch['id']}/cancel")
    assert (cancelled.status, cancelled.data["status"]) == (200, "cancelled")
    assert manager.post(f"/batches/{batch['id']}/cancel").status == 409
    work_queue(world.app, batch["id"])  # the chunk still arrives: it makes nothing
    detail = manager.get(f"/batches/{batch['id']}").data
    assert detail["status"] == "cancelled"
    assert detail["progress"]["cancelled"] == 4 and detail["progress"]["generated"] == 0
    assert {d["document_id"] for d in detail["documents"]} == {None}
    listed = manager.get("/batches", status="cancelled")
    assert [b["id"] for b in listed.data] == [batch["id"]] and listed.meta["total"] == 1
    assert manager.get("/batches", status="completed").data == []


def test_readers_see_batches_but_cannot_make_or_cancel_them(world, manager, tenant, admin_app):
    batch = _create(manager, world, candidates={"status": "eligible"}).data
    viewer = caller(admin_app, tenant.users["Viewer"])
    assert viewer.get(f"/batches/{batch['id']}").status == 200
    assert _create(viewer, world, candidates={"status": "eligible"}).status == 403
    assert viewer.post(f"/batches/{batch['id']}/cancel").status == 403
    user = caller(admin_app, tenant.users["User"])  # Users create batches
    assert _create(user, world, candidates={"status": "eligible"}).status == 202


def test_a_batch_whose_work_cannot_be_queued_says_so(world, manager, monkeypatch):
    from azure.core.exceptions import ServiceRequestError

    def queue_down(*_args, **_kwargs):
        raise ServiceRequestError("connection refused")

    monkeypatch.setattr(world.app.queues, "send", queue_down)
    reply = _create(manager, world, candidates={"status": "eligible"})
    assert reply.status == 503, reply.body
    [batch] = manager.get("/batches").data
    assert batch["status"] == "failed" and "could not be queued" in batch["error"]
    detail = manager.get(f"/batches/{batch['id']}").data
    assert detail["progress"]["cancelled"] == 4 and detail["progress"]["pending"] == 0
