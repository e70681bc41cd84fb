"""Reading documents back: a read link that works and then expires, the bytes themselves, the thumbnail."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import requests

from tests.documents import pdfs


def _uploaded(docs, data: bytes, file_name: str = "Ärzte & Co.pdf") -> dict:
    reply = docs.upload_form(data, file_name)
    assert reply.status == 201, reply.json
    return reply.data


def test_the_download_link_reads_the_file_under_its_name(docs):
    data = pdfs.make_pdf(2)
    document = _uploaded(docs, data)
    reply = docs.download(document["id"])
    assert reply.status == 200 and reply.data["file_name"] == "Ärzte & Co.pdf"
    expires = datetime.fromisoformat(reply.data["expires_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=14) < expires - datetime.now(UTC) <= timedelta(minutes=15)
    fetched = requests.get(reply.data["url"], timeout=10)
    assert fetched.status_code == 200 and fetched.content == data
    assert fetched.headers["content-disposition"] == 'attachment; filename="Arzte _ Co.pdf"'
    assert fetched.headers["content-type"] == "application/pdf"


def test_a_download_link_stops_working_when_it_expires(admin_app, tenant, docs):
    from shared_code.documents.downloads import download_link

    document = _uploaded(docs, pdfs.make_pdf(1))
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        link = download_link(admin_app, uow.session, uuid.UUID(document["id"]), ttl=timedelta(seconds=2))
    assert requests.get(link.url, timeout=10).status_code == 200
    time.sleep(max(0.0, (link.expires_at - datetime.now(UTC)).total_seconds()) + 1.5)
    assert requests.get(link.url, timeout=10).status_code == 403


def test_the_content_route_answers_with_the_pdf_itself(docs):
    data = pdfs.make_pdf(3)
    document = _uploaded(docs, data, "Übersicht.pdf")
    reply = docs.content(document["id"])
    assert (reply.status, reply.content_type, reply.body) == (200, "application/pdf", data)
    assert reply.headers["content-disposition"] == (
        "inline; filename=\"Ubersicht.pdf\"; filename*=UTF-8''%C3%9Cbersicht.pdf")


def test_a_file_too_big_to_answer_in_memory_points_to_the_link(docs, monkeypatch):
    from shared_code.documents import downloads

    document = _uploaded(docs, pdfs.make_pdf(1))
    monkeypatch.setattr(downloads, "CONTENT_MAX_BYTES", 100)
    reply = docs.content(document["id"])
    assert (reply.status, reply.error_code) == (413, "payload_too_large")
    assert "/download" in reply.json["error"]["message"]


def test_the_thumbnail_is_a_png_of_the_first_page(docs):
    import io

    from PIL import Image

    document = _uploaded(docs, pdfs.make_pdf(sizes=[pdfs.A4, pdfs.LETTER]))
    reply = docs.thumbnail(document["id"])
    assert reply.status == 200 and reply.content_type == "image/png"
    assert Image.open(io.BytesIO(reply.body)).size == (198, 280)  # A4 is taller: the height decides


def test_deleted_or_unknown_documents_are_not_found(docs, manager):
    document = _uploaded(docs, pdfs.make_pdf(1))
    assert manager.delete(f"/documents/{document['id']}").status == 200
    for document_id in (document["id"], str(uuid.uuid4()), "nope"):
        for reply in (docs.download(document_id), docs.content(document_id), docs.thumbnail(document_id)):
            assert (reply.status, reply.error_code) == (404, "not_found"), document_id
