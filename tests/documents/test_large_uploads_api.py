"""Large uploads: the client writes the file straight to Azurite through a write-only link, then completes
the upload; the server streams the blob to check it, copies it server-side and registers the document."""

from __future__ import annotations

import hashlib
import io

import pytest
import requests

from shared_code.core import names
from tests.documents import pdfs
from tests.documents.client import Documents, put_blob, put_blocks
from tests.documents.state import stored
from tests.support.api import caller, seed_tenant


def _start(docs: Documents, **plan) -> dict:
    reply = docs.start_upload(**plan)
    assert reply.status == 201, reply.json
    return reply.data


def test_a_file_put_through_the_link_becomes_a_document(admin_app, tenant, docs):
    from bench.upload import write_padded_pdf

    ticket = _start(docs, file_name="big scan.pdf")
    assert ticket["max_bytes"] == admin_app.settings.max_upload_bytes
    buffer = io.BytesIO()
    write_padded_pdf(buffer, 9 * 1024 * 1024)  # more than two of the server's 4 MiB chunks
    data = buffer.getvalue()
    put_blocks(ticket["upload_url"], io.BytesIO(data), block_size=1024 * 1024)  # the SDK, with the link alone

    reply = docs.complete(ticket["upload_id"], file_name="big scan.pdf", title="Big scan",
                          document_type="returned_scan")
    assert reply.status == 201, reply.json
    document = reply.data
    assert document["id"] == ticket["upload_id"]
    assert (document["size_bytes"], document["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    assert (document["page_count"], document["title"], document["file_name"]) == (1, "Big scan", "big scan.pdf")
    assert document["document_type"] == "returned_scan" and document["has_thumbnail"]

    blob = f"{tenant.id}/{document['id']}"
    properties = admin_app.blobs.properties(names.DOCUMENTS, f"{blob}.pdf")
    assert (properties.size, properties.content_type) == (len(data), "application/pdf")
    assert hashlib.sha256(b"".join(admin_app.blobs.iter_chunks(names.DOCUMENTS, f"{blob}.pdf"))).hexdigest() == \
        document["sha256"]
    assert admin_app.blobs.read_bytes(names.THUMBNAILS, f"{blob}.png").startswith(pdfs.PNG_MAGIC)
    assert stored(admin_app, tenant.id).blobs == (f"documents/{blob}.pdf", f"thumbnails/{blob}.png")  # temp is gone


def test_completing_again_answers_with_the_same_document(admin_app, tenant, docs):
    ticket = _start(docs)
    assert put_blob(ticket["upload_url"], pdfs.make_pdf(2)).status_code == 201
    first = docs.complete(ticket["upload_id"])
    again = docs.complete(ticket["upload_id"], title="ignored")
    assert (first.status, again.status) == (201, 200)
    assert again.data["id"] == first.data["id"] and again.data["title"] == first.data["title"]
    assert docs.client.get("/documents").meta["total"] == 1 and stored(admin_app, tenant.id).pages == 2


def test_a_duplicate_by_content_is_reported(admin_app, tenant, docs):
    data = pdfs.make_pdf(1, marker="twice")
    direct = docs.upload_form(data).data
    ticket = _start(docs)
    put_blob(ticket["upload_url"], data)
    reply = docs.complete(ticket["upload_id"])
    assert reply.status == 201 and [d["id"] for d in reply.data["duplicates"]] == [direct["id"]]


def test_the_link_writes_one_blob_and_nothing_else(admin_app, tenant, docs):
    ticket = _start(docs)
    url = ticket["upload_url"]
    assert put_blob(url, pdfs.make_pdf(1)).status_code == 201
    base, _, token = url.partition("?")
    refused = {
        "read it": requests.get(url, timeout=10),
        "delete it": requests.delete(url, timeout=10),
        "write another blob": put_blob(base.rsplit("/", 1)[0] + "/other.pdf?" + token, b"%PDF-"),
        "list the container": requests.get(base.split("/uploads/")[0] + "?restype=container&comp=list&" + token,
                                           timeout=10),
    }
    assert {name: reply.status_code for name, reply in refused.items()} == dict.fromkeys(refused, 403)
    assert admin_app.blobs.exists(names.TEMP, f"uploads/{tenant.id}/{ticket['upload_id']}.pdf")


def test_an_unknown_or_unwritten_upload_is_not_found(admin_app, tenant, docs):
    import uuid

    ticket = _start(docs)  # a link, but nothing was put
    for upload_id in (ticket["upload_id"], str(uuid.uuid4()), "not-an-id"):
        reply = docs.complete(upload_id)
        assert (reply.status, reply.error_code) == (404, "not_found"), upload_id
    assert stored(admin_app, tenant.id).empty


def test_another_tenants_upload_cannot_be_completed(admin_app, tenant, docs):
    other = Documents(caller(admin_app, seed_tenant(admin_app).users["User"]))
    ticket = _start(other)
    put_blob(ticket["upload_url"], pdfs.make_pdf(1))
    reply = docs.complete(ticket["upload_id"])
    assert (reply.status, reply.error_code) == (404, "not_found")
    assert stored(admin_app, tenant.id).empty
    assert other.complete(ticket["upload_id"]).status == 201  # it was there all along, for its own tenant


@pytest.mark.parametrize(("content", "status"), [
    (pdfs.not_a_pdf(), 415), (pdfs.damaged_pdf(), 422), (pdfs.encrypt(pdfs.make_pdf(1)), 422),
], ids=["png", "damaged", "encrypted"])
def test_refused_content_is_deleted_and_nothing_is_registered(admin_app, tenant, docs, content, status):
    ticket = _start(docs)
    put_blob(ticket["upload_url"], content)
    reply = docs.complete(ticket["upload_id"])
    assert reply.status == status, reply.json
    assert stored(admin_app, tenant.id).empty  # the refused upload is gone too


def test_a_reference_error_keeps_the_upload_for_a_corrected_completion(admin_app, tenant, docs):
    import uuid

    ticket = _start(docs)
    put_blob(ticket["upload_url"], pdfs.make_pdf(1))
    wrong = docs.complete(ticket["upload_id"], account_id=str(uuid.uuid4()))
    assert (wrong.status, wrong.error_code) == (400, "validation_error")
    assert stored(admin_app, tenant.id).blobs == (f"temp/uploads/{tenant.id}/{ticket['upload_id']}.pdf",)
    assert docs.complete(ticket["upload_id"]).status == 201


@pytest.fixture
def small_limit(admin_app, monkeypatch):
    """The app again, with uploads limited to 64 KiB."""
    from shared_code.core.bootstrap import reset_container
    from shared_code.core.runtime import started_container

    monkeypatch.setenv("PACT_MAX_UPLOAD_BYTES", str(64 * 1024))
    reset_container()
    return started_container()


def test_files_over_the_limit_are_refused_early_and_deleted(small_limit, tenant, docs):
    assert docs.start_upload(size_bytes=64 * 1024 + 1).status == 413
    ticket = _start(docs)
    assert ticket["max_bytes"] == 64 * 1024
    put_blob(ticket["upload_url"], pdfs.make_pdf(1) + b"%" + b"x" * (64 * 1024) + b"\n")
    reply = docs.complete(ticket["upload_id"])
    assert (reply.status, reply.error_code) == (413, "payload_too_large")
    assert stored(small_limit, tenant.id).empty
