"""Indexing, blob-triggered: GIVEN a file in `templates`, WHEN the trigger runs on it (the registered
function, handed the blob as the host would), THEN the version is indexed with its pages, fields and
thumbnails; or failed with the reason and nothing half-written; or left alone, visibly."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from shared_code.core import names
from shared_code.core.audit import AuditLog
from shared_code.templates.indexing import index_template_blob
from shared_code.templates.models import Template, TemplateField, TemplatePage, TemplateVersion
from tests.documents import pdfs
from tests.templates.client import pending_blobs, run_trigger
from tests.templates.forms import form_pdf


def _uploaded(manager, data: bytes, name: str = "Participation") -> dict:
    reply = manager.upload(data, name=name)
    assert reply.status == 202, reply.body
    return reply.data


def _counts(app, tenant_id) -> dict[str, int]:
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        return {
            model.__name__: uow.session.scalar(sa.select(sa.func.count(model.id)))
            for model in (Template, TemplateVersion, TemplatePage, TemplateField)
        }


def _audit(app, tenant_id, action: str) -> list[AuditLog]:
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        return list(uow.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)))


def test_an_uploaded_template_is_indexed_with_pages_fields_and_thumbnails(admin_app, tenant, manager):
    template = _uploaded(manager, form_pdf(pages=2))
    run_trigger(admin_app, f"{tenant.id}/{template['id']}/v1.pdf")
    detail = manager.get(template["id"]).data
    assert (detail["status"], detail["error"], detail["version"], detail["page_count"]) == ("indexed", None, 1, 2)
    assert detail["indexed_at"] is not None
    assert [(p["number"], p["width"], p["height"], p["text_source"]) for p in detail["pages"]] == [
        (1, 612.0, 792.0, "layer"),
        (2, 612.0, 792.0, "layer"),
    ]
    import requests

    for page in detail["pages"]:  # a short-lived link to a real PNG
        image = requests.get(page["thumbnail_url"], timeout=10)
        assert image.status_code == 200 and image.content.startswith(pdfs.PNG_MAGIC)
    fields = {f["name"]: f for f in detail["fields"]}
    assert sorted(fields) == ["account_name", "agree", "tier", "tier#2"]
    assert {name: f["type"] for name, f in fields.items()} == {
        "account_name": "text",
        "agree": "checkbox",
        "tier": "checkbox",
        "tier#2": "checkbox",
    }
    assert (fields["account_name"]["page"], fields["account_name"]["source"]) == (1, "acroform")
    assert [fields["account_name"][k] for k in ("x0", "y0", "x1", "y1")] == [160.0, 476.0, 400.0, 494.0]
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        texts = uow.session.scalars(sa.select(TemplatePage.text).order_by(TemplatePage.number)).all()
    assert "Participation Form - page 2" in texts[1]
    [entry] = _audit(admin_app, tenant.id, "template_version.indexed")
    assert entry.changes["pages"] == 2 and entry.changes["fields"] == 4 and entry.actor_type == "system"


def test_a_scanned_template_without_a_text_layer_is_read_by_ocr(admin_app, tenant, manager):
    from tests.support.corpus import template_pdf, template_specs

    spec = next(spec for spec in template_specs() if spec.image_only)
    template = _uploaded(manager, template_pdf(spec), name=spec.name)
    run_trigger(admin_app, f"{tenant.id}/{template['id']}/v1.pdf")
    detail = manager.get(template["id"]).data
    assert detail["status"] == "indexed"
    assert [page["text_source"] for page in detail["pages"]] == ["ocr"]
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        text = uow.session.scalar(sa.select(TemplatePage.text))
    assert "Contact Update" in text


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (pdfs.damaged_pdf(), "damaged"),
        (pdfs.encrypt(form_pdf()), "encrypted"),
        (pdfs.not_a_pdf(), "not a PDF"),
    ],
    ids=["damaged", "encrypted", "not-a-pdf"],
)
def test_a_file_that_cannot_be_read_fails_its_version_with_the_reason(admin_app, tenant, data, says):
    # Dropped by hand (an API upload refuses such files at once): registered, then indexed, and failed.
    run_trigger_on(admin_app, f"{tenant.id}/incoming/Broken form.pdf", data)
    [version_blob] = [name for name in pending_blobs(admin_app, tenant.id) if "/incoming/" not in name]
    run_trigger(admin_app, version_blob)
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        template = uow.session.scalar(sa.select(Template))
        version = uow.session.scalar(sa.select(TemplateVersion))
        assert (template.name, template.status, version.status) == ("Broken form", "failed", "failed")
        assert says in version.error and version.page_count is None
    assert _counts(admin_app, tenant.id) == {"Template": 1, "TemplateVersion": 1, "TemplatePage": 0, "TemplateField": 0}
    assert list(admin_app.blobs.list(names.THUMBNAILS, prefix=f"{tenant.id}/templates/")) == []


def test_a_failure_while_recording_leaves_no_rows_and_no_thumbnails(admin_app, tenant, manager, monkeypatch):
    from shared_code.templates import indexing

    template = _uploaded(manager, form_pdf())
    blob = f"{tenant.id}/{template['id']}/v1.pdf"

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(indexing, "_record_fields", broken)
    with pytest.raises(RuntimeError):  # the host retries the blob, and then puts it in the poison queue
        index_template_blob(admin_app, blob, admin_app.blobs.read_bytes(names.TEMPLATES, blob))
    assert _counts(admin_app, tenant.id) == {"Template": 1, "TemplateVersion": 1, "TemplatePage": 0, "TemplateField": 0}
    assert manager.get(template["id"]).data["status"] == "pending"
    assert list(admin_app.blobs.list(names.THUMBNAILS, prefix=f"{tenant.id}/templates/")) == []
    monkeypatch.undo()
    run_trigger(admin_app, blob)  # the retry succeeds
    assert manager.get(template["id"]).data["status"] == "indexed"


def test_the_same_blob_seen_twice_changes_nothing_the_second_time(admin_app, tenant, manager):
    template = _uploaded(manager, form_pdf())
    blob = f"{tenant.id}/{template['id']}/v1.pdf"
    run_trigger(admin_app, blob)
    before = (manager.get(template["id"]).data, _counts(admin_app, tenant.id))
    outcome = index_template_blob(admin_app, blob, admin_app.blobs.read_bytes(names.TEMPLATES, blob))
    assert outcome.action == "unchanged"
    after = manager.get(template["id"]).data
    assert ({k: v for k, v in after.items() if k != "pages"}, _counts(admin_app, tenant.id)) == (
        {k: v for k, v in before[0].items() if k != "pages"},
        before[1],
    )


def test_a_version_file_replaced_behind_pacts_back_fails_the_version(admin_app, tenant, manager):
    template = _uploaded(manager, form_pdf())
    blob = f"{tenant.id}/{template['id']}/v1.pdf"
    run_trigger(admin_app, blob)
    admin_app.blobs.upload_bytes(names.TEMPLATES, blob, form_pdf(seed=9))
    run_trigger(admin_app, blob)
    detail = manager.get(template["id"]).data
    assert detail["status"] == "failed" and "replaced after it was uploaded" in detail["error"]


def test_a_newer_version_decides_the_templates_status(admin_app, tenant, manager):
    template = _uploaded(manager, form_pdf())
    manager.add_version(template["id"], form_pdf(seed=5))
    run_trigger(admin_app, f"{tenant.id}/{template['id']}/v2.pdf")
    assert manager.get(template["id"]).data["status"] == "indexed"
    run_trigger(admin_app, f"{tenant.id}/{template['id']}/v1.pdf")  # the older one, late: the status stays
    detail = manager.get(template["id"]).data
    assert (detail["version"], detail["status"]) == (2, "indexed")
    versions = manager.client.get(f"/templates/{template['id']}/versions").data["versions"]
    assert [(v["version"], v["status"], v["page_count"]) for v in versions] == [(2, "indexed", 1), (1, "indexed", 1)]


def run_trigger_on(app, blob_name: str, data: bytes) -> None:
    app.blobs.upload_bytes(names.TEMPLATES, blob_name, data)
    run_trigger(app, blob_name)


def test_a_pdf_dropped_by_hand_becomes_a_template_and_is_indexed(admin_app, tenant, manager):
    dropped = f"{tenant.id}/forms/Rebate Enrollment.pdf"
    run_trigger_on(admin_app, dropped, form_pdf("Rebate Enrollment"))
    listed = manager.client.get("/templates").data
    assert [(t["name"], t["version"], t["status"]) for t in listed] == [("Rebate Enrollment", 1, "pending")]
    template_id = listed[0]["id"]
    version_blob = f"{tenant.id}/{template_id}/v1.pdf"
    assert sorted(pending_blobs(admin_app, tenant.id)) == sorted([dropped, version_blob])
    run_trigger(admin_app, version_blob)  # the copy's own arrival indexes it
    detail = manager.get(template_id).data
    assert (detail["status"], detail["page_count"], detail["file_name"]) == ("indexed", 1, "Rebate Enrollment.pdf")
    [entry] = _audit(admin_app, tenant.id, "template_version.dropped")
    assert entry.changes["blob"] == dropped
    # Seen again, or dropped again with the same content: nothing new.
    run_trigger(admin_app, dropped)
    run_trigger_on(admin_app, f"{tenant.id}/again/Rebate Enrollment.pdf", form_pdf("Rebate Enrollment"))
    assert _counts(admin_app, tenant.id)["TemplateVersion"] == 1
    # Dropped with new content: the next version of the same template.
    run_trigger_on(admin_app, dropped, form_pdf("Rebate Enrollment", seed=4))
    assert [(t["name"], t["version"]) for t in manager.client.get("/templates").data] == [("Rebate Enrollment", 2)]


def test_a_lost_copy_of_a_dropped_file_is_made_again_when_the_blob_is_seen_again(admin_app, tenant, manager):
    dropped = f"{tenant.id}/Contact Update.pdf"
    run_trigger_on(admin_app, dropped, form_pdf("Contact Update"))
    [template] = manager.client.get("/templates").data
    version_blob = f"{tenant.id}/{template['id']}/v1.pdf"
    admin_app.blobs.delete(names.TEMPLATES, version_blob)
    run_trigger(admin_app, dropped)
    assert admin_app.blobs.exists(names.TEMPLATES, version_blob)
    assert _counts(admin_app, tenant.id)["TemplateVersion"] == 1


@pytest.mark.parametrize(
    "name",
    [
        "loose.pdf",
        "not-a-tenant/form.pdf",
        f"{uuid.uuid4()}/form.pdf",
    ],
    ids=["no-folder", "not-a-uuid", "unknown-tenant"],
)
def test_a_blob_outside_every_tenant_is_ignored_visibly(admin_app, tenant, name, caplog):
    outcome = index_template_blob(admin_app, name, form_pdf())
    assert (outcome.action, outcome.reason) == ("ignored", "the name does not start with the id of a tenant")
    assert "ignored" in caplog.text and name in caplog.text
    with admin_app.unit_of_work() as uow:
        entries = uow.session.scalars(sa.select(AuditLog).where(AuditLog.action == "template.blob_ignored")).all()
    assert [(e.tenant_id, e.changes["blob"]) for e in entries] == [(None, name)]
    assert _counts(admin_app, tenant.id)["Template"] == 0


def test_blobs_of_a_tenant_that_name_nothing_are_ignored_in_its_audit_trail(admin_app, tenant):
    unknown_version = f"{tenant.id}/{uuid.uuid4()}/v1.pdf"
    assert index_template_blob(admin_app, unknown_version, form_pdf()).action == "ignored"
    assert index_template_blob(admin_app, f"{tenant.id}/notes.txt", b"hello").action == "ignored"
    reasons = [e.changes["reason"] for e in _audit(admin_app, tenant.id, "template.blob_ignored")]
    assert sorted(reasons) == ["no template version has this name", "only .pdf files become templates"]
    assert _counts(admin_app, tenant.id)["Template"] == 0
