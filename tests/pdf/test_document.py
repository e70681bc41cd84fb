"""Opening PDFs: what is refused, by name, and what is read."""

from __future__ import annotations

import pytest

from shared_code.core.errors import Unprocessable, UnsupportedMediaType
from shared_code.pdf.document import open_pdf, page_size
from tests.documents import pdfs
from tests.pdf import samples


@pytest.mark.parametrize(
    ("data", "error", "says"),
    [
        (pdfs.not_a_pdf(), UnsupportedMediaType, "not a PDF"),
        (b"", UnsupportedMediaType, "not a PDF"),
        (pdfs.damaged_pdf(), Unprocessable, "damaged"),
        (pdfs.truncated_pdf(), Unprocessable, "damaged"),
        (pdfs.encrypt(pdfs.make_pdf(1)), Unprocessable, "encrypted"),
        (pdfs.encrypt(pdfs.make_pdf(1), user_password=""), Unprocessable, "encrypted"),
        (samples.empty_pdf(), Unprocessable, "no pages"),
    ],
)
def test_what_cannot_be_read_is_refused_by_name(data, error, says):
    with pytest.raises(error, match=says), open_pdf(data):
        pass


def test_a_pdf_opens_from_bytes_or_a_path_with_its_pages_as_shown(tmp_path):
    data = pdfs.make_pdf(sizes=[pdfs.A4, pdfs.LETTER], rotations=[90, 0])
    path = tmp_path / "file.pdf"
    path.write_bytes(data)
    for source in (data, path):
        with open_pdf(source) as pdf:
            assert len(pdf) == 2
            assert page_size(pdf, 0) == pytest.approx((842, 595), abs=0.5)
            assert page_size(pdf, 1) == pytest.approx((612, 792), abs=0.5)
