"""AcroForm fields of a PDF, read with pypdf: name, type, page, rectangle and value of each widget."""

from __future__ import annotations

import io
from dataclasses import dataclass

from shared_code.core.errors import Unprocessable

_PUSHBUTTON, _RADIO = 1 << 16, 1 << 15  # /Ff bits of a /Btn field
_TYPES = {"/Tx": "text", "/Ch": "choice", "/Sig": "signature"}


@dataclass(frozen=True)
class AcroField:
    name: str  # fully qualified: parent names joined by "."
    type: str  # text | checkbox | radio | choice | signature | button
    page: int  # 1-based
    rect: tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points, origin bottom-left
    value: str | None


def acro_fields(data: bytes) -> list[AcroField]:
    """One entry per widget on a page (a radio group with three buttons gives three), in page order."""
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        fields = []
        for number, page in enumerate(reader.pages, start=1):
            for annotation in page.get("/Annots") or []:
                widget = annotation.get_object()
                if widget.get("/Subtype") == "/Widget":
                    field = _field(widget, number)
                    if field is not None:
                        fields.append(field)
        return fields
    except (PyPdfError, KeyError, ValueError, TypeError) as exc:
        raise Unprocessable("the PDF's form fields cannot be read", details={"reason": str(exc)}) from None


def _field(widget, page: int) -> AcroField | None:
    names, node, inherited = [], widget, {}
    while node is not None:  # the widget, then its parents: name parts and inheritable entries
        node = node.get_object()
        if "/T" in node:
            names.append(str(node["/T"]))
        for key in ("/FT", "/Ff", "/V"):
            if key not in inherited and key in node:
                inherited[key] = node[key]
        node = node.get("/Parent")
    if not names or "/FT" not in inherited:
        return None
    x0, y0, x1, y1 = (float(v) for v in widget.get("/Rect", (0, 0, 0, 0)))
    rect = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return AcroField(".".join(reversed(names)), _type(inherited), page, rect, _value(inherited.get("/V")))


def _type(entries: dict) -> str:
    kind = str(entries["/FT"])
    if kind == "/Btn":
        flags = int(entries.get("/Ff", 0))
        return "button" if flags & _PUSHBUTTON else "radio" if flags & _RADIO else "checkbox"
    return _TYPES.get(kind, "text")


def _value(value) -> str | None:
    if value is None:
        return None
    value = value.get_object()
    if isinstance(value, dict):  # a signature field's value is the signature dictionary
        return "signed"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    text = str(value)
    return text[1:] if text.startswith("/") else text  # a name such as /Yes or /Off
