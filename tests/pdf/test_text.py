"""The text layer: plain text, words with their boxes, and which way the text runs."""

from __future__ import annotations

import pytest

from shared_code.pdf.document import open_pdf
from shared_code.pdf.text import page_text, page_words, text_rotation
from tests.documents import pdfs
from tests.pdf import samples


def test_the_words_come_with_boxes_where_they_were_drawn():
    with open_pdf(samples.text_pdf()) as pdf:
        words = page_words(pdf, 0)
        text = page_text(pdf, 0)
    assert [w.text for w in words] == " ".join(samples.LINES).split()
    assert "Facility name: Riverside Medical Center" in text
    account = next(w for w in words if w.text == "A1234567")
    x0, y0, x1, y1 = account.box
    assert 72 < x0 < x1 < 400 and y0 == pytest.approx(640 - 3, abs=4) and y1 == pytest.approx(650, abs=4)
    assert len({w.line for w in words}) == 3  # one number per line
    assert all(w.confidence == 1.0 for w in words)


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_text_rotation_follows_the_page_rotation(rotate):
    with open_pdf(samples.text_pdf(rotate=rotate)) as pdf:
        assert text_rotation(pdf, 0) == rotate


def test_a_page_without_a_text_layer_has_no_text_and_no_rotation():
    with open_pdf(pdfs.make_pdf(1)) as pdf:
        assert page_text(pdf, 0) == ""
        assert page_words(pdf, 0) == []
        assert text_rotation(pdf, 0) is None
