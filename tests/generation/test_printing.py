"""Print files of a batch, from real generated PDFs through the API and Azurite: every document in print
order, cover sheets addressed for a window envelope, splits that never cut a document, links that
download the files, the same options writing the same files, and failed documents left out and named."""

from __future__ import annotations

import io

import pytest
import requests
from pypdf import PdfReader

from shared_code.core import names
from shared_code.pdf.document import open_pdf
from tests.generation.conftest import make_world, take_messages, work_queue

# In print order (the batch's account_ids); Cobalt has no contact, a required field: its document fails.
ACCOUNTS = {
    "Elm Pharmacy": {
        "contact_name": "Di Ro",
        "address_line1": "77 Pine Rd",
        "city": "Boise",
        "state": "ID",
        "postal_code": "83702",
    },
    "Alder Clinic": {
        "contact_name": "Ada Moss",
        "address_line1": "12 Oak St",
        "address_line2": "Suite 4",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
    },
    "Cobalt Care": {"address_line1": "5 Bay Rd", "city": "Erie", "state": "PA", "postal_code": "16501"},
    "Dune Health": {
        "contact_name": "Cy Park",
        "address_line1": "1 Main St",
        "city": "Austin",
        "state": "TX",
        "postal_code": "73301",
    },
    "Birch Hospital": {
        "contact_name": "Bo Lind",
        "address_line1": "9 Elm Ave",
        "city": "Portland",
        "state": "OR",
        "postal_code": "97201",
    },
}
PRINTED = ["Elm Pharmacy", "Alder Clinic", "Dune Health", "Birch Hospital"]
ADDRESS = {
    "Elm Pharmacy": ["Elm Pharmacy", "Attn: Di Ro", "77 Pine Rd", "Boise, ID 83702"],
    "Alder Clinic": ["Alder Clinic", "Attn: Ada Moss", "12 Oak St", "Suite 4", "Springfield, IL 62701"],
    "Dune Health": ["Dune Health", "Attn: Cy Park", "1 Main St", "Austin, TX 73301"],
    "Birch Hospital": ["Birch Hospital", "Attn: Bo Lind", "9 Elm Ave", "Portland, OR 97201"],
}
# The window of a #10 envelope on a tri-folded letter page, in PDF points (origin bottom-left).
WINDOW_LEFT, WINDOW_TOP, WINDOW_BOTTOM = 63, 792 - 153, 792 - 153 - 81


@pytest.fixture
def batch(admin_app, tenant, manager):
    """A completed batch of the five accounts above (four documents of two pages, one failure)."""
    world = make_world(admin_app, tenant, accounts=ACCOUNTS)
    body = {
        "template_id": world.template_id,
        "contract_id": str(world.contract_id),
        "account_ids": [str(world.accounts[name]) for name in ACCOUNTS],
    }
    reply = manager.post("/batches", body)
    assert reply.status == 202, reply.body
    work_queue(admin_app, reply.data["id"])
    detail = manager.get(f"/batches/{reply.data['id']}").data
    assert (detail["status"], detail["progress"]["generated"]) == ("completed", 4)
    return world, detail


def _download(file: dict) -> PdfReader:
    reply = requests.get(file["download_url"], timeout=10)
    assert reply.status_code == 200 and reply.content.startswith(b"%PDF")
    with open_pdf(reply.content) as pdf:  # PDFium opens it too
        assert len(pdf) == file["pages"]
    return PdfReader(io.BytesIO(reply.content), strict=True)


def _lines_at(page) -> list[tuple[str, float, float]]:
    """The page's text runs with where they start (x, y of the text matrix)."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((text.strip(), tm[4], tm[5]))

    page.extract_text(visitor_text=visit)
    return runs


def _document_of(page) -> str:
    text = page.extract_text()
    return next(name for name in PRINTED if name in text)


def test_print_files_hold_every_generated_document_in_order_and_name_those_left_out(batch, manager):
    world, detail = batch
    reply = manager.post(f"/batches/{detail['id']}/print-files", {})
    assert reply.status == 200, reply.body
    (file,) = reply.data["files"]
    assert (file["documents"], file["pages"], file["first_position"], file["last_position"]) == (4, 8, 1, 5)
    reader = _download(file)
    assert len(reader.pages) == 8
    assert [_document_of(reader.pages[i]) for i in range(0, 8, 2)] == PRINTED
    for index, page in enumerate(reader.pages):  # each document's code line, page n of 2, kept as drawn
        assert f"p{index % 2 + 1}/2" in page.extract_text()
    (left_out,) = reply.data["left_out"]
    assert left_out["account_id"] == str(world.accounts["Cobalt Care"])
    assert (left_out["status"], left_out["position"]) == ("failed", 3)
    assert "missing required data: Contact" in left_out["error"]


def test_cover_sheets_put_each_address_in_the_window_and_splits_never_cut_a_document(batch, manager):
    _, detail = batch
    reply = manager.post(f"/batches/{detail['id']}/print-files", {"cover_sheets": True, "max_pages": 7})
    assert reply.status == 200, reply.body
    files = reply.data["files"]
    # 3 pages per account (cover + 2): a third would make 9 > 7, so two accounts a file
    assert [(f["part"], f["documents"], f["pages"]) for f in files] == [(1, 2, 6), (2, 2, 6)]
    assert [(f["first_position"], f["last_position"]) for f in files] == [(1, 2), (4, 5)]
    seen = []
    for file in files:
        reader = _download(file)
        for start in range(0, len(reader.pages), 3):
            cover, first = reader.pages[start], reader.pages[start + 1]
            name = _document_of(first)
            assert cover.extract_text().splitlines() == ADDRESS[name]
            runs = _lines_at(cover)
            assert [text for text, _, _ in runs] == ADDRESS[name]
            assert all(x == WINDOW_LEFT and WINDOW_BOTTOM <= y <= WINDOW_TOP for _, x, y in runs), runs
            assert "p2/2" in reader.pages[start + 2].extract_text()  # the document is whole after its cover
            seen.append(name)
    assert seen == PRINTED


def test_a_document_longer_than_max_pages_is_a_file_of_its_own(batch, manager):
    _, detail = batch
    files = manager.post(f"/batches/{detail['id']}/print-files", {"cover_sheets": True, "max_pages": 2}).data["files"]
    assert [(f["documents"], f["pages"]) for f in files] == [(1, 3)] * 4
    assert [_document_of(_download(f).pages[1]) for f in files] == PRINTED


def test_the_same_options_overwrite_the_same_files_and_listing_gives_fresh_links(batch, manager, admin_app, tenant):
    _, detail = batch
    path = f"/batches/{detail['id']}/print-files"
    first = manager.post(path, {"max_pages": 4}).data["files"]
    again = manager.post(path, {"max_pages": 4}).data["files"]
    assert [f["name"] for f in first] == [f["name"] for f in again] and len(first) == 2
    prefix = f"{tenant.id}/batches/{detail['id']}/"
    assert len(list(admin_app.blobs.list(names.EXPORTS, prefix=prefix))) == 2  # overwritten, not added
    manager.post(path, {"cover_sheets": True})  # other options: other files, beside the first
    listed = manager.get(path)
    assert listed.status == 200, listed.body
    names_listed = [f["name"] for f in listed.data["files"]]
    assert names_listed == ["print-cover-all-001.pdf", "print-plain-4-001.pdf", "print-plain-4-002.pdf"]
    for file in listed.data["files"]:
        blob = admin_app.blobs.read_bytes(names.EXPORTS, prefix + file["name"])
        assert requests.get(file["download_url"], timeout=10).content == blob
        assert file["size_bytes"] == len(blob)
    assert [f["pages"] for f in listed.data["files"]] == [12, 4, 4]
    assert len(listed.data["left_out"]) == 1


def test_print_files_are_refused_until_the_batch_is_completed(admin_app, tenant, manager):
    world = make_world(admin_app, tenant, accounts={"Elm Pharmacy": ACCOUNTS["Elm Pharmacy"]})
    body = {
        "template_id": world.template_id,
        "contract_id": str(world.contract_id),
        "account_ids": [str(world.accounts["Elm Pharmacy"])],
    }
    queued = manager.post("/batches", body).data
    reply = manager.post(f"/batches/{queued['id']}/print-files", {"cover_sheets": True})
    assert (reply.status, reply.error_code) == (409, "conflict"), reply.body
    assert manager.get(f"/batches/{queued['id']}/print-files").data["files"] == []
    take_messages(admin_app, queued["id"])  # leave the queue clean for later tests


def test_print_options_are_validated(batch, manager):
    _, detail = batch
    for body in ({"max_pages": 0}, {"cover_sheets": True, "color": "red"}):
        reply = manager.post(f"/batches/{detail['id']}/print-files", body)
        assert reply.status == 400, (body, reply.body)


# -- the writer, on documents made here ----------------------------------------------------------


def _merged(documents: list[bytes], covers: list[list[str]] | None = None, out=None) -> bytes:
    from shared_code.generation.printing import _StreamingPdf

    out = out or io.BytesIO()
    writer = _StreamingPdf(out)
    for index, document in enumerate(documents):
        if covers:
            writer.add_cover(covers[index])
        writer.add_document(PdfReader(io.BytesIO(document)))
    writer.finish()
    return out.getvalue() if isinstance(out, io.BytesIO) else b""


def test_form_fields_are_printed_as_they_show_though_the_file_has_no_form():
    from shared_code.pdf.fill import FieldSpec, fill_pdf
    from tests.templates.forms import form_pdf

    fields = [FieldSpec("account_name", "text", 1, 160, 476, 400, 494), FieldSpec("agree", "checkbox", 1, 0, 0, 1, 1)]
    documents = [
        fill_pdf(form_pdf("Form A", pages=2), {"account_name": name, "agree": True}, fields)
        for name in ("Zebra Clinic", "Yew Care")
    ]
    merged = _merged(documents)
    reader = PdfReader(io.BytesIO(merged), strict=True)
    assert len(reader.pages) == 4 and "/AcroForm" not in reader.trailer["/Root"]
    assert all("/Annots" not in page for page in reader.pages)  # drawn into the page, not left as widgets
    with open_pdf(merged) as pdf:  # PDFium draws no widget outside a form: the values are page content now
        assert "Zebra Clinic" in pdf[0].get_textpage().get_text_range()
        assert "Yew Care" in pdf[2].get_textpage().get_text_range()
        assert "Zebra Clinic" not in pdf[2].get_textpage().get_text_range()


def test_memory_stays_flat_however_many_documents_a_file_holds(tmp_path):
    import tracemalloc

    from tests.templates.forms import form_pdf

    documents = [form_pdf(f"Form {n}", pages=2, acroform=True, seed=n) for n in range(4)]

    def peak(count: int) -> int:
        with open(tmp_path / f"{count}.pdf", "wb") as out:
            tracemalloc.start()
            _merged([documents[n % 4] for n in range(count)], [["A", "1 B St"]] * count, out=out)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert len(PdfReader(tmp_path / f"{count}.pdf").pages) == 3 * count
        return peak

    small, large = peak(25), peak(150)
    assert large < small * 1.5, (small, large)  # 6x the documents, not 6x the memory
