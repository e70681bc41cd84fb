"""The fields of a corpus template as an admin would set them up: one per slot the layout draws values
into (tests/support/corpus_layouts.py), named like the slot, typed by its label (dates as date fields)."""

from __future__ import annotations

import io

from shared_code.pdf.fill import FieldSpec
from tests.support.corpus_layouts import TemplateSpec, draw_page

_DATE_WORDS = ("date", "effective", "start", "expiry")


def corpus_fields(spec: TemplateSpec) -> list[FieldSpec]:
    from reportlab.pdfgen import canvas as pdf_canvas

    canvas = pdf_canvas.Canvas(io.BytesIO(), pagesize=spec.size)
    fields = []
    for number in range(1, len(spec.pages) + 1):
        for slot in draw_page(canvas, spec, number, acroform=False).slots:
            kind = {"check": "checkbox", "signature": "signature"}.get(slot.kind, "text")
            if kind == "text" and any(word in slot.name.split("_", 2)[-1] for word in _DATE_WORDS):
                kind = "date"
            fields.append(FieldSpec(slot.name, kind, number, *slot.rect))
        canvas.showPage()
    return fields
