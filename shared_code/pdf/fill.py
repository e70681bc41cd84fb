"""Filling a PDF's fields: the writing side that preview and generation share.

    fill_pdf(template_pdf, {"account_name": "Riverside Clinic", "agree": True}, fields, flatten=False) -> bytes

A field is anything with `name`, `type` (text | number | date | checkbox | signature), `page` (1-based)
and a rectangle `x0 y0 x1 y1` in PDF points of the page's own space (a TemplateField row will do).
- A field whose name is one of the PDF's AcroForm fields is filled in the form: its value is set and
  PACT draws its appearance (the same fitting as below), so every viewer shows the same thing. With
  `flatten`, every widget's appearance is stamped into the page and the form is removed.
- Any other field gets its text drawn in its rectangle: the font shrinks (down to `min_font_size`) until
  the text fits, a field tall enough for several lines wraps it at word boundaries, and text that fits
  neither way is refused with `FieldOverflow` naming the field: never cut. A checkbox gets a tick.

Text is drawn with a standard PDF font (nothing embedded, so output stays small), which covers the
Windows-1252 characters; any other character is refused with `FillError` naming the field.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from shared_code.core.errors import Unprocessable
from shared_code.pdf.document import require_pdf_magic
from shared_code.pdf.textfit import FONT_RESOURCE, TextLayout, fit_text, font_dict, text_operators, tick_operators
from shared_code.pdf.widgets import inherited, named_widgets, terminal, widget_rect

_CHECKED = {"true", "yes", "on", "x", "1", "checked"}
_UNCHECKED = {"false", "no", "off", "0", ""}
_RADIO = 1 << 15
_HIDDEN = 1 << 1  # annotation flag


class FieldLike(Protocol):
    """What filling needs to know of a field (a TemplateField row has it)."""

    name: str
    type: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class FieldSpec:
    """A field as a plain value: where it is, its kind, and what fills it (`binding`: read by preview and
    generation, not by filling itself)."""

    name: str
    type: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    binding: str | None = None


class FillError(Unprocessable):
    """A field cannot be filled with its value; `field` names it (also in `details`)."""

    def __init__(self, field: str, message: str, **details) -> None:
        super().__init__(f"field {field!r}: {message}", details={"field": field, **details})
        self.field = field


class FieldOverflow(FillError):
    """The text does not fit the field's rectangle, even at the smallest font size and wrapped."""


def fill_pdf(
    template_pdf: bytes,
    values: Mapping[str, object],
    fields: Sequence[FieldLike],
    *,
    flatten: bool = False,
    font: str = "Helvetica",
    max_font_size: float = 11.0,
    min_font_size: float = 6.0,
) -> bytes:
    """`template_pdf` with each field of `fields` named in `values` filled (see the module docstring).

    Values: text for text, number and date fields; True/False (or yes/no, x, on/off, 1/0) for checkboxes;
    None or "" leaves a field blank. Raises FillError (422) naming the field for a value naming no field,
    a value of the wrong kind, a character the font lacks, a page the PDF does not have, or text that
    does not fit (FieldOverflow); Unprocessable for a file pypdf cannot read.
    """
    import pypdf
    from pypdf.errors import PyPdfError

    require_pdf_magic(template_pdf[:5])
    by_name = {field.name: field for field in fields}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise FillError(unknown[0], "no field has this name", fields=unknown)
    style = _Style(font, max_font_size, min_font_size)
    try:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(template_pdf), strict=False))
        form = _AcroForm(writer, style)
        drawn: dict[int, list[str]] = {}
        for name, raw in values.items():
            field = by_name[name]
            value = _value(field, raw)
            if value is None:
                continue
            if not 1 <= field.page <= len(writer.pages):
                raise FillError(name, f"page {field.page} does not exist (the PDF has {len(writer.pages)})")
            if not form.fill(field, value):
                drawn.setdefault(field.page - 1, []).append(_operators(field, value, style))
        for index, operators in drawn.items():
            draw_over(writer, writer.pages[index], "\n".join(operators), style.font)
        form.finish(flatten=flatten)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise Unprocessable("the template PDF cannot be filled", details={"reason": str(exc)}) from None


@dataclass(frozen=True)
class _Style:
    font: str
    max_size: float
    min_size: float

    def layout(self, field: FieldLike, text: str, width: float, height: float) -> TextLayout:
        try:
            text.encode("cp1252")
        except UnicodeEncodeError as exc:
            raise FillError(
                field.name,
                f"the character {text[exc.start]!r} cannot be drawn with the standard "
                "font (Windows-1252 characters only)",
            ) from None
        layout = fit_text(text, width, height, font=self.font, max_size=self.max_size, min_size=self.min_size)
        if layout is None:
            raise FieldOverflow(
                field.name,
                f"the text ({len(text)} characters) does not fit the field's "
                f"{width:.0f} x {height:.0f} point rectangle, even at "
                f"{self.min_size:g} points and wrapped",
                width=round(width, 1),
                height=round(height, 1),
                length=len(text),
            )
        return layout


def _value(field: FieldLike, raw: object) -> str | bool | None:
    if raw is None:
        return None
    if field.type == "checkbox":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _CHECKED | _UNCHECKED:
            return raw.strip().lower() in _CHECKED
        raise FillError(field.name, "a checkbox takes true or false (or yes/no, x, on/off, 1/0)")
    if not isinstance(raw, str):
        raise FillError(field.name, f"a {field.type} field takes text, not {type(raw).__name__}")
    if field.type == "signature":
        if raw.strip():
            raise FillError(field.name, "a signature field is signed, not filled")
        return None
    return raw if raw.strip() else None


def _operators(field: FieldLike, value: str | bool, style: _Style, *, origin: tuple[float, float] | None = None) -> str:
    """PDF content operators drawing `value` in the field's rectangle (at `origin`, default its corner)."""
    width, height = field.x1 - field.x0, field.y1 - field.y0
    x, y = origin if origin is not None else (field.x0, field.y0)
    if isinstance(value, bool):
        return tick_operators(x, y, width, height) if value else ""
    return text_operators(style.layout(field, value, width, height), x, y)


def _resources(page):
    """The page's resources as its own dictionary (inherited ones copied down), ready to add to."""
    from pypdf.generic import DictionaryObject, NameObject

    node, resources = page, None
    while node is not None and resources is None:
        node = node.get_object()
        resources = node.get("/Resources")
        node = node.get("/Parent")
    own = DictionaryObject(resources.get_object() if resources is not None else {})
    page[NameObject("/Resources")] = own
    return own


def _add_resource(page, kind: str, name: str, ref) -> None:
    from pypdf.generic import DictionaryObject, NameObject

    resources = _resources(page)
    entries = DictionaryObject(resources.get(kind, DictionaryObject()).get_object())
    entries[NameObject(name)] = ref
    resources[NameObject(kind)] = entries


def draw_over(writer, page, operators: str, font: str | None) -> None:
    """Draw content `operators` over a page of a pypdf `writer` (with the standard `font` as FONT_RESOURCE):
    the page's own content is wrapped in q/Q so a graphics state it leaves behind cannot move them."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

    if font is not None:
        _add_resource(page, "/Font", FONT_RESOURCE, writer._add_object(font_dict(font)))
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(f"\nQ\n{operators}\n".encode("latin-1"))
    existing = page.get("/Contents")
    parts = (
        []
        if existing is None
        else list(existing.get_object())
        if isinstance(existing.get_object(), list)
        else [existing]
    )
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *parts, writer._add_object(after)])


class _AcroForm:
    """The PDF's form fields by qualified name ("parent.child"; a name met again on a later widget is
    `name#2`, as indexing records them), filled with PACT's own appearances."""

    def __init__(self, writer, style: _Style) -> None:
        self._writer, self._style = writer, style
        self._root = writer._root_object
        self.widgets = named_widgets(writer.pages)
        self._font_ref = None

    def fill(self, field: FieldLike, value: str | bool) -> bool:
        """Fill the form field named like `field`; False when the form has none (draw it instead)."""
        from pypdf.generic import NameObject, TextStringObject

        found = self.widgets.get(field.name)
        if found is None:
            return False
        _, widget = found
        kind = inherited(widget, "/FT")
        if kind == "/Btn":
            if not isinstance(value, bool):
                raise FillError(field.name, "the form field is a checkbox: it takes true or false")
            self._check(widget, value)
            return True
        if kind == "/Sig":
            raise FillError(field.name, "a signature field is signed, not filled")
        if isinstance(value, bool):
            value = "X" if value else ""
        x0, y0, x1, y1 = widget_rect(widget)
        terminal(widget)[NameObject("/V")] = TextStringObject(value)
        operators = _operators(_Box(field.name, x1 - x0, y1 - y0), value, self._style, origin=(0.0, 0.0))
        self._appearance(widget, f"/Tx BMC q {operators} Q EMC", x1 - x0, y1 - y0)
        return True

    def _check(self, widget, checked: bool) -> None:
        from pypdf.generic import NameObject

        states = (
            [str(key) for key in (widget.get("/AP") or {}).get("/N", {}).get_object().keys()]
            if widget.get("/AP")
            else []
        )
        on = NameObject(next((state for state in states if state != "/Off"), "/Yes"))
        field = terminal(widget)
        radio = int(inherited(widget, "/Ff") or 0) & _RADIO and field is not widget
        if radio and checked:
            for kid in field.get("/Kids") or []:
                kid.get_object()[NameObject("/AS")] = NameObject("/Off")
        widget[NameObject("/AS")] = on if checked else NameObject("/Off")
        if checked or not radio or field.get("/V") == on:
            field[NameObject("/V")] = on if checked else NameObject("/Off")

    def _appearance(self, widget, operators: str, width: float, height: float) -> None:
        from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

        if self._font_ref is None:
            self._font_ref = self._writer._add_object(font_dict(self._style.font))
        stream = DecodedStreamObject()
        stream.set_data(operators.encode("latin-1"))
        stream.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(
                    [FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]
                ),
                NameObject("/Resources"): DictionaryObject(
                    {NameObject("/Font"): DictionaryObject({NameObject(FONT_RESOURCE): self._font_ref})}
                ),
            }
        )
        widget[NameObject("/AP")] = DictionaryObject({NameObject("/N"): self._writer._add_object(stream)})

    def finish(self, *, flatten: bool) -> None:
        """Viewers are told to use PACT's appearances; with `flatten`, they become page content."""
        from pypdf.generic import BooleanObject, NameObject

        form = self._root.get("/AcroForm")
        if form is None:
            return
        if not flatten:
            form.get_object()[NameObject("/NeedAppearances")] = BooleanObject(False)
            return
        for index, page in enumerate(self._writer.pages):
            annotations = page.get("/Annots")
            if not annotations:
                continue
            kept, stamps = [], []
            for number, annotation in enumerate(annotations.get_object()):
                widget = annotation.get_object()
                if widget.get("/Subtype") != "/Widget":
                    kept.append(annotation)
                    continue
                stamp = self._stamp(page, widget, f"/PactFlat{index}_{number}")
                if stamp:
                    stamps.append(stamp)
            if stamps:
                draw_over(self._writer, page, "\n".join(stamps), None)
            _set_annotations(page, kept)
        del self._root[NameObject("/AcroForm")]

    def _stamp(self, page, widget, name: str) -> str | None:
        """Operators drawing the widget's current appearance where it sits on the page, or None."""
        if int(widget.get("/F", 0)) & _HIDDEN or "/AP" not in widget:
            return None
        normal = widget["/AP"].get_object().get("/N")
        if normal is None:
            return None
        normal = normal.get_object()
        if "/BBox" not in normal:  # states: pick the one shown
            state = widget.get("/AS")
            normal = normal.get(state).get_object() if state in normal else None
            if normal is None:
                return None
        reference = normal.indirect_reference
        _add_resource(page, "/XObject", name, reference)
        bx0, by0, bx1, by1 = (float(v) for v in normal["/BBox"])
        x0, y0, x1, y1 = widget_rect(widget)
        sx, sy = (x1 - x0) / ((bx1 - bx0) or 1), (y1 - y0) / ((by1 - by0) or 1)
        return f"q {sx:.4f} 0 0 {sy:.4f} {x0 - bx0 * sx:.2f} {y0 - by0 * sy:.2f} cm {name} Do Q"


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


def _set_annotations(page, kept: list) -> None:
    from pypdf.generic import ArrayObject, NameObject

    if kept:
        page[NameObject("/Annots")] = ArrayObject(kept)
    elif "/Annots" in page:
        del page[NameObject("/Annots")]
