"""Many documents from one PDF, each written as an incremental update of it: the original bytes, then only
the objects that document changed or added, a cross-reference section for them and a trailer pointing
back at the original's (ISO 32000-1, 7.5.6). Every reader resolves an object to its newest version.

    base = UpdateBase(template_pdf)          # parsed once (and normalised: see UpdateBase)
    update = base.update()                   # per document
    page = update.edit(base.pages[0])        # a copy of the page dictionary, written in place of the original
    ref = update.add_stream(b"q ... Q", {"/Type": "/XObject"})
    pdf = update.to_bytes()

Why: pypdf's writer clones and serialises every object of the file for each document (an AcroForm of
44 fields: ~55 ms); an update writes a handful of small objects (docs/PERFORMANCE.md, "Generation").
"""

from __future__ import annotations

import io
import re

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


class UpdateBase:
    """A PDF parsed once, as the base of incremental updates.

    The bytes are first rewritten once by pypdf with a classic cross-reference table and every
    annotation an indirect object (so a widget can be replaced alone): the update's table then follows
    the same form as the one it extends, whatever the uploaded file used (xref streams, object streams,
    direct annotations, damage pypdf repairs)."""

    def __init__(self, pdf: bytes) -> None:
        import pypdf

        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf), strict=False))
        for page in writer.pages:
            _indirect_annotations(writer, page)
        out = io.BytesIO()
        writer.write(out)
        self.data = out.getvalue()
        self.reader = pypdf.PdfReader(io.BytesIO(self.data), strict=False)
        self.pages = list(self.reader.pages)
        found = _STARTXREF.search(self.data[-64:])
        if found is None:  # pypdf wrote it: never expected
            raise ValueError("the normalised PDF has no startxref")
        self.startxref = int(found.group(1))
        self.size = int(self.reader.trailer["/Size"])
        self.root = self.reader.trailer.raw_get("/Root")

        self._entries: dict[tuple[int, str], bytes] = {}  # (object number, key) -> an entry as written

    def update(self) -> Update:
        return Update(self)

    def written(self, number: int, copy, original) -> bytes:
        """An edited copy of object `number` in PDF syntax: the entries it keeps from the `original` are
        written once per template and reused (most of a widget is unchanged: its rectangle, name, flags)."""
        parts = [b"<<"]
        for key, value in dict.items(copy):
            if dict.get(original, key) is value:
                entry = self._entries.get((number, key))
                if entry is None:
                    entry = self._entries[(number, key)] = serialise(key) + b" " + serialise(value)
                parts.append(entry)
            else:
                parts.append(serialise(key) + b" " + serialise(value))
        parts.append(b">>")
        return b"".join(parts)


class Update:
    """The objects one document changes (copies of the base's, edited) and adds, written after the base."""

    def __init__(self, base: UpdateBase) -> None:
        self._base = base
        self._edited: dict[int, tuple[int, object, object]] = {}  # object number -> (generation, copy, original)
        self._added: list[bytes] = []  # bodies of new objects, numbered from the base's /Size

    def edit(self, obj):
        """A copy of `obj` (an indirect dictionary of the base) that replaces it in this document; the same
        copy on every call, so edits add up."""
        from pypdf.generic import DictionaryObject

        reference = obj.indirect_reference
        if reference is None:
            raise ValueError("only an indirect object can be replaced in an update")
        if reference.idnum not in self._edited:
            self._edited[reference.idnum] = (reference.generation, DictionaryObject(obj), obj)
        return self._edited[reference.idnum][1]

    def edited(self, obj):
        """This document's version of `obj`: its copy when edited, else `obj` itself."""
        reference = getattr(obj, "indirect_reference", None)
        return self._edited[reference.idnum][1] if reference is not None and reference.idnum in self._edited else obj

    def add_object(self, obj):
        """Add a pypdf object; returns a reference to it."""
        return self._add(serialise(obj))

    def add_stream(self, data: bytes, entries: str = ""):
        """Add a stream of `data` (uncompressed) with dictionary `entries` (PDF syntax); returns its reference."""
        return self._add(b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries.encode("latin-1"), data))

    def _add(self, body: bytes):
        from pypdf.generic import IndirectObject

        self._added.append(body)
        return IndirectObject(self._base.size + len(self._added) - 1, 0, self._base.reader)

    def to_bytes(self) -> bytes:
        """The base followed by this update."""
        base = self._base
        out = io.BytesIO()
        out.write(base.data)
        if not base.data.endswith(b"\n"):
            out.write(b"\n")
        offsets: dict[int, tuple[int, int]] = {}
        for number, (generation, copy, original) in self._edited.items():
            offsets[number] = (out.tell(), generation)
            out.write(b"%d %d obj\n%s\nendobj\n" % (number, generation, base.written(number, copy, original)))
        for index, body in enumerate(self._added):
            offsets[base.size + index] = (out.tell(), 0)
            out.write(b"%d 0 obj\n%s\nendobj\n" % (base.size + index, body))
        xref = out.tell()
        out.write(b"xref\n")
        for start, run in _runs(sorted(offsets)):
            out.write(b"%d %d\n" % (start, len(run)))
            out.write(b"".join(b"%010d %05d n\r\n" % offsets[number] for number in run))
        size = base.size + len(self._added)
        root = base.root
        out.write(
            b"trailer\n<< /Size %d /Root %d %d R /Prev %d%s >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, root.idnum, root.generation, base.startxref, _info(base.reader), xref)
        )
        return out.getvalue()


def serialise(obj) -> bytes:
    """`obj` (a pypdf object, no stream inside) in PDF syntax. pypdf's own `write_to_stream` looks up
    every reference and name in its writer's tables, which made writing a page's widgets most of an
    update's cost; references here are already the file's own numbers."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject, StreamObject

    def write(obj) -> bytes:
        if isinstance(obj, IndirectObject):
            return b"%d %d R" % (obj.idnum, obj.generation)
        if isinstance(obj, NameObject):
            encoded = obj.encode("utf-8")
            return encoded if _PLAIN_NAME.fullmatch(encoded) else _pypdf_bytes(obj)
        if isinstance(obj, DictionaryObject):
            if isinstance(obj, StreamObject):
                raise TypeError("a stream is written with add_stream")
            return b"<<" + b"".join(write(key) + b" " + write(value) for key, value in obj.items()) + b">>"
        if isinstance(obj, ArrayObject):
            return b"[" + b" ".join(write(item) for item in obj) + b"]"
        if type(obj) is NumberObject:
            return b"%d" % obj
        return _pypdf_bytes(obj)  # reals, strings, booleans, null: pypdf writes them alone

    return write(obj)


_PLAIN_NAME = re.compile(rb"/[A-Za-z0-9_.+:-]*")


def _pypdf_bytes(obj) -> bytes:
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def _runs(numbers: list[int]) -> list[tuple[int, list[int]]]:
    """Consecutive object numbers grouped into the subsections of a cross-reference table."""
    runs: list[tuple[int, list[int]]] = []
    for number in numbers:
        if runs and runs[-1][1][-1] == number - 1:
            runs[-1][1].append(number)
        else:
            runs.append((number, [number]))
    return runs


def _info(reader) -> bytes:
    """The trailer's /Info and /ID carried over, as a reader of the last trailer expects them."""
    buffer = io.BytesIO()
    for key in ("/Info", "/ID"):
        value = reader.trailer.raw_get(key) if key in reader.trailer else None
        if value is not None:
            buffer.write(b" " + key.encode() + b" ")
            value.write_to_stream(buffer)
    return buffer.getvalue()


def _indirect_annotations(writer, page) -> None:
    from pypdf.generic import ArrayObject, IndirectObject, NameObject

    annotations = page.get("/Annots")
    if annotations is None:
        return
    items = annotations.get_object()
    if all(isinstance(item, IndirectObject) for item in items):
        return
    page[NameObject("/Annots")] = ArrayObject(
        item if isinstance(item, IndirectObject) else writer._add_object(item) for item in items
    )
