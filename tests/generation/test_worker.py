"""The `generate` worker: a chunk that dies half-way and is delivered again leaves exactly one document per
account; and every page's code reads back from a rendered page to its generation and page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shared_code.core import names
from shared_code.documents.models import Document
from shared_code.generation import batches
from shared_code.generation.models import Generation
from shared_code.generation.payload import decode_payload
from shared_code.pdf.codes import read_codes
from shared_code.pdf.document import open_pdf
from shared_code.pdf.render import render_page
from tests.generation.conftest import deliver, make_world, take_messages

GOOD = {f"Account {n}": {"contact_name": f"Contact {n}"} for n in range(1, 6)}


class Crash(RuntimeError):
    """The worker dies (after the blob is written, before its row is committed)."""


def test_a_chunk_that_dies_half_way_and_is_redelivered_leaves_one_document_per_account(
    admin_app, tenant, manager, monkeypatch
):
    world = make_world(admin_app, tenant, accounts=GOOD)
    monkeypatch.setattr(batches, "CHUNK_SIZE", 3)  # two chunks: 3 + 2
    batch = manager.post(
        "/batches", {"template_id": world.template_id, "contract_id": str(world.contract_id), "candidates": {}}
    ).data
    first, second = take_messages(admin_app, batch["id"])

    real_upload, written = admin_app.blobs.upload_bytes, []

    def dies_after_the_second_blob(container, name, data, **kwargs):
        stored = real_upload(container, name, data, **kwargs)
        written.append(name)
        if len(written) == 2:
            raise Crash("killed between writing the blob and committing")
        return stored

    monkeypatch.setattr(admin_app.blobs, "upload_bytes", dies_after_the_second_blob)
    with pytest.raises(Crash):
        deliver(first)
    monkeypatch.setattr(admin_app.blobs, "upload_bytes", real_upload)
    half = manager.get(f"/batches/{batch['id']}").data
    assert (half["status"], half["progress"]["generated"], half["progress"]["pending"]) == ("running", 1, 4)

    deliver(first)  # the host delivers the failed message again
    deliver(second)
    deliver(second)  # and one twice
    done = manager.get(f"/batches/{batch['id']}").data
    assert done["status"] == "completed" and done["progress"]["generated"] == 5
    document_ids = [d["document_id"] for d in done["documents"]]
    assert len(set(document_ids)) == 5 and None not in document_ids
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        documents = list(uow.session.scalars(sa.select(Document)))
        per_account = uow.session.execute(
            sa.select(Generation.account_id, sa.func.count()).group_by(Generation.account_id)
        ).all()
    assert sorted(str(d.id) for d in documents) == sorted(document_ids)
    assert {count for _, count in per_account} == {1} and len(per_account) == 5
    blobs = [b.name for b in admin_app.blobs.list(names.DOCUMENTS, prefix=f"{tenant.id}/")]
    assert sorted(blobs) == sorted(d.blob_name for d in documents)  # the crashed item's blob was overwritten


@pytest.mark.parametrize("dpi", [150, 200])
def test_every_pages_code_reads_back_to_its_generation_and_page(admin_app, tenant, manager, dpi):
    world = make_world(admin_app, tenant, accounts=dict(list(GOOD.items())[:1]))
    batch = manager.post(
        "/batches", {"template_id": world.template_id, "contract_id": str(world.contract_id), "candidates": {}}
    ).data
    [message] = take_messages(admin_app, batch["id"])
    deliver(message)
    [item] = manager.get(f"/batches/{batch['id']}").data["documents"]
    pdf = manager.get(f"/documents/{item['document_id']}/content").body
    with open_pdf(pdf) as document:
        read = []
        for index in range(len(document)):
            [found] = read_codes(render_page(document, index, dpi=dpi))
            read.append(decode_payload(found.text, admin_app.code_keys))
    assert [(str(p.generation_id), p.page, p.page_count) for p in read] == [
        (item["generation_id"], 1, 2),
        (item["generation_id"], 2, 2),
    ]
    assert {p.key_id for p in read} == {"G"}
