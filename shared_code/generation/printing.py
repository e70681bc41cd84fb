"""Print files of a completed batch: every generated document in print order, optionally each after a cover
sheet addressed for a #10 window envelope, split into files of at most N pages, written to `exports` and
handed out through short-lived links.

A file is written object by object as its documents are read (one document in memory at a time), into a
spooled temporary file that is streamed to storage: memory stays flat however large the batch. pypdf's
writer would keep every page of the file until the end. Names derive from the options, so asking again
with the same options overwrites the same files.
"""

from __future__ import annotations

import gc
import io
import re
import tempfile
import uuid
from array import array
from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)
from sqlalchemy.orm import Session

from shared_code.accounts.models import Account
from shared_code.core import names
from shared_code.core.errors import Conflict, NotFound
from shared_code.documents.models import Document
from shared_code.generation.models import Batch, Generation
from shared_code.generation.schemas import LeftOut, PrintFile, PrintFiles, PrintOptions
from shared_code.pdf.widgets import widget_rect

PRINTABLE = ("completed", "released")  # `released` once the batch status exists (docs/GENERATION.md)
_LETTER = (612, 792)
# The recipient block of a letter tri-folded into a #10 window envelope: 7/8 in from the left edge and
# 2 1/8 in from the top, inside the window's 4 x 1 1/8 in (the usual placement for US window envelopes).
_ADDRESS_LEFT, _ADDRESS_TOP, _ADDRESS_SIZE, _ADDRESS_LEADING = 63, 153, 11, 13
_SPOOL = 8 * 1024 * 1024  # a file spills to disk past this
_HIDDEN = 1 << 1  # annotation flag
_COLLECT_EVERY = 25  # documents; collecting after each costs more than it saves


@dataclass(frozen=True)
class _Item:
    """One generated document, as printed."""

    position: int
    generation_id: uuid.UUID
    blob_name: str
    pages: int  # its document's pages (the cover sheet not counted)
    address: list[str]


def write_print_files(app, session: Session, batch_id: uuid.UUID, options: PrintOptions) -> PrintFiles:
    """Write the batch's print files for `options` (overwriting earlier ones of the same options) and list
    them with fresh links. 409 unless the batch is completed."""
    batch = _printable(session, batch_id)
    items = _items(session, batch.id)
    if not items:
        raise Conflict("the batch has no generated document to print")
    parts = _split(items, options)
    prefix = _prefix(batch, options)
    for number, part in enumerate(parts, start=1):
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL) as spool:
            _write_file(app, spool, part, cover_sheets=options.cover_sheets)
            spool.seek(0)
            app.blobs.upload_stream(names.EXPORTS, f"{prefix}{number:03}.pdf", spool, content_type="application/pdf")
    for stale in app.blobs.list(names.EXPORTS, prefix=prefix):  # a part beyond the count, from another time
        if _part_number(stale.name) > len(parts):
            app.blobs.delete(names.EXPORTS, stale.name)
    return print_files(app, session, batch.id)


def print_files(app, session: Session, batch_id: uuid.UUID) -> PrintFiles:
    """The batch's print files (every option set written so far) with fresh links, and the generations left
    out of them (failed or cancelled, with their reasons)."""
    batch = _find(session, batch_id)
    items = _items(session, batch.id)
    files = []
    for blob in sorted(app.blobs.list(names.EXPORTS, prefix=_prefix(batch)), key=lambda b: b.name):
        options = _options_of(blob.name)
        if options is None:
            continue
        number = _part_number(blob.name)
        parts = _split(items, options)
        part = parts[number - 1] if number <= len(parts) else []
        download = f"batch-{str(batch.id)[:8]}-{blob.name.rsplit('/', 1)[-1]}"
        url, expires = app.blobs.read_url(names.EXPORTS, blob.name, download_name=download)
        files.append(
            PrintFile(
                name=blob.name.rsplit("/", 1)[-1],
                cover_sheets=options.cover_sheets,
                max_pages=options.max_pages,
                part=number,
                documents=len(part),
                pages=sum(_pages(item, options) for item in part),
                first_position=part[0].position if part else None,
                last_position=part[-1].position if part else None,
                size_bytes=blob.size,
                download_url=url,
                expires_at=expires,
            )
        )
    left_out = [
        LeftOut(generation_id=g.id, account_id=g.account_id, position=g.position, status=g.status, error=g.error)
        for g in session.scalars(
            sa.select(Generation)
            .where(Generation.batch_id == batch.id, Generation.status != "generated")
            .order_by(Generation.position)
        )
    ]
    return PrintFiles(batch_id=batch.id, files=files, left_out=left_out)


# -- planning ------------------------------------------------------------------------------------


def _find(session: Session, batch_id: uuid.UUID) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound("no such batch")
    return batch


def _printable(session: Session, batch_id: uuid.UUID) -> Batch:
    batch = _find(session, batch_id)
    if batch.status not in PRINTABLE:
        raise Conflict(f"the batch is {batch.status}: print files are made for a completed batch")
    return batch


def _items(session: Session, batch_id: uuid.UUID) -> list[_Item]:
    rows = session.execute(
        sa.select(Generation.position, Generation.id, Generation.page_count, Document.blob_name, Account)
        .join(Document, Document.id == Generation.document_id)
        .join(Account, Account.id == Generation.account_id)
        .where(Generation.batch_id == batch_id, Generation.status == "generated")
        .order_by(Generation.position)
    )
    return [_Item(position, gid, blob, pages, _address(account)) for position, gid, pages, blob, account in rows]


def _address(account: Account) -> list[str]:
    place = " ".join(p for p in (f"{account.city}," if account.city else None, account.state, account.postal_code) if p)
    lines = [account.name, account.contact_name and f"Attn: {account.contact_name}"]
    lines += [account.address_line1, account.address_line2, place]
    lines.append(None if account.country in (None, "", "US") else account.country)
    return [line for line in lines if line]


def _pages(item: _Item, options: PrintOptions) -> int:
    return item.pages + (1 if options.cover_sheets else 0)


def _split(items: list[_Item], options: PrintOptions) -> list[list[_Item]]:
    """Consecutive runs of documents of at most max_pages pages each; a document is never split, so one
    longer than max_pages is a file of its own."""
    parts: list[list[_Item]] = [[]]
    pages = 0
    for item in items:
        size = _pages(item, options)
        if parts[-1] and options.max_pages and pages + size > options.max_pages:
            parts.append([])
            pages = 0
        parts[-1].append(item)
        pages += size
    return parts


def _prefix(batch: Batch, options: PrintOptions | None = None) -> str:
    base = f"{batch.tenant_id}/batches/{batch.id}/print-"
    if options is None:
        return base
    return f"{base}{'cover' if options.cover_sheets else 'plain'}-{options.max_pages or 'all'}-"


_NAME = re.compile(r"print-(cover|plain)-(all|\d+)-(\d{3,})\.pdf$")


def _options_of(name: str) -> PrintOptions | None:
    match = _NAME.search(name)
    if match is None:
        return None
    limit = None if match[2] == "all" else int(match[2])
    return PrintOptions(cover_sheets=match[1] == "cover", max_pages=limit)


def _part_number(name: str) -> int:
    match = _NAME.search(name)
    return int(match[3]) if match else 0


# -- writing -------------------------------------------------------------------------------------


def _write_file(app, out: BinaryIO, items: list[_Item], *, cover_sheets: bool) -> None:
    writer = _StreamingPdf(out)
    for item in items:
        if cover_sheets:
            writer.add_cover(item.address)
        data = app.blobs.read_bytes(names.DOCUMENTS, item.blob_name)
        writer.add_document(PdfReader(io.BytesIO(data)))
    writer.finish()


class _StreamingPdf:
    """A PDF written as it is built: each object goes out as soon as it is known, and only the offsets and
    the page list stay in memory. Pages are copied with what they reach (resources, content, annotations),
    renumbered; links up the tree (/Parent, an annotation's /P) are cut so nothing else is pulled in."""

    def __init__(self, out: BinaryIO) -> None:
        self._out, self._offsets, self._kids = out, array("q"), ArrayObject()
        self._documents = 0
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self._pages = self._reserve()
        self._font: IndirectObject | None = None

    def add_document(self, reader: PdfReader) -> None:
        mapping: dict[tuple[int, int], IndirectObject] = {}
        pages = [(page.indirect_reference, page) for page in reader.pages]
        for ref, _ in pages:  # known first, so a link to another page of the document lands on its copy
            mapping[(ref.idnum, ref.generation)] = self._reserve()
        for ref, page in pages:
            copy = self._copy(page, mapping, skip=("/Parent", "/Annots", "/Resources", "/Contents"))
            copy[NameObject("/Parent")] = self._pages
            self._flatten_widgets(page, copy, mapping)
            target = mapping[(ref.idnum, ref.generation)]
            self._write(target, copy)
            self._kids.append(target)
        self._documents += 1
        if self._documents % _COLLECT_EVERY == 0:  # a reader is a web of cycles: free the last ones now
            gc.collect()

    def _flatten_widgets(self, page: DictionaryObject, copy: DictionaryObject, mapping: dict) -> None:
        """Form fields drawn into the page as the appearance they show, other annotations kept. The file has
        no form (it is for a printer), and PDFium, for one, draws no widget outside a form."""
        own = page.get("/Resources", DictionaryObject()).get_object()
        resources = self._copy(own, mapping)
        xobjects = DictionaryObject()
        kept, drawn = ArrayObject(), []
        for number, annotation in enumerate(page.get("/Annots", ArrayObject()).get_object()):
            widget = annotation.get_object()
            if widget.get("/Subtype") != "/Widget":
                kept.append(self._copy(annotation, mapping))
                continue
            appearance = _shown_appearance(widget)
            if appearance is None:
                continue
            name = f"/PactField{number}"
            xobjects[NameObject(name)] = self._copy(appearance.indirect_reference, mapping)
            bx0, by0, bx1, by1 = (float(v) for v in appearance["/BBox"])
            x0, y0, x1, y1 = widget_rect(widget)
            sx, sy = (x1 - x0) / ((bx1 - bx0) or 1), (y1 - y0) / ((by1 - by0) or 1)
            drawn.append(f"q {sx:.4f} 0 0 {sy:.4f} {x0 - bx0 * sx:.2f} {y0 - by0 * sy:.2f} cm {name} Do Q")
        if kept:
            copy[NameObject("/Annots")] = kept
        if xobjects:  # beside the page's own XObjects, in a dictionary of this page's
            xobjects.update(self._copy(own.get("/XObject", DictionaryObject()).get_object(), mapping))
            resources[NameObject("/XObject")] = xobjects
        copy[NameObject("/Resources")] = resources
        contents = page.raw_get("/Contents") if "/Contents" in page else None
        streams = [] if contents is None else contents.get_object()  # one stream, or an array of them
        streams = streams if isinstance(streams, ArrayObject) else [contents]
        parts = [self._copy(stream, mapping) for stream in streams]
        if drawn:  # the page's own content in q/Q, so a state it leaves behind cannot move the fields
            parts = [self._stream(b"q"), *parts, self._stream(("Q\n" + "\n".join(drawn)).encode())]
        if parts:
            copy[NameObject("/Contents")] = ArrayObject(parts)

    def _stream(self, data: bytes) -> IndirectObject:
        stream = DecodedStreamObject()
        stream.set_data(data)
        ref = self._reserve()
        self._write(ref, stream)
        return ref

    def add_cover(self, lines: list[str]) -> None:
        if self._font is None:
            self._font = self._reserve()
            font = DictionaryObject({NameObject(k): NameObject(v) for k, v in _HELVETICA.items()})
            self._write(self._font, font)
        content_ref = self._stream(_cover_content(lines))
        page = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Page"),
                NameObject("/Parent"): self._pages,
                NameObject("/MediaBox"): ArrayObject([NumberObject(0), NumberObject(0), *map(NumberObject, _LETTER)]),
                NameObject("/Resources"): DictionaryObject(
                    {NameObject("/Font"): DictionaryObject({NameObject("/F1"): self._font})}
                ),
                NameObject("/Contents"): content_ref,
            }
        )
        ref = self._reserve()
        self._write(ref, page)
        self._kids.append(ref)

    def finish(self) -> None:
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): self._kids,
                NameObject("/Count"): NumberObject(len(self._kids)),
            }
        )
        self._write(self._pages, pages)
        catalog = self._reserve()
        self._write(
            catalog, DictionaryObject({NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): self._pages})
        )
        start = self._out.tell()
        rows = [b"0000000000 65535 f \n", *(b"%010d 00000 n \n" % offset for offset in self._offsets)]
        self._out.write(b"xref\n0 %d\n" % (len(self._offsets) + 1) + b"".join(rows))
        self._out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(self._offsets) + 1, catalog.idnum))
        self._out.write(b"startxref\n%d\n%%%%EOF\n" % start)

    def _reserve(self) -> IndirectObject:
        self._offsets.append(0)
        return IndirectObject(len(self._offsets), 0, None)

    def _write(self, ref: IndirectObject, obj: PdfObject) -> None:
        self._offsets[ref.idnum - 1] = self._out.tell()
        self._out.write(b"%d 0 obj\n" % ref.idnum)
        obj.write_to_stream(self._out)
        self._out.write(b"\nendobj\n")

    def _copy(self, obj: PdfObject, mapping: dict, skip: tuple[str, ...] = ()) -> PdfObject:
        """`obj` with its references renumbered; each object it reaches is written once (per document)."""
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key not in mapping:
                mapping[key] = self._reserve()
                target = obj.get_object()
                self._write(mapping[key], self._copy(target, mapping, skip=_cut(target)))
            return mapping[key]
        if isinstance(obj, DictionaryObject):
            skip = skip or _cut(obj)
            copy: DictionaryObject = DecodedStreamObject() if isinstance(obj, StreamObject) else DictionaryObject()
            if isinstance(obj, StreamObject):
                copy._data = obj._data  # as stored: still encoded, its /Filter copied below
            for key, value in obj.items():
                if key not in skip and key != "/Length":
                    copy[NameObject(key)] = self._copy(value, mapping)
            return copy
        if isinstance(obj, ArrayObject):
            return ArrayObject(self._copy(value, mapping) for value in obj)
        return obj


def _shown_appearance(widget: DictionaryObject) -> StreamObject | None:
    """The appearance stream a widget shows (a check box's for its current state); None when hidden."""
    if int(widget.get("/F", 0)) & _HIDDEN or "/AP" not in widget:
        return None
    normal = widget["/AP"].get_object().get("/N")
    normal = normal.get_object() if normal is not None else None
    if isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject):  # states: the one shown
        state = widget.get("/AS")
        normal = normal[state].get_object() if state in normal else None
    return normal if isinstance(normal, StreamObject) and "/BBox" in normal else None


def _cut(obj: PdfObject) -> tuple[str, ...]:
    # An annotation's /P and a form field's /Parent lead to its page and the whole form: the copy keeps its
    # appearance (what is printed) without them.
    if isinstance(obj, DictionaryObject) and "/Rect" in obj:
        return ("/P", "/Parent")
    return ()


_HELVETICA = {"/Type": "/Font", "/Subtype": "/Type1", "/BaseFont": "/Helvetica", "/Encoding": "/WinAnsiEncoding"}


def _cover_content(lines: list[str]) -> bytes:
    """The address lines, top-down from the window's first line (PDF space starts at the bottom)."""
    y = _LETTER[1] - _ADDRESS_TOP - _ADDRESS_SIZE
    ops = [b"BT", b"/F1 %d Tf" % _ADDRESS_SIZE, b"%d TL" % _ADDRESS_LEADING, b"%d %d Td" % (_ADDRESS_LEFT, y)]
    for line in lines:
        ops.append(b"(" + _pdf_text(line) + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def _pdf_text(text: str) -> bytes:
    data = text.encode("cp1252", errors="replace")
    return (
        data.replace(b"\\", b"\\\\")
        .replace(b"(", b"\\(")
        .replace(b")", b"\\)")
        .replace(b"\r", b" ")
        .replace(b"\n", b" ")
    )
