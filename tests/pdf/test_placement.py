"""Choosing where a page's code goes: a corner with nothing under it, as the page is shown."""

from __future__ import annotations

import io
import uuid

import pytest

from shared_code.pdf.codes import stamp_codes
from shared_code.pdf.document import open_pdf
from shared_code.pdf.placement import MARGIN, Corner, NoFreeCorner, PageGeometry, choose_corner, geometry
from shared_code.pdf.text import page_words
from tests.pdf.test_codes import content_pdf, signed_codes

STAMP = (240.0, 60.0)  # about a DataMatrix stamp with its line


def page(draw, *, size=(612, 792), rotate: int = 0) -> bytes:
    """One page drawn by `draw(canvas)` with reportlab."""
    from reportlab.pdfgen import canvas as pdf_canvas

    out = io.BytesIO()
    canvas = pdf_canvas.Canvas(out, pagesize=size)
    canvas.setPageRotation(rotate)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def corner_of(pdf: bytes, **options) -> Corner:
    with open_pdf(pdf) as document:
        return choose_corner(document, 0, STAMP, **options)[0]


def test_the_first_corner_is_taken_when_the_page_is_empty_around_it():
    assert corner_of(page(lambda c: c.drawString(200, 400, "Body text in the middle"))) is Corner.BOTTOM_RIGHT


def test_text_in_a_corner_sends_the_code_to_the_next_free_one():
    def draw(canvas):
        canvas.setFont("Helvetica", 10)
        for row in range(10):  # taller than a stamp can move to clear it
            canvas.drawRightString(576, 40 + 12 * row, f"Terms and conditions, line {row}")

    assert corner_of(page(draw)) is Corner.BOTTOM_LEFT
    assert corner_of(page(draw), corners=[Corner.BOTTOM_RIGHT, Corner.TOP_LEFT]) is Corner.TOP_LEFT


def test_invisible_text_ink_without_text_fields_and_avoided_rectangles_each_block_a_corner():
    # Each covers x 420-540, y 40-180 of the bottom-right corner: more than a stamp can move up to clear.
    def invisible(canvas):  # an OCR layer: text that is not drawn
        text = canvas.beginText(420, 170)
        text.setTextRenderMode(3)
        for _ in range(12):
            text.textLine("scanned words here")
        canvas.drawText(text)

    def ink(canvas):  # a drawn frame, no text at all
        canvas.rect(420, 40, 120, 140, stroke=1, fill=0)

    def field(canvas):  # an empty form field without a border: blank now, filled later
        canvas.acroForm.textfield(name="notes", x=420, y=40, width=120, height=140, borderWidth=0, value="")

    for draw in (invisible, ink, field):
        assert corner_of(page(draw)) is Corner.BOTTOM_LEFT, draw.__name__
    with open_pdf(page(lambda c: None)) as document:
        assert choose_corner(document, 0, STAMP, avoid=[(420, 40, 540, 180)])[0] is Corner.BOTTOM_LEFT
    # and none of them is there when nothing is drawn
    assert corner_of(page(lambda c: None)) is Corner.BOTTOM_RIGHT


def test_a_footer_is_cleared_by_moving_the_stamp_up_from_the_edge():
    def draw(canvas):
        canvas.setFont("Helvetica", 8)
        canvas.drawString(54, 30, "Form PF-1 rev 3")
        canvas.drawRightString(558, 30, "Page 1 of 2")

    with open_pdf(page(draw)) as document:
        corner, rect = choose_corner(document, 0, STAMP)
    assert corner is Corner.BOTTOM_RIGHT
    assert MARGIN < rect[1] <= MARGIN + 24  # just above the footer, no higher


def test_a_page_full_to_every_corner_has_no_free_corner():
    def draw(canvas):
        canvas.setFont("Helvetica", 10)
        for row in range(66):
            canvas.drawString(20, 20 + 12 * row, "x " * 140)

    with pytest.raises(NoFreeCorner, match="page 1 has content in every corner") as caught:
        corner_of(page(draw))
    assert caught.value.details["page"] == 1


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_corners_are_named_as_the_page_is_shown(rotate):
    # GIVEN a block drawn (in the page's own space) where the page as shown has its bottom-right corner
    # (reportlab lays a page it rotates by 90 or 270 on a 792 x 612 media box, so it shows portrait)
    x, y = {0: (512, 60), 90: (732, 512), 180: (100, 732), 270: (60, 100)}[rotate]

    def draw(canvas):
        canvas.rect(x - 60, y - 60, 120, 120, stroke=0, fill=1)

    # THEN the shown bottom-right is blocked and the next corner is chosen
    assert corner_of(page(draw, rotate=rotate)) is Corner.BOTTOM_LEFT


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_geometry_maps_the_page_space_to_shown_space_and_back(rotate):
    shape = geometry((100, 200, 712, 992), rotate)
    width, height = shape.shown_size
    assert (width, height) == ((792, 612) if rotate in (90, 270) else (612, 792))
    a, b, c, d, e, f = shape.shown_to_page()
    for sx, sy in ((0, 0), (width, 0), (0, height), (width, height), (13, 29)):
        x, y = a * sx + c * sy + e, b * sx + d * sy + f
        assert 100 <= x <= 712 and 200 <= y <= 992  # inside the page's box
        assert shape.to_shown((x, y, x, y))[:2] == pytest.approx((sx, sy))


def test_a_stamped_code_covers_no_word_of_the_page():
    # GIVEN pages with text in some corners
    pdf = content_pdf(4)
    _, stamps = stamp_codes(pdf, signed_codes(uuid.uuid4(), 4))
    # THEN no word of the original pages lies under a stamp (with what it draws: quiet zone and line)
    with open_pdf(pdf) as document:
        for index, stamp in enumerate(stamps):
            shape = PageGeometry((0, 0, 612, 792), 0)
            for word in page_words(document, index):
                x0, y0, x1, y1 = shape.to_shown(word.box)
                f0, g0, f1, g1 = stamp.footprint
                assert x1 <= f0 or f1 <= x0 or y1 <= g0 or g1 <= y0, (index, word.text, stamp)
