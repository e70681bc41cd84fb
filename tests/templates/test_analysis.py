"""Indexing a template PDF: pages, text (layer or OCR), fingerprints, thumbnails, AcroForm fields."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shared_code.core.errors import Unprocessable
from shared_code.templates import fingerprint
from shared_code.templates.analysis import THUMBNAIL_WIDTH, analyse_template
from tests.documents import pdfs
from tests.pdf import samples
from tests.support.corpus import spec_named, template_pdf


def test_a_template_with_a_text_layer_is_read_from_it_with_its_fields():
    analysis = analyse_template(template_pdf(spec_named("participation")))
    assert analysis.page_count == 2 == len(analysis.pages)
    first, second = analysis.pages
    assert (first.number, first.width, first.height, first.text_source) == (1, 612.0, 792.0, "layer")
    assert "Participation Form" in first.text and "Facility name:" in first.text
    assert "Ship-to number" in second.text
    names = {field.name for field in analysis.fields}
    assert "p1_0_facility_name" in names and "p2_1_ship-to_number_1" in names
    checkbox = next(field for field in analysis.fields if field.name == "p1_8_medical_surgical")
    assert (checkbox.type, checkbox.page, checkbox.value) == ("checkbox", 1, "Off")  # as the PDF says it
    for field in analysis.fields:
        x0, y0, x1, y1 = field.rect
        assert field.page in (1, 2) and 0 <= x0 < x1 <= 612 and 0 <= y0 < y1 <= 792


def test_each_page_gets_a_compact_fingerprint_and_a_thumbnail():
    analysis = analyse_template(template_pdf(spec_named("vendor")))
    for page in analysis.pages:
        assert len(page.fingerprint) < 8 * 1024
        decoded = fingerprint.decode(page.fingerprint)
        assert decoded.ink.any() and len(decoded.words) > 50
        thumbnail = Image.open(io.BytesIO(page.thumbnail_png))
        assert thumbnail.width == THUMBNAIL_WIDTH and thumbnail.height == pytest.approx(
            THUMBNAIL_WIDTH * 792 / 612, abs=1
        )


def test_a_scanned_template_without_text_is_read_by_ocr():
    analysis = analyse_template(template_pdf(spec_named("contact_update")))
    (page,) = analysis.pages
    assert page.text_source == "ocr"
    words = page.text.upper()
    assert "CONTACT UPDATE" in words and "ACCOUNT NUMBER" in words and "SIGNATURE" in words
    assert analysis.fields == []


def test_a_landscape_template_keeps_its_size_as_shown():
    (page,) = analyse_template(template_pdf(spec_named("price_activation"))).pages
    assert (page.width, page.height) == (792.0, 612.0)


def test_a_blank_page_has_no_text():
    (page,) = analyse_template(pdfs.make_pdf(1)).pages
    assert (page.text_source, page.text.strip()) == ("none", "")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (pdfs.not_a_pdf(), "not a PDF"),
        (pdfs.damaged_pdf(), "damaged"),
        (pdfs.truncated_pdf(), "damaged"),
        (pdfs.encrypt(samples.text_pdf()), "encrypted"),
        (samples.empty_pdf(), "no pages"),
    ],
)
def test_what_cannot_be_indexed_is_refused_as_unprocessable(data, says):
    with pytest.raises(Unprocessable, match=says):
        analyse_template(data)
