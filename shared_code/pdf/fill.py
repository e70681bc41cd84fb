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

Each call parses the template; a batch composes many documents from one parse (`compose.Composer`,
which does the filling for both).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from shared_code.core.errors import Unprocessable
from shared_code.pdf.textfit import FONT_RESOURCE, TextLayout, fit_text, font_dict, text_operators, tick_operators

_CHECKED = {"true", "yes", "on", "x", "1", "checked"}
_UNCHECKED = {"false", "no", "off", "0", ""}


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
    from shared_code.pdf.compose import Composer

    composer = Composer(template_pdf, fields, font=font, max_font_size=max_font_size, min_font_size=min_font_size)
    return composer.compose(values, flatten=flatten).pdf


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


def inherited_resources(page):
    """The resources a pypdf page uses: its own, or the nearest of its parents' (empty when none has)."""
    node, resources = page, None
    while node is not None and resources is None:
        node = node.get_object()
        resources = node.get("/Resources")
        node = node.get("/Parent")
    return resources.get_object() if resources is not None else {}


def _resources(page):
    """The page's resources as its own dictionary (inherited ones copied down), ready to add to."""
    from pypdf.generic import DictionaryObject, NameObject

    own = DictionaryObject(inherited_resources(page))
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
