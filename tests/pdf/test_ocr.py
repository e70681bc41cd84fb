"""OCR with tesseract: words with boxes and confidences, plain text, and which way a page is turned."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from shared_code.pdf import ocr
from tests.pdf import samples
from tests.support import corpus_scan
from tests.support.corpus import spec_named, template_pdf


def test_words_are_read_with_their_boxes_in_image_pixels():
    image = Image.fromarray(corpus_scan.render_gray(samples.text_pdf(), 0, 200))
    words = ocr.ocr_words(image, dpi=200)
    assert " ".join(w.text for w in words) == " ".join(samples.LINES)
    account = next(w for w in words if w.text == "A1234567")
    x0, y0, x1, y1 = account.box
    assert y0 == pytest.approx((792 - 650) / 72 * 200, abs=12) and x0 < x1 and y0 < y1
    assert account.confidence > 0.8
    assert len({w.line for w in words}) == 3
    assert ocr.ocr_text(image, dpi=200).splitlines() == samples.LINES


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_the_orientation_of_a_page_of_text_is_detected(turn):
    gray = corpus_scan.render_gray(template_pdf(spec_named("vendor")), 1, 150)
    turned = Image.fromarray(np.ascontiguousarray(np.rot90(gray, -(turn // 90))))
    rotation, confidence = ocr.detect_orientation(turned, dpi=150)
    assert rotation == turn and confidence > 1.0


def test_a_blank_image_has_no_words_and_no_orientation():
    blank = Image.new("L", (800, 1000), 255)
    assert ocr.ocr_words(blank, dpi=100) == []
    assert ocr.detect_orientation(blank, dpi=100) is None
