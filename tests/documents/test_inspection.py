"""Reading a PDF from disk: its pages as shown, a thumbnail that fits the box, and named refusals."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shared_code.core.errors import Unprocessable, UnsupportedMediaType
from shared_code.documents.inspection import THUMBNAIL_BOX, inspect_pdf
from tests.documents import pdfs


def _inspect(tmp_path, data: bytes):
    path = tmp_path / "file.pdf"
    path.write_bytes(data)
    return inspect_pdf(path)


def test_pages_are_read_as_shown_with_their_rotation(tmp_path):
    facts = _inspect(tmp_path, pdfs.make_pdf(sizes=[pdfs.A4, pdfs.LETTER], rotations=[270, 0]))
    assert facts.page_count == 2
    assert [(p.number, p.width_points, p.height_points, p.rotation) for p in facts.pages] == [
        (1, 842.0, 595.0, 270), (2, 612.0, 792.0, 0)]


@pytest.mark.parametrize("size", [(612.0, 792.0), (2000.0, 300.0), (100.0, 5000.0)])
def test_the_thumbnail_fits_the_box_and_keeps_the_proportions(tmp_path, size):
    image = Image.open(io.BytesIO(_inspect(tmp_path, pdfs.make_pdf(sizes=[size])).thumbnail_png))
    width, height = image.size
    assert width <= THUMBNAIL_BOX[0] and height <= THUMBNAIL_BOX[1]
    assert THUMBNAIL_BOX[0] - 1 <= width or THUMBNAIL_BOX[1] - 1 <= height  # one side fills the box
    assert abs(width / height - size[0] / size[1]) < 0.05 * size[0] / size[1] + 0.02


def test_a_large_padded_file_is_read_without_reading_the_padding(tmp_path):
    import tracemalloc

    from bench.upload import write_padded_pdf

    path = tmp_path / "padded.pdf"
    write_padded_pdf(path, 64 * 1024 * 1024)
    tracemalloc.start()
    facts = inspect_pdf(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert facts.page_count == 1 and peak < 8 * 1024 * 1024  # Python-side; PDFium reads by offset from disk


@pytest.mark.parametrize(("data", "error", "says"), [
    (pdfs.not_a_pdf(), UnsupportedMediaType, "not a PDF"),
    (pdfs.damaged_pdf(), Unprocessable, "damaged"),
    (pdfs.truncated_pdf(), Unprocessable, "damaged"),
    (pdfs.encrypt(pdfs.make_pdf(1)), Unprocessable, "encrypted"),
    (pdfs.encrypt(pdfs.make_pdf(1), user_password=""), Unprocessable, "encrypted"),
])
def test_what_cannot_be_read_is_refused_by_name(tmp_path, data, error, says):
    with pytest.raises(error, match=says):
        _inspect(tmp_path, data)
