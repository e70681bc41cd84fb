"""Uploading templates and their versions: what is accepted (202, pending, the file stored where indexing
finds it), what is refused and why, and that a refusal leaves nothing behind."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shared_code.core import names
from shared_code.templates.models import Template, TemplateVersion
from tests.documents import pdfs
from tests.templates.client import pending_blobs
from tests.templates.forms import form_pdf


def _rows(app, tenant_id) -> tuple[int, int]:
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        return (
            uow.session.scalar(sa.select(sa.func.count(Template.id))),
            uow.session.scalar(sa.select(sa.func.count(TemplateVersion.id))),
        )


def test_a_form_upload_is_accepted_pending_and_stored_for_indexing(admin_app, tenant, manager):
    data = form_pdf()
    reply = manager.upload(
        data, "Participation Form.pdf", name="Participation", description="GPO form", category="participation"
    )
    assert reply.status == 202, reply.body
    template = reply.data
    assert (template["name"], template["version"], template["status"], template["retired"]) == (
        "Participation",
        1,
        "pending",
        False,
    )
    assert reply.headers["etag"] == f'"{template["revision"]}"'
    blob = f"{tenant.id}/{template['id']}/v1.pdf"
    assert pending_blobs(admin_app, tenant.id) == [blob]
    assert admin_app.blobs.read_bytes(names.TEMPLATES, blob) == data
    detail = manager.get(template["id"]).data
    assert (detail["status"], detail["error"], detail["file_name"], detail["size_bytes"], detail["pages"]) == (
        "pending",
        None,
        "Participation Form.pdf",
        len(data),
        [],
    )


def test_a_raw_pdf_upload_takes_its_metadata_from_the_query(admin_app, tenant, manager):
    reply = manager.upload_raw(form_pdf(), name="Raw form", category="misc", file_name="raw.pdf")
    assert reply.status == 202, reply.body
    assert (reply.data["name"], reply.data["category"]) == ("Raw form", "misc")
    assert manager.get(reply.data["id"]).data["file_name"] == "raw.pdf"


def test_a_new_version_keeps_the_earlier_ones(admin_app, tenant, manager):
    first = manager.upload(form_pdf(seed=1), name="Commitment").data
    second = manager.add_version(first["id"], form_pdf(seed=2))
    assert second.status == 202, second.body
    assert (second.data["id"], second.data["version"], second.data["status"]) == (first["id"], 2, "pending")
    versions = manager.client.get(f"/templates/{first['id']}/versions").data["versions"]
    assert [(v["version"], v["status"], v["file_name"]) for v in versions] == [
        (2, "pending", "form-v2.pdf"),
        (1, "pending", "form.pdf"),
    ]
    assert versions[0]["sha256"] != versions[1]["sha256"]
    assert sorted(pending_blobs(admin_app, tenant.id)) == sorted(
        [f"{tenant.id}/{first['id']}/v1.pdf", f"{tenant.id}/{first['id']}/v2.pdf"]
    )
    for number, seed in ((1, 1), (2, 2)):
        content = manager.client.get(f"/templates/{first['id']}/versions/{number}/content")
        assert (content.status, content.body) == (200, form_pdf(seed=seed))
        assert content.content_type == "application/pdf"
    assert manager.client.get(f"/templates/{first['id']}/versions/3/content").status == 404
    assert manager.client.get(f"/templates/{first['id']}/versions/x/content").status == 404


@pytest.mark.parametrize(
    ("data", "status", "code", "says"),
    [
        (pdfs.not_a_pdf(), 415, "unsupported_media_type", "not a PDF"),
        (b"", 415, "unsupported_media_type", "empty"),
        (pdfs.damaged_pdf(), 422, "unprocessable", "damaged"),
        (pdfs.truncated_pdf(), 422, "unprocessable", "damaged"),
        (pdfs.encrypt(form_pdf()), 422, "unprocessable", "encrypted"),
        (pdfs.encrypt(form_pdf(), user_password=""), 422, "unprocessable", "encrypted"),
    ],
    ids=["png", "empty", "damaged", "truncated", "encrypted", "owner-password-only"],
)
def test_bad_files_are_refused_and_nothing_is_kept(admin_app, tenant, manager, data, status, code, says):
    reply = manager.upload(data, name="Broken")
    assert (reply.status, reply.error_code) == (status, code), reply.body
    assert says in reply.json["error"]["message"]
    assert _rows(admin_app, tenant.id) == (0, 0)
    assert pending_blobs(admin_app, tenant.id) == []


def test_a_file_over_the_limit_is_413(admin_app, tenant, manager, monkeypatch):
    from shared_code.templates import uploads

    monkeypatch.setattr(uploads, "UPLOAD_MAX_BYTES", 2048)
    reply = manager.upload(form_pdf() + b"%" * 70_000, name="Big")
    assert (reply.status, reply.error_code) == (413, "payload_too_large")
    assert _rows(admin_app, tenant.id) == (0, 0)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "A", "colour": "red"}, "colour"),
        ({"name": "A", "contract_category_id": "nope"}, "contract_category_id"),
    ],
)
def test_bad_metadata_is_400_naming_the_field(admin_app, tenant, manager, fields, field):
    reply = manager.upload(form_pdf(), **fields)
    assert (reply.status, reply.error_code) == (400, "validation_error"), reply.body
    assert field in {item["field"] for item in reply.json["error"]["details"]}
    assert _rows(admin_app, tenant.id) == (0, 0)


def test_a_contract_category_of_no_record_is_400(admin_app, tenant, manager):
    reply = manager.upload(form_pdf(), name="A", contract_category_id="00000000-0000-4000-8000-000000000000")
    assert (reply.status, reply.error_code) == (400, "validation_error")
    assert _rows(admin_app, tenant.id) == (0, 0)


def test_a_live_templates_name_is_taken(admin_app, tenant, manager):
    assert manager.upload(form_pdf(), name="Twin").status == 202
    reply = manager.upload(form_pdf(seed=3), name="Twin")
    assert (reply.status, reply.error_code) == (409, "conflict")
    assert _rows(admin_app, tenant.id) == (1, 1)


def test_other_bodies_are_415_and_forms_need_one_file(admin_app, tenant, manager):
    from tests.documents.client import send

    json_body = send(manager.client, "POST", "/templates", b'{"name": "A"}', "application/json")
    assert (json_body.status, json_body.error_code) == (415, "unsupported_media_type")
    wrong_field = manager.upload(form_pdf(), name="A")  # the right one, to compare
    assert wrong_field.status == 202
    from urllib3 import encode_multipart_formdata

    body, form_type = encode_multipart_formdata([("name", "B"), ("document", ("f.pdf", form_pdf(), "application/pdf"))])
    reply = send(manager.client, "POST", "/templates", body, form_type)
    assert (reply.status, reply.error_code) == (400, "validation_error")


def test_a_version_of_an_unknown_or_retired_template_is_404(admin_app, tenant, manager):
    template = manager.upload(form_pdf(), name="Old").data
    assert manager.client.delete(f"/templates/{template['id']}").status == 200
    assert manager.add_version(template["id"], form_pdf(seed=4)).status == 404
    assert manager.add_version("00000000-0000-4000-8000-000000000000", form_pdf()).status == 404
    assert _rows(admin_app, tenant.id) == (1, 1)


def test_when_storing_fails_the_version_says_so(admin_app, tenant, manager, monkeypatch):
    from shared_code.core.storage import BlobStore

    def refuse(self, container, name, source, **kwargs):
        raise ConnectionError("storage is down")

    monkeypatch.setattr(BlobStore, "upload_stream", refuse)
    reply = manager.upload(form_pdf(), name="Unlucky")
    assert (reply.status, reply.error_code) == (503, "unavailable"), reply.body
    template_id = reply.json["error"]["details"]["template_id"]
    monkeypatch.undo()
    detail = manager.get(template_id).data
    assert (detail["status"], detail["version"]) == ("failed", 1)
    assert "could not be stored" in detail["error"]
    # ... and the template takes its file again as a new version
    assert manager.add_version(template_id, form_pdf()).data["version"] == 2
