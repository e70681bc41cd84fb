"""Bundles: the standard REST routes, and a bundle's documents as an ordered set, replaced whole."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tests.documents import pdfs
from tests.documents.client import Documents
from tests.support.api import caller, seed_tenant


@pytest.fixture
def three(docs) -> list[str]:
    return [docs.upload_form(pdfs.make_pdf(1, marker=name), f"{name}.pdf").data["id"] for name in ("a", "b", "c")]


@pytest.fixture
def bundle(manager) -> dict:
    reply = manager.post("/bundles", {"name": "Mercy - IV pumps returns", "description": "everything Mercy sent"})
    assert reply.status == 201, reply.json
    return reply.data


def _order(client, bundle_id: str) -> list[str]:
    reply = client.get(f"/bundles/{bundle_id}/documents")
    assert reply.status == 200, reply.json
    return [document["id"] for document in reply.data["documents"]]


def test_a_bundle_keeps_its_documents_in_the_order_given(docs, bundle, three):
    a, b, c = three
    path = f"/bundles/{bundle['id']}/documents"
    assert _order(docs.client, bundle["id"]) == []
    placed = docs.client.put(path, {"document_ids": [c, a, b]})
    assert placed.status == 200, placed.json
    assert [d["id"] for d in placed.data["documents"]] == [c, a, b]
    assert _order(docs.client, bundle["id"]) == [c, a, b]
    assert docs.client.put(path, {"document_ids": [b, c]}).status == 200
    assert _order(docs.client, bundle["id"]) == [b, c]
    assert docs.client.put(path, {"document_ids": []}).status == 200
    assert _order(docs.client, bundle["id"]) == []


def test_the_bundle_version_guards_its_documents(docs, bundle, three):
    a, b, _ = three
    path = f"/bundles/{bundle['id']}/documents"
    first = docs.client.as_(docs.client.token, **{"if-match": '"1"'}).put(path, {"document_ids": [a]})
    assert first.status == 200 and first.headers["etag"] == '"2"' and first.data["version"] == 2
    stale = docs.client.as_(docs.client.token, **{"if-match": '"1"'}).put(path, {"document_ids": [b]})
    assert (stale.status, stale.error_code) == (412, "precondition_failed")
    assert _order(docs.client, bundle["id"]) == [a]
    assert docs.client.get(f"/bundles/{bundle['id']}").headers["etag"] == '"2"'


def test_only_live_documents_of_the_tenant_can_be_bundled(admin_app, docs, manager, bundle, three):
    a, b, c = three
    path = f"/bundles/{bundle['id']}/documents"
    docs.client.put(path, {"document_ids": [a]})
    foreign = Documents(caller(admin_app, seed_tenant(admin_app).users["User"])).upload_form(pdfs.make_pdf(1)).data
    assert manager.delete(f"/documents/{c}").status == 200
    for ids in ([b, foreign["id"]], [b, str(uuid.uuid4())], [b, c], [b, b]):
        reply = docs.client.put(path, {"document_ids": ids})
        assert (reply.status, reply.error_code) == (400, "validation_error"), ids
    assert _order(docs.client, bundle["id"]) == [a]


def test_a_deleted_document_leaves_the_list_but_keeps_its_place(docs, manager, bundle, three):
    a, b, c = three
    docs.client.put(f"/bundles/{bundle['id']}/documents", {"document_ids": [a, b, c]})
    manager.delete(f"/documents/{b}")
    assert _order(docs.client, bundle["id"]) == [a, c]
    manager.post(f"/documents/{b}/restore")
    assert _order(docs.client, bundle["id"]) == [a, b, c]


def test_replacing_the_documents_is_one_audit_entry_with_before_and_after(admin_app, tenant, docs, bundle, three):
    from shared_code.core.audit import AuditLog

    a, b, c = three
    docs.client.put(f"/bundles/{bundle['id']}/documents", {"document_ids": [a, b]})
    docs.client.put(f"/bundles/{bundle['id']}/documents", {"document_ids": [c, a]})
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        entries = uow.session.scalars(sa.select(AuditLog).where(AuditLog.entity_id == bundle["id"])
                                      .order_by(AuditLog.occurred_at)).all()
        link_entries = uow.session.scalar(sa.select(sa.func.count(AuditLog.id))
                                          .where(AuditLog.entity_type == "BundleDocument"))
    assert sorted(e.action for e in entries) == ["bundle.create", "bundle.documents_set", "bundle.documents_set"]
    changes = [e.changes for e in entries if e.action == "bundle.documents_set"]
    assert {"document_ids": {"before": [a, b], "after": [c, a]}} in changes
    assert {"document_ids": {"before": [], "after": [a, b]}} in changes
    assert {e.actor_id for e in entries if e.action == "bundle.documents_set"} == {tenant.users["User"].id}
    assert link_entries == 0


def test_bundles_are_a_resource_guarded_by_the_documents_permissions(admin_app, tenant, docs, manager, bundle):
    viewer = caller(admin_app, tenant.users["Viewer"])
    assert viewer.get(f"/bundles/{bundle['id']}").status == 200
    assert viewer.get(f"/bundles/{bundle['id']}/documents").status == 200
    assert viewer.put(f"/bundles/{bundle['id']}/documents", {"document_ids": []}).status == 403
    assert viewer.post("/bundles", {"name": "Nope"}).status == 403
    assert docs.client.delete(f"/bundles/{bundle['id']}").status == 403  # a User creates, a Manager deletes
    renamed = docs.client.patch(f"/bundles/{bundle['id']}", {"name": "Mercy - all", "status": "closed"})
    assert renamed.status == 200 and (renamed.data["name"], renamed.data["status"]) == ("Mercy - all", "closed")
    assert docs.client.get("/bundles", q="mercy", status="closed").meta["total"] == 1
    assert manager.delete(f"/bundles/{bundle['id']}").status == 200
    assert docs.client.get(f"/bundles/{bundle['id']}/documents").status == 404
