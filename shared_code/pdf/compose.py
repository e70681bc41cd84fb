"""One template, many documents: everything template-level is done once, then each account's document is
filled and stamped as a small incremental update of the template (`incremental.py`).

    composer = Composer(template_pdf, fields)                      # parse, widgets, page shapes: once
    doc = composer.compose(values, codes=[PageCode(text, line), ...])
    doc.pdf, doc.stamps                                            # the bytes; where each code went

Filling follows `fill.py` (its module docstring says what each kind of field and value gets): AcroForm
fields get their value and PACT's appearance stream, any other field its text drawn in its rectangle;
`flatten` makes every widget's appearance page content and removes the form. Codes are drawn as
`codes.stamp_pages` draws them; a page without a position gets the first free corner of the template
page (fields avoided), chosen on the first document and reused for the rest (a search costs ~5 ms).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shared_code.core.errors import Unprocessable
from shared_code.pdf.codes import (
    CODE_FONT,
    CODE_FONT_RESOURCE,
    CodeStyle,
    PageCode,
    Position,
    Stamp,
    stamp_box_size,
    stamp_layout,
    stamp_operators,
    stamp_placement,
    stamp_size,
    symbol_modules,
)
from shared_code.pdf.document import require_pdf_magic
from shared_code.pdf.fill import FieldLike, FillError, _operators, _Style, _value, inherited_resources
from shared_code.pdf.incremental import Update, UpdateBase
from shared_code.pdf.placement import DEFAULT_CORNERS, Corner, Placement, geometry
from shared_code.pdf.textfit import FONT_RESOURCE
from shared_code.pdf.widgets import inherited, named_widgets, terminal, widget_rect

_DEFAULT_CODE_STYLE = CodeStyle()
_RADIO = 1 << 15
_HIDDEN = 1 << 1  # annotation flag


@dataclass(frozen=True)
class Composed:
    pdf: bytes
    stamps: list[Stamp]  # one per page when codes were given, else empty


class Composer:
    """A template parsed once, to compose its documents (see the module docstring)."""

    def __init__(
        self,
        template_pdf: bytes,
        fields: Sequence[FieldLike],
        *,
        font: str = "Helvetica",
        max_font_size: float = 11.0,
        min_font_size: float = 6.0,
        code_style: CodeStyle = _DEFAULT_CODE_STYLE,
        corners: Sequence[Corner] = DEFAULT_CORNERS,
    ) -> None:
        """Raises Unprocessable for a file pypdf cannot read."""
        from pypdf.errors import PyPdfError

        require_pdf_magic(template_pdf[:5])
        try:
            self._base = UpdateBase(template_pdf)
            self._widgets = named_widgets(self._base.pages)
            self._shapes = [geometry(page.cropbox, page.rotation) for page in self._base.pages]
        except (PyPdfError, KeyError, ValueError, TypeError, AttributeError) as exc:
            raise Unprocessable("the template PDF cannot be filled", details={"reason": str(exc)}) from None
        self._fields = {field.name: field for field in fields}
        self._style = _Style(font, max_font_size, min_font_size)
        self._code_style, self._corners = code_style, corners
        self._placements: dict[int, Placement] = {}  # page index -> the free corner found for its codes

    @property
    def page_count(self) -> int:
        return len(self._base.pages)

    def compose(
        self,
        values: Mapping[str, object],
        codes: Sequence[PageCode] | None = None,
        *,
        positions: Sequence[Position] | None = None,
        flatten: bool = False,
    ) -> Composed:
        """The template with `values` filled (as `fill.fill_pdf`) and, with `codes`, `codes[i]` stamped on
        page i+1 at `positions[i]` (see `codes.stamp_pages`; None: the template page's free corner).

        Raises FillError naming the field (FieldOverflow for text that does not fit), NoFreeCorner or
        CodeDoesNotFit for a code, Unprocessable when the template's objects cannot be read."""
        from pypdf.errors import PyPdfError

        unknown = sorted(set(values) - set(self._fields))
        if unknown:
            raise FillError(unknown[0], "no field has this name", fields=unknown)
        if codes is not None and len(codes) != self.page_count:
            raise ValueError(f"{len(codes)} codes for {self.page_count} pages")
        try:
            document = _Document(self, self._base.update())
            document.fill(values)
            stamps = document.stamp(codes, positions) if codes is not None else []
            document.finish(flatten=flatten)
            return Composed(document.update.to_bytes(), stamps)
        except (PyPdfError, KeyError, ValueError, TypeError, AttributeError) as exc:
            raise Unprocessable("the template PDF cannot be filled", details={"reason": str(exc)}) from None

    def _free_corner(self, index: int, code: PageCode) -> Placement:
        """The first free corner of template page `index` for `code`'s stamp, clear of the page's fields;
        found once per page (every code of a template has the same size: the payload's length is fixed)."""
        if index not in self._placements:
            from shared_code.pdf.document import open_pdf
            from shared_code.pdf.placement import choose_corner

            size = stamp_size(code, self._code_style)
            avoid = [(f.x0, f.y0, f.x1, f.y1) for f in self._fields.values() if f.page == index + 1]
            with open_pdf(self._base.data) as pdf:
                self._placements[index] = choose_corner(pdf, index, size, corners=self._corners, avoid=avoid)
        return self._placements[index]


class _Document:
    """One document being composed: what it adds to each page, and the widgets it changed."""

    def __init__(self, composer: Composer, update: Update) -> None:
        self.composer, self.update = composer, update
        self._base = composer._base
        self._content: dict[int, list[str]] = {}  # page index -> operators drawn over it
        self._xobjects: dict[int, dict[str, object]] = {}  # page index -> XObjects its operators show
        self._fonts: dict[int, set[str]] = {}  # page index -> font resources its operators use
        self._font_refs: dict[str, object] = {}
        self._appearances: dict[int, tuple[object, float, float]] = {}  # widget number -> new /N, width, height

    def fill(self, values: Mapping[str, object]) -> None:
        style, pages = self.composer._style, len(self._base.pages)
        for name, raw in values.items():
            field = self.composer._fields[name]
            value = _value(field, raw)
            if value is None:
                continue
            if not 1 <= field.page <= pages:
                raise FillError(name, f"page {field.page} does not exist (the PDF has {pages})")
            found = self.composer._widgets.get(name)
            if found is None:
                self._draw(field.page - 1, _operators(field, value, style), font=FONT_RESOURCE)
            else:
                self._fill_widget(field, found[1], value)

    def stamp(self, codes: Sequence[PageCode], positions: Sequence[Position] | None) -> list[Stamp]:
        composer, style = self.composer, self.composer._code_style
        positions = list(positions) if positions is not None else [None] * len(codes)
        if not len(codes) == len(positions) == len(self._base.pages):
            raise ValueError(f"{len(codes)} codes and {len(positions)} positions for {len(self._base.pages)} pages")
        stamps = []
        for index, (code, position) in enumerate(zip(codes, positions, strict=True)):
            symbol = symbol_modules(code.text, style.symbology)
            shape = composer._shapes[index]
            where = position if position is not None else composer._free_corner(index, code)
            stamp = stamp_layout(
                index,
                stamp_placement(index, shape, where, stamp_box_size(code.line, len(symbol), style)),
                len(symbol),
                style,
            )
            self._draw(index, stamp_operators(shape, stamp, symbol, code.line, style), font=CODE_FONT_RESOURCE)
            stamps.append(stamp)
        return stamps

    def finish(self, *, flatten: bool) -> None:
        if flatten:
            self._flatten()
        for index in sorted(set(self._content) | set(self._xobjects)):
            self._write_page(index)

    def _draw(self, index: int, operators: str, *, font: str | None) -> None:
        self._content.setdefault(index, []).append(operators)
        if font is not None:
            self._fonts.setdefault(index, set()).add(font)

    def _font(self, resource: str):
        if resource not in self._font_refs:
            from shared_code.pdf.textfit import font_dict

            font = self.composer._style.font if resource == FONT_RESOURCE else CODE_FONT
            self._font_refs[resource] = self.update.add_object(font_dict(font))
        return self._font_refs[resource]

    def _fill_widget(self, field: FieldLike, widget, value: str | bool) -> None:
        from pypdf.generic import DictionaryObject, NameObject, TextStringObject

        kind = inherited(widget, "/FT")
        if kind == "/Btn":
            if not isinstance(value, bool):
                raise FillError(field.name, "the form field is a checkbox: it takes true or false")
            self._check(widget, value)
            return
        if kind == "/Sig":
            raise FillError(field.name, "a signature field is signed, not filled")
        if isinstance(value, bool):
            value = "X" if value else ""
        x0, y0, x1, y1 = widget_rect(widget)
        width, height = x1 - x0, y1 - y0
        self.update.edit(terminal(widget))[NameObject("/V")] = TextStringObject(value)
        operators = _operators(_Box(field.name, width, height), value, self.composer._style, origin=(0.0, 0.0))
        appearance = self.update.add_stream(
            f"/Tx BMC q {operators} Q EMC".encode("latin-1"),
            f"/Type /XObject /Subtype /Form /BBox [0 0 {width:.4f} {height:.4f}] "
            f"/Resources << /Font << {FONT_RESOURCE} {_ref(self._font(FONT_RESOURCE))} >> >>",
        )
        self.update.edit(widget)[NameObject("/AP")] = DictionaryObject({NameObject("/N"): appearance})
        self._appearances[widget.indirect_reference.idnum] = (appearance, width, height)

    def _check(self, widget, checked: bool) -> None:
        from pypdf.generic import NameObject

        normal = (widget.get("/AP") or {}).get("/N")
        states = [str(key) for key in normal.get_object().keys()] if normal is not None else []
        on = NameObject(next((state for state in states if state != "/Off"), "/Yes"))
        field = terminal(widget)
        radio = int(inherited(widget, "/Ff") or 0) & _RADIO and field is not widget
        if radio and checked:
            for kid in field.get("/Kids") or []:
                self.update.edit(kid.get_object())[NameObject("/AS")] = NameObject("/Off")
        self.update.edit(widget)[NameObject("/AS")] = on if checked else NameObject("/Off")
        if checked or not radio or self.update.edited(field).get("/V") == on:
            self.update.edit(field)[NameObject("/V")] = on if checked else NameObject("/Off")

    def _flatten(self) -> None:
        """Every widget's appearance drawn where it sits, the widgets and the form removed."""
        from pypdf.generic import ArrayObject, NameObject

        for index, page in enumerate(self._base.pages):
            annotations = page.get("/Annots")
            if not annotations:
                continue
            kept = []
            for number, annotation in enumerate(annotations.get_object()):
                widget = annotation.get_object()
                if widget.get("/Subtype") != "/Widget":
                    kept.append(annotation)
                    continue
                self._show_widget(index, widget, f"/PactFlat{index}_{number}")
            self.update.edit(page)[NameObject("/Annots")] = ArrayObject(kept)
            self._xobjects.setdefault(index, {})
        root = self.update.edit(self._base.root.get_object())
        if "/AcroForm" in root:
            del root[NameObject("/AcroForm")]

    def _show_widget(self, index: int, widget, name: str) -> None:
        """Draw the appearance a widget shows (this document's own, or the template's) as page content."""
        new = self._appearances.get(widget.indirect_reference.idnum)
        widget = self.update.edited(widget)
        if int(widget.get("/F", 0)) & _HIDDEN:
            return
        if new is not None:
            reference, bbox = new[0], (0.0, 0.0, new[1], new[2])
        else:
            normal = widget.get("/AP", {}).get("/N") if "/AP" in widget else None
            normal = normal.get_object() if normal is not None else None
            if normal is not None and "/BBox" not in normal:  # states: the one shown
                state = widget.get("/AS")
                normal = normal.get(state).get_object() if state in normal else None
            if normal is None:
                return
            reference, bbox = normal.indirect_reference, tuple(float(v) for v in normal["/BBox"])
        self._xobjects.setdefault(index, {})[name] = reference
        bx0, by0, bx1, by1 = bbox
        x0, y0, x1, y1 = widget_rect(widget)
        sx, sy = (x1 - x0) / ((bx1 - bx0) or 1), (y1 - y0) / ((by1 - by0) or 1)
        self._draw(index, f"q {sx:.4f} 0 0 {sy:.4f} {x0 - bx0 * sx:.2f} {y0 - by0 * sy:.2f} cm {name} Do Q", font=None)

    def _write_page(self, index: int) -> None:
        """The page's content wrapped in q/Q (a graphics state it leaves behind cannot move ours), this
        document's operators after it, and their fonts and XObjects added to its own resources."""
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject

        original = self._base.pages[index]
        page = self.update.edit(original)
        resources = DictionaryObject(inherited_resources(original))
        for kind, entries in (
            ("/Font", {name: self._font(name) for name in self._fonts.get(index, ())}),
            ("/XObject", self._xobjects.get(index, {})),
        ):
            if entries:
                merged = DictionaryObject(resources.get(kind, DictionaryObject()).get_object())
                merged.update({NameObject(name): ref for name, ref in entries.items()})
                resources[NameObject(kind)] = merged
        page[NameObject("/Resources")] = resources
        existing = original.raw_get("/Contents") if "/Contents" in original else None
        parts = (
            []
            if existing is None
            else list(existing.get_object())
            if isinstance(existing.get_object(), list)
            else [existing]
        )
        before = self.update.add_stream(b"q")
        after = self.update.add_stream(("Q\n" + "\n".join(self._content.get(index, []))).encode("latin-1"))
        page[NameObject("/Contents")] = ArrayObject([before, *parts, after])


@dataclass(frozen=True)
class _Box:
    """A field's shape in its own frame (for an appearance stream, whose origin is its corner)."""

    name: str
    width: float
    height: float
    type: str = "text"
    page: int = 1
    x0: float = 0.0
    y0: float = 0.0

    @property
    def x1(self) -> float:
        return self.width

    @property
    def y1(self) -> float:
        return self.height


def _ref(reference) -> str:
    return f"{reference.idnum} {reference.generation} R"
