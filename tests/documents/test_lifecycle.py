"""A document's status moves along the lifecycle with a reason, and its history says who, when and why.

Through the real pipeline (POST /documents/{id}/status, GET /documents/{id}/history) on SQLite and
Azurite, and the use case directly for the system's own moves.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from shared_code.core.audit import AuditLog
from shared_code.core.errors import Conflict
from tests.documents import pdfs
from tests.documents.client import Documents, put_blob
from tests.support.api import InProcessApi, caller


@pytest.fixture
def document(docs) -> dict:
    reply = docs.upload_form(pdfs.make_pdf(1, marker="lifecycle"), "form.pdf")
    assert reply.status == 201, reply.json
    return reply.data


def _move(client: InProcessApi, document_id: str, status: str, reason: str | None = "checked", **headers: str):
    body = {"status": status} | ({"reason": reason} if reason is not None else {})
    sender = client.as_(client.token, **headers) if headers else client
    return sender.post(f"/documents/{document_id}/status", body)


def _status_entries(app, tenant_id, document_id: str) -> list[AuditLog]:
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        return list(
            uow.session.scalars(
                sa.select(AuditLog)
                .where(AuditLog.entity_id == document_id, AuditLog.action == "document.status_changed")
                .order_by(AuditLog.occurred_at)
            )
        )


def test_a_move_records_who_when_and_why_in_one_audit_entry(admin_app, tenant, docs, document):
    # WHEN the user moves the document to review, saying why
    reply = _move(docs.client, document["id"], "review", "  the code on page 1 is unreadable  ")

    # THEN the document is in review, with a new version
    assert (reply.status, reply.data["status"], reply.headers["etag"]) == (200, "review", '"2"')
    # AND one audit entry holds the move, the reason (trimmed), who made it and when
    [entry] = _status_entries(admin_app, tenant.id, document["id"])
    assert entry.changes["status"] == {"before": "uploaded", "after": "review"}
    assert entry.changes["reason"] == "the code on page 1 is unreadable"
    assert (entry.actor_type, entry.actor_id) == ("user", tenant.users["User"].id)
    assert entry.occurred_at is not None
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        updates = uow.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditLog)
            .where(AuditLog.entity_id == document["id"], AuditLog.action == "document.update")
        )
    assert updates == 0  # the move is not recorded a second time as a plain update


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 501], ids=["missing", "empty", "blank", "too long"])
def test_a_manual_move_needs_a_reason(admin_app, tenant, docs, document, reason):
    reply = _move(docs.client, document["id"], "review", reason)
    assert (reply.status, reply.error_code) == (400, "validation_error")
    assert docs.get(document["id"]).data["status"] == "uploaded"
    assert _status_entries(admin_app, tenant.id, document["id"]) == []


def test_the_status_is_not_an_editable_field(docs, document):
    # Neither PATCH nor a bulk update can move a document without a reason.
    patched = docs.client.patch(f"/documents/{document['id']}", {"status": "review"})
    bulk = docs.client.post(
        "/documents/bulk", {"action": "update", "ids": [document["id"]], "changes": {"status": "review"}}
    )
    assert [(r.status, r.error_code) for r in (patched, bulk)] == [(400, "validation_error")] * 2
    assert docs.get(document["id"]).data["status"] == "uploaded"


def test_a_refused_or_stale_move_changes_and_records_nothing(admin_app, tenant, docs, document):
    stale = _move(docs.client, document["id"], "review", **{"if-match": '"7"'})
    skipping = _move(docs.client, document["id"], "deleted")  # not a status a person may choose
    unknown = _move(docs.client, str(uuid.uuid4()), "review")
    assert [(r.status, r.error_code) for r in (stale, skipping, unknown)] == [
        (412, "precondition_failed"),
        (400, "validation_error"),
        (404, "not_found"),
    ]
    assert _move(docs.client, document["id"], "completed", **{"if-match": '"1"'}).status == 200
    backwards = _move(docs.client, document["id"], "uploaded")
    assert (backwards.status, backwards.error_code) == (409, "conflict")
    assert [e.changes["status"]["after"] for e in _status_entries(admin_app, tenant.id, document["id"])] == [
        "completed"
    ]


def test_asking_for_the_status_it_has_changes_nothing(admin_app, tenant, docs, document):
    reply = _move(docs.client, document["id"], "uploaded", "again")
    assert (reply.status, reply.data["status"], reply.data["version"]) == (200, "uploaded", 1)
    assert _status_entries(admin_app, tenant.id, document["id"]) == []


def test_a_viewer_reads_the_history_but_cannot_move(admin_app, tenant, document):
    viewer = caller(admin_app, tenant.users["Viewer"])
    assert (
        _move(viewer, document["id"], "review").status,
        viewer.get(f"/documents/{document['id']}/history").status,
    ) == (403, 200)


def test_the_history_says_who_moved_the_document_when_and_why(admin_app, tenant, docs, document):
    from shared_code.documents.lifecycle import change_status

    manager = caller(admin_app, tenant.users["Manager"])
    # GIVEN a move by the user, one by the system (no actor: e.g. a background step) and one by the manager
    assert _move(docs.client, document["id"], "processing", "reading the codes again").status == 200
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        change_status(uow.session, uuid.UUID(document["id"]), "review", reason="no code found on page 1")
        uow.commit()
    assert _move(manager, document["id"], "completed", "checked by hand").status == 200

    # WHEN the history is read (the document deleted meanwhile: its history stays readable)
    assert manager.delete(f"/documents/{document['id']}").status == 200
    reply = docs.client.get(f"/documents/{document['id']}/history")

    # THEN it lists every status, oldest first, with who, when and why
    assert reply.status == 200, reply.json
    history = reply.data
    assert (history["document_id"], history["status"]) == (document["id"], "completed")
    steps = [
        (c["from_status"], c["to_status"], c["reason"], c["actor_type"], c["actor_name"]) for c in history["changes"]
    ]
    user, boss = (f"{role} of {tenant.slug}" for role in ("User", "Manager"))
    assert steps == [
        (None, "uploaded", "uploaded in one request", "user", user),
        ("uploaded", "processing", "reading the codes again", "user", user),
        ("processing", "review", "no code found on page 1", "system", None),
        ("review", "completed", "checked by hand", "user", boss),
    ]
    times = [c["occurred_at"] for c in history["changes"]]
    assert times == sorted(times)
    assert history["changes"][3]["actor_id"] == str(tenant.users["Manager"].id)
    assert docs.client.get(f"/documents/{uuid.uuid4()}/history").status == 404


def test_a_move_by_an_api_key_is_named_after_the_key(admin_app, tenant, document):
    from shared_code.auth.api_keys import create_api_key

    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        key = create_api_key(
            uow.session,
            name="Scanner station 2",
            expires_at=None,
            permissions=["documents:read", "documents:update"],
            grantable=frozenset({"documents:read", "documents:update"}),
        )
        uow.commit()
    station = InProcessApi(headers={"x-api-key": key.secret})
    assert _move(station, document["id"], "processing", "batch 17 picked up").status == 200
    last = station.get(f"/documents/{document['id']}/history").data["changes"][-1]
    assert (last["actor_type"], last["actor_name"], last["reason"]) == (
        "api_key",
        "Scanner station 2",
        "batch 17 picked up",
    )


def test_a_system_move_the_lifecycle_refuses_leaves_no_entry(admin_app, tenant, document):
    from shared_code.documents.lifecycle import change_status

    # A caller that carries on after a refused move (e.g. a step over many documents) commits nothing of it.
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        with pytest.raises(Conflict):
            change_status(uow.session, uuid.UUID(document["id"]), "draft", reason="back to the start")
        uow.commit()
    assert _status_entries(admin_app, tenant.id, document["id"]) == []


def test_a_large_upload_starts_with_its_own_reason(admin_app, tenant, docs):
    ticket = docs.start_upload().data
    assert put_blob(ticket["upload_url"], pdfs.make_pdf(1, marker="large")).status_code == 201
    assert docs.complete(ticket["upload_id"]).status == 201
    first = docs.client.get(f"/documents/{ticket['upload_id']}/history").data["changes"][0]
    assert (first["to_status"], first["reason"]) == ("uploaded", "uploaded through an upload link")


def test_another_tenants_document_has_no_history_here(admin_app, document):
    from tests.support.api import seed_tenant

    stranger = Documents(caller(admin_app, seed_tenant(admin_app).users["Manager"]))
    assert stranger.client.get(f"/documents/{document['id']}/history").status == 404
    assert _move(stranger.client, document["id"], "review").status == 404
