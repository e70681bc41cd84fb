"""A document's metadata through the generic REST routes: edits with references checked, the status
lifecycle (its own route), list filters and search, soft delete (the file stays) and restore."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shared_code.core import names
from tests.documents import pdfs
from tests.support.api import caller, resolve, seed_tenant


@pytest.fixture
def uploaded(docs):
    def upload(file_name: str = "scan.pdf", *, marker: str | None = None, **fields) -> dict:
        reply = docs.upload_form(pdfs.make_pdf(1, marker=marker or file_name), file_name, **fields)
        assert reply.status == 201, reply.json
        return reply.data

    return upload


def test_documents_are_not_created_from_json():
    # A document comes from a file: there is no JSON create route at all, not even one in the API
    # description (bundles, made from JSON, keep theirs).
    from functions._http import ROUTES
    from shared_code.core.http.openapi import build_openapi

    with pytest.raises(LookupError):
        resolve("POST", "/documents")
    assert resolve("POST", "/documents/upload")[0].name == "documents_upload"
    assert resolve("POST", "/bundles")[0].name == "bundles_create"
    paths = build_openapi(ROUTES, title="PACT", version="1", server_url="/api/v1")["paths"]
    assert set(paths["/documents"]) == {"get"}
    assert set(paths["/bundles"]) == {"get", "post"}


def test_metadata_edits_check_their_references(admin_app, docs, manager, uploaded):
    document = uploaded()
    account = manager.post("/accounts", {"name": "Mercy", "number": "M-1"}).data
    contract = manager.post("/contracts", {"name": "IV pumps", "number": "C-1"}).data
    path = f"/documents/{document['id']}"
    changed = docs.client.patch(
        path,
        {
            "title": "Participation form",
            "description": "from the fax",
            "document_type": "participation_form",
            "account_id": account["id"],
            "contract_id": contract["id"],
        },
    )
    assert changed.status == 200 and changed.headers["etag"] == '"2"'
    assert {k: changed.data[k] for k in ("title", "description", "document_type", "account_id", "contract_id")} == {
        "title": "Participation form",
        "description": "from the fax",
        "document_type": "participation_form",
        "account_id": account["id"],
        "contract_id": contract["id"],
    }

    foreign = (
        caller(admin_app, seed_tenant(admin_app).users["Manager"])
        .post("/accounts", {"name": "Elsewhere", "number": "E-1"})
        .data
    )
    for body in (
        {"account_id": foreign["id"]},
        {"account_id": str(uuid.uuid4())},
        {"document_type": "recipe"},
        {"sha256": "0" * 64},
        {"file_name": "other.pdf"},
        {"status": "deleted"},
        {"status": "draft"},
    ):
        reply = docs.client.patch(path, body)
        assert (reply.status, reply.error_code) == (400, "validation_error"), body
    assert docs.get(document["id"]).data["version"] == 2


def test_the_status_moves_only_along_the_lifecycle(docs, uploaded):
    path = f"/documents/{uploaded()['id']}"
    for status in ("processing", "review", "completed", "archived"):
        reply = docs.client.post(f"{path}/status", {"status": status, "reason": f"now {status}"})
        assert (reply.status, reply.data["status"]) == (200, status)
    backwards = docs.client.post(f"{path}/status", {"status": "processing", "reason": "try again"})
    assert (backwards.status, backwards.error_code) == (409, "conflict")
    assert "from archived to processing" in backwards.json["error"]["message"]
    assert docs.get(path.rsplit("/", 1)[1]).data["status"] == "archived"


def test_lists_filter_by_status_account_type_hash_and_date_and_search_titles_and_file_names(docs, manager, uploaded):
    account = manager.post("/accounts", {"name": "Mercy", "number": "M-1"}).data
    form = uploaded(
        "participation.pdf", title="Mercy participation", account_id=account["id"], document_type="participation_form"
    )
    letter = uploaded("commitment-letter.pdf", title="Letter of commitment", document_type="letter_of_commitment")
    scan = uploaded("fax-0001.pdf", title="Returned fax")
    docs.client.post(f"/documents/{scan['id']}/status", {"status": "review", "reason": "unreadable code"})

    def ids(**params) -> set[str]:
        reply = docs.client.get("/documents", **params)
        assert reply.status == 200, reply.json
        return {row["id"] for row in reply.data}

    assert ids() == {form["id"], letter["id"], scan["id"]}
    assert ids(status="review") == {scan["id"]}
    assert ids(account_id=account["id"]) == {form["id"]}
    assert ids(document_type="letter_of_commitment") == {letter["id"]}
    assert ids(sha256=scan["sha256"]) == {scan["id"]} and ids(sha256=hashlib.sha256(b"other").hexdigest()) == set()
    assert ids(q="participation") == {form["id"]} and ids(q="COMMITMENT-letter.pdf") == {letter["id"]}  # file name
    today = datetime.now(UTC).date()
    assert ids(created_at_from=today.isoformat()) == ids()
    assert ids(created_at_to=(today - timedelta(days=1)).isoformat()) == set()
    newest_first = [row["id"] for row in docs.client.get("/documents").data]
    assert newest_first == [scan["id"], letter["id"], form["id"]]
    assert [r["title"] for r in docs.client.get("/documents", sort="title").data] == [
        "Letter of commitment",
        "Mercy participation",
        "Returned fax",
    ]
    assert docs.client.get("/documents", sha256="not-a-hash").status == 400


def test_delete_is_soft_the_file_stays_and_restore_brings_it_back(admin_app, tenant, docs, manager, uploaded):
    document = uploaded()
    path = f"/documents/{document['id']}"
    assert manager.delete(path).status == 200
    assert docs.get(document["id"]).status == 404
    assert docs.client.get("/documents", deleted=True).meta["total"] == 1
    assert admin_app.blobs.exists(names.DOCUMENTS, f"{tenant.id}/{document['id']}.pdf")
    restored = manager.post(f"{path}/restore")
    assert restored.status == 200 and docs.content(document["id"]).status == 200
