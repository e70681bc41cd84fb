"""Page images: rendered pages, and scans taken from the page as they are, turned as shown."""

from __future__ import annotations

import numpy as np
import pytest

from shared_code.core.errors import Unprocessable
from shared_code.pdf import render
from shared_code.pdf.document import open_pdf
from tests.documents import pdfs
from tests.pdf import samples


def _ink_rows(image) -> tuple[int, int]:
    """First and last rows holding ink: where the drawn lines are."""
    rows = np.flatnonzero((np.asarray(image) < 128).any(axis=1))
    return int(rows[0]), int(rows[-1])


def test_a_page_renders_at_the_resolution_asked_in_grayscale():
    with open_pdf(samples.text_pdf()) as pdf:
        image = render.render_page(pdf, 0, dpi=100)
    assert image.mode == "L" and image.size == (850, 1100)
    top, _ = _ink_rows(image)
    assert top == pytest.approx((792 - 714) / 72 * 100, abs=8)  # the first line, near the top


def test_an_enormous_page_is_rendered_smaller_not_refused():
    with open_pdf(pdfs.make_pdf(sizes=[(14400.0, 14400.0)])) as pdf:
        image = render.render_page(pdf, 0, dpi=300)
    assert image.width * image.height <= render.MAX_PIXELS


def test_a_drawn_page_is_not_a_scan():
    with open_pdf(samples.text_pdf()) as pdf:
        assert render.scan_image(pdf, 0) is None


@pytest.mark.parametrize(("turn", "page_rotate"), [(0, 0), (180, 0), (90, 0), (0, 90), (0, 270), (90, 90)])
def test_a_scan_is_taken_as_shown_whether_turned_in_pixels_or_by_rotate(turn, page_rotate):
    data = samples.scanned_pdf(samples.text_pdf(), dpi=200, turn=turn, page_rotate=page_rotate)
    with open_pdf(data) as pdf:
        scan = render.scan_image(pdf, 0)
        rendered = render.render_page(pdf, 0, dpi=200)
    assert scan is not None and scan.size == rendered.size
    difference = np.abs(np.asarray(scan, dtype=np.int16) - np.asarray(rendered, dtype=np.int16))
    assert np.percentile(difference, 99.5) < 40  # the same picture, up to resampling


def test_a_jpeg_scan_is_decoded_reduced_when_less_resolution_is_enough():
    data = samples.scanned_pdf(samples.text_pdf(), dpi=300)
    with open_pdf(data) as pdf:
        full = render.scan_image(pdf, 0)
        reduced = render.scan_image(pdf, 0, min_dpi=100)
    assert full.width == 2550
    assert 850 <= reduced.width < 1300  # 1/2 of 300 DPI is the smallest reduction at or above 100 DPI


def test_an_embedded_image_too_large_to_read_is_refused(monkeypatch):
    monkeypatch.setattr(render, "MAX_SCAN_PIXELS", 1000)
    with (
        open_pdf(samples.scanned_pdf(samples.text_pdf(), dpi=150)) as pdf,
        pytest.raises(Unprocessable, match="too large"),
    ):
        render.scan_image(pdf, 0)
