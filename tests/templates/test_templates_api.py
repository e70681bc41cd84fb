"""Templates as records: lists (filters, sort, search), PATCH with If-Match, retire (the soft delete) and
restore, the detail of a retired template, who may do what, and the audit trail of it all."""

from __future__ import annotations

import sqlalchemy as sa

from shared_code.core.audit import AuditLog
from tests.templates.client import run_trigger
from tests.templates.forms import form_pdf


def _template(admin_app, tenant, manager, name: str, *, category: str | None = None, index: bool = True) -> dict:
    fields = {"name": name} | ({"category": category} if category else {})
    template = manager.upload(form_pdf(name), **fields).data
    if index:
        run_trigger(admin_app, f"{tenant.id}/{template['id']}/v1.pdf")
    return manager.get(template["id"]).data


def test_lists_filter_by_status_and_category_search_and_sort(admin_app, tenant, manager, reader):
    _template(admin_app, tenant, manager, "Rebate Enrollment", category="finance")
    _template(admin_app, tenant, manager, "Tax Exemption", category="finance", index=False)
    _template(admin_app, tenant, manager, "Contact Update", category="accounts")
    names = lambda reply: [t["name"] for t in reply.data]  # noqa: E731
    assert names(reader.client.get("/templates")) == ["Contact Update", "Rebate Enrollment", "Tax Exemption"]
    assert names(reader.client.get("/templates", status="indexed")) == ["Contact Update", "Rebate Enrollment"]
    assert names(reader.client.get("/templates", status="pending")) == ["Tax Exemption"]
    assert names(reader.client.get("/templates", category="finance", sort="-name")) == [
        "Tax Exemption",
        "Rebate Enrollment",
    ]
    assert names(reader.client.get("/templates", q="rebate")) == ["Rebate Enrollment"]
    assert reader.client.get("/templates", status="retired").status == 400
    assert reader.client.get("/templates", sort="sha256").status == 400
    page = reader.client.get("/templates", page_size=2)
    assert (len(page.data), page.meta["total"]) == (2, 3)
    assert {t["version"] for t in page.data} == {1}
    export = reader.client.get("/templates/export", format="json", status="indexed")
    assert (export.status, export.data["rows"]) == (200, 2), export.body


def test_metadata_changes_honour_if_match(admin_app, tenant, manager):
    template = _template(admin_app, tenant, manager, "Participation")
    etag = f'"{template["revision"]}"'
    changed = manager.client.as_(manager.client.token, **{"if-match": etag}).patch(
        f"/templates/{template['id']}", {"description": "Signed yearly", "category": "gpo"}
    )
    assert changed.status == 200, changed.body
    assert (changed.data["description"], changed.data["category"], changed.data["version"]) == (
        "Signed yearly",
        "gpo",
        1,
    )
    assert changed.data["revision"] == template["revision"] + 1
    stale = manager.client.as_(manager.client.token, **{"if-match": etag}).patch(
        f"/templates/{template['id']}", {"description": "lost update"}
    )
    assert (stale.status, stale.error_code) == (412, "precondition_failed")
    assert manager.get(template["id"]).data["description"] == "Signed yearly"
    assert manager.client.patch(f"/templates/{template['id']}", {"status": "indexed"}).status == 400


def test_retire_and_restore(admin_app, tenant, manager, reader):
    template = _template(admin_app, tenant, manager, "Vendor Agreement")
    retired = manager.client.delete(f"/templates/{template['id']}")
    assert retired.status == 200 and retired.data["retired"] is True
    assert reader.client.get("/templates").data == []
    assert [t["id"] for t in reader.client.get("/templates", deleted=True).data] == [template["id"]]
    detail = reader.get(template["id"])  # a retired template can still be read: generations pin its versions
    assert (detail.status, detail.data["retired"], detail.data["status"]) == (200, True, "indexed")
    assert reader.client.get(f"/templates/{template['id']}/versions/1/content").status == 200
    assert manager.client.patch(f"/templates/{template['id']}", {"description": "x"}).status == 404
    restored = manager.client.post(f"/templates/{template['id']}/restore")
    assert restored.status == 200 and restored.data["retired"] is False
    assert [t["id"] for t in reader.client.get("/templates").data] == [template["id"]]


def test_a_retired_templates_name_is_free_until_it_is_restored(admin_app, tenant, manager):
    old = _template(admin_app, tenant, manager, "Membership")
    manager.client.delete(f"/templates/{old['id']}")
    new = manager.upload(form_pdf("Membership", seed=2), name="Membership")
    assert new.status == 202
    clash = manager.client.post(f"/templates/{old['id']}/restore")
    assert (clash.status, clash.error_code) == (409, "conflict")
    other = manager.upload(form_pdf("Other"), name="Other").data
    taken = manager.client.patch(f"/templates/{other['id']}", {"name": "Membership"})
    assert (taken.status, taken.error_code) == (409, "conflict")
    renamed = manager.client.patch(f"/templates/{new.data['id']}", {"name": "Membership 2025"})
    assert renamed.status == 200
    assert manager.client.post(f"/templates/{old['id']}/restore").status == 200


def test_readers_read_and_change_nothing(admin_app, tenant, manager, reader):
    template = _template(admin_app, tenant, manager, "Price Activation")
    assert reader.get(template["id"]).status == 200
    assert reader.client.get("/templates/bindings").status == 200
    refused = [
        reader.upload(form_pdf(), name="Mine"),
        reader.add_version(template["id"], form_pdf(seed=3)),
        reader.client.patch(f"/templates/{template['id']}", {"description": "x"}),
        reader.client.delete(f"/templates/{template['id']}"),
        reader.add_field(template["id"], {"name": "x", "page": 1, "x0": 1, "y0": 1, "x1": 2, "y1": 2}),
    ]
    assert [(r.status, r.error_code) for r in refused] == [(403, "forbidden")] * 5


def test_every_change_is_in_the_audit_trail(admin_app, tenant, manager):
    template = _template(admin_app, tenant, manager, "Authorization Letter")
    manager.client.patch(f"/templates/{template['id']}", {"category": "letters"})
    manager.client.delete(f"/templates/{template['id']}")
    manager.client.post(f"/templates/{template['id']}/restore")
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        entries = uow.session.scalars(
            sa.select(AuditLog).where(AuditLog.entity_id == template["id"]).order_by(AuditLog.occurred_at)
        ).all()
    assert [e.action for e in entries] == [
        "template.create",
        "template.update",
        "template.update",
        "template.delete",
        "template.restore",
    ]
    assert entries[0].actor_id == tenant.users["Manager"].id
    assert (entries[1].actor_type, entries[1].changes["status"]) == (
        "system",
        {"before": "pending", "after": "indexed"},
    )
    assert (entries[2].actor_id, entries[2].changes["category"]) == (
        tenant.users["Manager"].id,
        {"before": None, "after": "letters"},
    )
