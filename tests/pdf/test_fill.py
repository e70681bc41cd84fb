"""Filling fields: text drawn into rectangles (shrunk to fit, wrapped, or refused, never cut), check marks,
AcroForm fields filled with PACT's appearances, flattening, and clear refusals naming the field."""

from __future__ import annotations

import io

import numpy as np
import pytest

from shared_code.pdf.document import open_pdf
from shared_code.pdf.fill import FieldOverflow, FieldSpec, FillError, fill_pdf
from shared_code.pdf.forms import acro_fields
from shared_code.pdf.text import page_words
from shared_code.pdf.textfit import fit_text
from tests.support.corpus_scan import render_gray
from tests.templates.forms import form_pdf

Field = FieldSpec
NAME = Field("Account name", "text", 1, 160, 476, 400, 494)  # on the line of form_pdf's "Account name:"
NOTE = Field("Note", "text", 1, 72, 300, 300, 340)
AGREE = Field("Agreed", "checkbox", 1, 72, 250, 84, 262)
SIGN = Field("Signature", "signature", 1, 72, 200, 300, 220)


def blank(pages: int = 1) -> bytes:
    return form_pdf(pages=pages, acroform=False)


def words_in(data: bytes, field: Field) -> list[str]:
    with open_pdf(data) as pdf:
        words = page_words(pdf, field.page - 1)
    return [
        w.text
        for w in words
        if field.x0 <= (w.box[0] + w.box[2]) / 2 <= field.x1 and field.y0 <= (w.box[1] + w.box[3]) / 2 <= field.y1
    ]


def ink_in(data: bytes, field: Field, dpi: int = 100) -> float:
    """Share of dark pixels inside the field's rectangle of page 1 rendered at `dpi` (forms drawn)."""
    gray = render_gray(data, field.page - 1, dpi)
    scale = dpi / 72
    top, bottom = round((792 - field.y1) * scale), round((792 - field.y0) * scale)
    return float((gray[top:bottom, round(field.x0 * scale) : round(field.x1 * scale)] < 128).mean())


def test_text_is_drawn_inside_its_rectangle_and_reads_back():
    filled = fill_pdf(blank(), {"Account name": "Riverside Medical Center", "Agreed": True}, [NAME, AGREE])
    assert words_in(filled, NAME) == ["Riverside", "Medical", "Center"]
    assert ink_in(filled, AGREE) > 0.05 > ink_in(blank(), AGREE)  # a tick where there was none


def test_the_font_shrinks_until_the_text_fits_one_line():
    value = "Cedar Valley Surgical Institute and Family Medical Center of Springfield"
    layout = fit_text(value, NAME.x1 - NAME.x0, NAME.y1 - NAME.y0)
    assert layout is not None and len(layout.lines) == 1 and 6 <= layout.size < 11
    filled = fill_pdf(blank(), {"Account name": value}, [NAME])
    assert " ".join(words_in(filled, NAME)) == value


def test_long_text_wraps_in_a_tall_field_and_keeps_every_word_in_order():
    value = "Deliveries to the loading dock at the rear of the building between eight and four on weekdays only"
    layout = fit_text(value, NOTE.x1 - NOTE.x0, NOTE.y1 - NOTE.y0)
    assert layout is not None and len(layout.lines) >= 2
    assert " ".join(line for _, _, line in layout.lines) == value
    filled = fill_pdf(blank(), {"Note": value}, [NOTE])
    assert " ".join(words_in(filled, NOTE)) == value


def test_explicit_line_breaks_are_kept():
    layout = fit_text("1200 Harbor Way\nSuite 300", 200, 40)
    assert [line for _, _, line in layout.lines] == ["1200 Harbor Way", "Suite 300"]


def test_text_that_cannot_fit_is_refused_naming_the_field_never_cut():
    small = Field("Code", "text", 1, 72, 600, 110, 612)
    with pytest.raises(FieldOverflow) as refused:
        fill_pdf(blank(), {"Code": "A value far too long for a box the width of a postage stamp"}, [small])
    assert refused.value.field == "Code" and refused.value.details["field"] == "Code"
    assert "does not fit" in refused.value.message
    with pytest.raises(FieldOverflow):  # one word wider than the box at the smallest size: refused too
        fill_pdf(blank(), {"Code": "Supercalifragilistic"}, [small])


@pytest.mark.parametrize(
    ("values", "fields", "says"),
    [
        ({"Nobody": "x"}, [NAME], "no field has this name"),
        ({"Agreed": "maybe"}, [AGREE], "checkbox takes true or false"),
        ({"Account name": "Nguyễn Văn An"}, [NAME], "cannot be drawn"),
        ({"Account name": 42}, [NAME], "takes text"),
        ({"Signature": "J. Smith"}, [SIGN], "signed, not filled"),
        ({"Account name": "x"}, [Field("Account name", "text", 3, 1, 1, 90, 20)], "page 3 does not exist"),
    ],
    ids=["unknown-field", "not-a-tick", "unencodable", "not-text", "signature", "no-such-page"],
)
def test_bad_values_are_refused_with_the_field_named(values, fields, says):
    with pytest.raises(FillError) as refused:
        fill_pdf(blank(), values, fields)
    assert says in refused.value.message and refused.value.details["field"] == next(iter(values))


def test_blank_values_leave_fields_empty():
    filled = fill_pdf(blank(), {"Account name": "  ", "Agreed": False, "Note": None}, [NAME, AGREE, NOTE])
    assert words_in(filled, NAME) == words_in(filled, NOTE) == []
    assert ink_in(filled, AGREE) == ink_in(blank(), AGREE)


def test_what_a_page_leaves_in_its_graphics_state_does_not_move_the_text():
    import pypdf
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(blank()))
    stream = DecodedStreamObject()
    stream.set_data(b"2 0 0 2 0 0 cm 1 0 0 rg")  # scales and paints red, and never restores
    page = writer.pages[0]
    page[NameObject("/Contents")] = pypdf.generic.ArrayObject([page.raw_get("/Contents"), writer._add_object(stream)])
    out = io.BytesIO()
    writer.write(out)
    filled = fill_pdf(out.getvalue(), {"Account name": "Riverside"}, [NAME])
    assert words_in(filled, NAME) == ["Riverside"]


def test_acroform_fields_are_filled_in_the_form_with_appearances():
    fields = [
        Field("account_name", "text", 1, 160, 476, 400, 494),
        Field("agree", "checkbox", 1, 72, 440, 84, 452),
        Field("tier#2", "checkbox", 1, 120, 400, 132, 412),
    ]
    filled = fill_pdf(form_pdf(), {"account_name": "Riverside Medical Center", "agree": True, "tier#2": True}, fields)
    values = {f.name: f.value for f in acro_fields(filled)}
    assert values == {"account_name": "Riverside Medical Center", "agree": "Yes", "tier": "two"}
    # PACT drew the appearance, so a viewer (here PDFium with forms) shows the value without making its own.
    assert ink_in(filled, fields[0]) > ink_in(form_pdf(), fields[0]) + 0.02


def test_flattening_makes_the_values_page_content_and_removes_the_form():
    fields = [Field("account_name", "text", 1, 160, 476, 400, 494), Field("agree", "checkbox", 1, 72, 440, 84, 452)]
    flat = fill_pdf(form_pdf(), {"account_name": "Riverside", "agree": True}, fields, flatten=True)
    assert acro_fields(flat) == []
    assert words_in(flat, fields[0]) == ["Riverside"]
    with open_pdf(flat) as pdf:
        from shared_code.pdf.render import render_page

        image = np.asarray(render_page(pdf, 0, dpi=100))  # no forms to draw: the tick is content now
    box = image[round((792 - 452) * 100 / 72) : round((792 - 440) * 100 / 72), 100:117]
    assert (box < 128).mean() > 0.05


def test_a_damaged_or_foreign_file_is_refused():
    from shared_code.core.errors import Unprocessable, UnsupportedMediaType

    with pytest.raises(UnsupportedMediaType):
        fill_pdf(b"GIF89a...", {}, [])
    with pytest.raises(Unprocessable):
        fill_pdf(b"%PDF-1.7\n" + b"\x00" * 64, {"Account name": "x"}, [NAME])
