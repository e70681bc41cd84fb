"""AcroForm fields: names, types, pages, rectangles and values."""

from __future__ import annotations

import io

import pytest

from shared_code.core.errors import Unprocessable
from shared_code.pdf.forms import acro_fields
from tests.documents import pdfs


def _form() -> bytes:
    from reportlab.pdfgen import canvas as pdf_canvas

    out = io.BytesIO()
    canvas = pdf_canvas.Canvas(out, pagesize=(612, 792))
    canvas.drawString(72, 720, "Page one")
    canvas.acroForm.textfield(name="account_name", x=100, y=600, width=200, height=20, value="Riverside")
    canvas.acroForm.checkbox(name="agree", x=100, y=560, size=12, checked=True)
    canvas.showPage()
    canvas.acroForm.radio(name="tier", value="gold", selected=True, x=100, y=500, size=12)
    canvas.acroForm.radio(name="tier", value="silver", selected=False, x=130, y=500, size=12)
    canvas.acroForm.choice(name="region", value="West", options=["East", "West"], x=100, y=450, width=100, height=20)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_every_widget_is_read_with_its_type_page_rectangle_and_value():
    fields = acro_fields(_form())
    by_name = {}
    for field in fields:
        by_name.setdefault(field.name, []).append(field)
    (account,) = by_name["account_name"]
    assert (account.type, account.page, account.value) == ("text", 1, "Riverside")
    assert account.rect == pytest.approx((100, 600, 300, 620))
    (agree,) = by_name["agree"]
    assert (agree.type, agree.page, agree.value) == ("checkbox", 1, "Yes")
    assert [(f.type, f.page, f.value) for f in by_name["tier"]] == [("radio", 2, "gold")] * 2
    (region,) = by_name["region"]
    assert (region.type, region.page, region.value) == ("choice", 2, "West")


def test_a_pdf_without_a_form_has_no_fields():
    assert acro_fields(pdfs.make_pdf(2)) == []


def test_a_form_that_cannot_be_read_is_refused():
    with pytest.raises(Unprocessable, match="form fields"):
        acro_fields(b"%PDF-1.7\n" + b"\x00" * 100)
