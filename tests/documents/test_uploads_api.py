"""Direct uploads through the real pipeline, real PDFs and real Azurite: a PDF in the request becomes a
document (file, thumbnail, pages, audit entry); anything else is refused and leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
import sqlalchemy as sa

from shared_code.core import names
from tests.documents import pdfs
from tests.documents.client import Documents, send
from tests.documents.state import stored
from tests.support.api import caller, seed_tenant


def _rows(app, tenant_id, model, **where):
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        statement = sa.select(model).filter_by(**where)
        return list(uow.session.scalars(statement))


def test_a_multipart_upload_becomes_a_document_with_file_thumbnail_and_pages(admin_app, tenant, docs):
    from PIL import Image

    from shared_code.core.audit import AuditLog
    from shared_code.documents.models import Page

    data = pdfs.make_pdf(sizes=[pdfs.LETTER, pdfs.A4, (842.0, 595.0)], rotations=[0, 0, 90])
    reply = docs.upload_form(data, "Mercy Général participation form.pdf", description="signed copy")

    assert reply.status == 201, reply.json
    document = reply.data
    assert document["sha256"] == hashlib.sha256(data).hexdigest()
    assert document["size_bytes"] == len(data) and document["page_count"] == 3
    assert document["status"] == "uploaded" and document["content_type"] == "application/pdf"
    assert document["file_name"] == "Mercy Général participation form.pdf"
    assert document["title"] == "Mercy Général participation form"  # the file name, when no title is given
    assert document["description"] == "signed copy" and document["has_thumbnail"] is True
    assert document["duplicates"] == [] and reply.headers["etag"] == '"1"'

    blob = f"{tenant.id}/{document['id']}"
    assert admin_app.blobs.read_bytes(names.DOCUMENTS, f"{blob}.pdf") == data
    assert admin_app.blobs.properties(names.DOCUMENTS, f"{blob}.pdf").content_type == "application/pdf"
    thumbnail = Image.open(io.BytesIO(admin_app.blobs.read_bytes(names.THUMBNAILS, f"{blob}.png")))
    assert thumbnail.format == "PNG" and thumbnail.size == (200, 259)  # letter, 200 px wide

    pages = sorted(
        _rows(admin_app, tenant.id, Page, document_id=uuid.UUID(document["id"])), key=lambda p: p.page_number
    )
    assert [(p.page_number, p.width_points, p.height_points, p.rotation) for p in pages] == [
        (1, 612.0, 792.0, 0),
        (2, 595.0, 842.0, 0),
        (3, 595.0, 842.0, 90),
    ]  # as shown: turned
    created = _rows(admin_app, tenant.id, AuditLog, action="document.create", entity_id=document["id"])
    assert len(created) == 1 and created[0].changes["sha256"]["after"] == document["sha256"]
    assert docs.get(document["id"]).data["page_count"] == 3


def test_a_raw_pdf_body_takes_its_metadata_from_the_query(admin_app, tenant, docs, manager):
    account = manager.post("/accounts", {"name": "Mercy General", "number": "M-1"}).data
    data = pdfs.make_pdf(2)
    reply = docs.upload_pdf(
        data,
        title="Participation form",
        file_name="pf.pdf",
        document_type="participation_form",
        account_id=account["id"],
    )
    assert reply.status == 201, reply.json
    assert (reply.data["title"], reply.data["file_name"], reply.data["document_type"], reply.data["account_id"]) == (
        "Participation form",
        "pf.pdf",
        "participation_form",
        account["id"],
    )
    assert docs.client.get("/documents", account_id=account["id"]).meta["total"] == 1


def test_a_form_may_take_its_metadata_from_the_query_too(admin_app, tenant, docs):
    reply = docs.upload_form(
        pdfs.make_pdf(1),
        "part-name.pdf",
        description="from the form",
        params={"title": "From the query", "file_name": "query-name.pdf"},
    )
    assert reply.status == 201, reply.json
    assert (reply.data["title"], reply.data["description"], reply.data["file_name"]) == (
        "From the query",
        "from the form",
        "query-name.pdf",
    )


def test_the_same_content_twice_is_accepted_and_reported_as_a_duplicate(admin_app, tenant, docs, manager):
    data = pdfs.make_pdf(1, marker="same")
    first = docs.upload_form(data, "first.pdf").data
    second = docs.upload_form(data, "second.pdf")
    assert second.status == 201 and second.data["id"] != first["id"]
    assert [d["id"] for d in second.data["duplicates"]] == [first["id"]]
    assert second.data["duplicates"][0]["file_name"] == "first.pdf"
    assert "same content" in second.json["message"]
    # Deleted documents are not live: they are not reported.
    assert manager.delete(f"/documents/{first['id']}").status == 200
    third = docs.upload_form(data, "third.pdf").data
    assert [d["id"] for d in third["duplicates"]] == [second.data["id"]]
    # Another tenant's copy is never reported.
    other = Documents(caller(admin_app, seed_tenant(admin_app).users["User"]))
    assert other.upload_form(data).data["duplicates"] == []


@pytest.mark.parametrize(
    ("content", "status", "code", "says"),
    [
        (pdfs.not_a_pdf(), 415, "unsupported_media_type", "not a PDF"),
        (b"", 415, "unsupported_media_type", "empty"),
        (b"%PDF", 415, "unsupported_media_type", "not a PDF"),
        (pdfs.damaged_pdf(), 422, "unprocessable", "damaged"),
        (pdfs.truncated_pdf(), 422, "unprocessable", "damaged"),
        (pdfs.encrypt(pdfs.make_pdf(1)), 422, "unprocessable", "encrypted"),
        (pdfs.encrypt(pdfs.make_pdf(1), user_password=""), 422, "unprocessable", "encrypted"),
    ],
    ids=["png", "empty", "short", "damaged", "truncated", "password", "owner-password-only"],
)
def test_content_that_is_not_a_readable_pdf_is_refused_and_nothing_is_left(
    admin_app, tenant, docs, content, status, code, says
):
    for reply in (docs.upload_form(content, "looks-fine.pdf"), docs.upload_pdf(content)):
        assert (reply.status, reply.error_code) == (status, code), reply.json
        assert says in reply.json["error"]["message"]
    assert stored(admin_app, tenant.id).empty


def test_a_body_over_the_direct_limit_is_413_and_points_to_large_uploads(admin_app, tenant, docs, monkeypatch):
    from shared_code.documents import uploads

    monkeypatch.setattr(uploads, "DIRECT_UPLOAD_MAX_BYTES", 100 * 1024)
    padded = pdfs.make_pdf(1) + b"%" + b"x" * (200 * 1024) + b"\n"
    for reply in (docs.upload_pdf(padded), docs.upload_form(padded)):
        assert (reply.status, reply.error_code) == (413, "payload_too_large")
        assert "/documents/uploads" in reply.json["error"]["message"]
    # Just under the body limit, the file itself is still measured against it.
    slightly_over = pdfs.make_pdf(1) + b"%" + b"x" * (110 * 1024) + b"\n"
    reply = docs.upload_form(slightly_over)
    assert (reply.status, reply.error_code) == (413, "payload_too_large")
    assert stored(admin_app, tenant.id).empty


def test_other_bodies_and_malformed_forms_are_refused(admin_app, tenant, docs):
    data = pdfs.make_pdf(1)
    refused = {
        "json": send(docs.client, "POST", "/documents/upload", b'{"file": "x"}', "application/json"),
        "no content type": send(docs.client, "POST", "/documents/upload", data, None),
        "no file": docs.upload_form(data, field="attachment"),
        "unknown field": docs.upload_form(data, colour="blue"),
        "no boundary": send(docs.client, "POST", "/documents/upload", data, "multipart/form-data"),
        "unknown query": docs.upload_pdf(data, colour="blue"),
        "unknown type": docs.upload_form(data, document_type="no_such_type"),
        "unknown account": docs.upload_form(data, account_id=str(uuid.uuid4())),
        "bad account": docs.upload_pdf(data, account_id="not-a-uuid"),
        # A field given twice would keep one value silently (the host joins a repeated query parameter).
        "field twice": docs.upload_form(data, description=["first", "second"]),
        "query parameter twice": docs.upload_pdf(data, title=["First", "Second"]),
        "in the form and the query": docs.upload_form(data, title="Form", params={"title": "Query"}),
        "bad query with a form": docs.upload_form(data, params={"contract_id": "not-a-uuid"}),
    }
    statuses = {name: (reply.status, reply.error_code) for name, reply in refused.items()}
    assert statuses == {
        "json": (415, "unsupported_media_type"),
        "no content type": (415, "unsupported_media_type"),
        **{name: (400, "validation_error") for name in list(refused)[2:]},
    }
    assert stored(admin_app, tenant.id).empty


def test_a_viewer_cannot_upload(admin_app, tenant):
    viewer = Documents(caller(admin_app, tenant.users["Viewer"]))
    reply = viewer.upload_form(pdfs.make_pdf(1))
    assert (reply.status, reply.error_code) == (403, "forbidden")
    assert stored(admin_app, tenant.id).empty


def test_a_failure_after_the_file_is_stored_removes_it_again(admin_app, tenant, docs, monkeypatch):
    # The thumbnail write fails after the file itself was written: the row rolls back, the file goes.
    original = type(admin_app.blobs).upload_bytes

    def failing_thumbnail(self, container, name, data, **kwargs):
        if container == names.THUMBNAILS:
            original(self, container, name, data, **kwargs)
            raise ConnectionError("storage went away")
        return original(self, container, name, data, **kwargs)

    monkeypatch.setattr(type(admin_app.blobs), "upload_bytes", failing_thumbnail)
    reply = docs.upload_form(pdfs.make_pdf(1))
    assert reply.status == 500
    assert stored(admin_app, tenant.id).empty


def test_a_commit_that_fails_removes_the_stored_files(admin_app, tenant, docs, monkeypatch):
    from shared_code.core.uow import UnitOfWork

    def failing_commit(self):
        raise RuntimeError("the database went away at commit")

    monkeypatch.setattr(UnitOfWork, "commit", failing_commit)
    reply = docs.upload_form(pdfs.make_pdf(2))
    monkeypatch.undo()
    assert reply.status == 500
    assert stored(admin_app, tenant.id).empty


def test_the_api_description_shows_both_upload_bodies():
    from functions._http import ROUTES
    from shared_code.core.http.openapi import build_openapi
    from shared_code.documents.schemas import DocumentMetadata

    paths = build_openapi(ROUTES, title="PACT", version="1", server_url="/api/v1")["paths"]
    content = paths["/documents/upload"]["post"]["requestBody"]["content"]
    assert set(content) == {"multipart/form-data", "application/pdf"}
    form = content["multipart/form-data"]
    # The form's fields are exactly those the form parser accepts, the file among them.
    assert set(form["schema"]["properties"]) == {"file", *DocumentMetadata.model_fields}
    assert form["schema"]["required"] == ["file"]
    assert form["encoding"]["file"]["contentType"] == "application/pdf"
    assert content["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
