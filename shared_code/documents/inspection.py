"""What a PDF file is, read with pypdfium2: its pages and a first-page thumbnail, or why it is refused.

The file is opened from disk, never from bytes: PDFium then reads only the objects it needs, so a
200 MB file with one page costs a few megabytes (docs/PERFORMANCE.md, "Document upload"). Opening,
refusals and the PDFium lock are the PDF toolkit's (shared_code/pdf/document.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from shared_code.pdf.document import PDF_MAGIC, PDFIUM, open_pdf, require_pdf_magic

__all__ = ["PDF_MAGIC", "THUMBNAIL_BOX", "PageFacts", "PdfFacts", "inspect_pdf", "require_pdf_magic"]

THUMBNAIL_BOX = (200, 280)  # pixels: a thumbnail fits inside, keeping the page's proportions


@dataclass(frozen=True)
class PageFacts:
    number: int  # 1-based
    width_points: float  # as the page is shown, i.e. after its rotation (what a rendering measures)
    height_points: float
    rotation: int  # degrees clockwise the page asks to be turned by when shown


@dataclass(frozen=True)
class PdfFacts:
    pages: tuple[PageFacts, ...]
    thumbnail_png: bytes

    @property
    def page_count(self) -> int:
        return len(self.pages)


def inspect_pdf(path: Path) -> PdfFacts:
    """The pages of the PDF at `path` and a PNG of its first page.

    Raises `UnsupportedMediaType` for content that is not a PDF, `Unprocessable` for a PDF that cannot
    be read (damaged, empty) or that is encrypted (PACT must be able to read, stamp and split it).
    """
    with open_pdf(path) as pdf, PDFIUM:
        pages = tuple(_page_facts(pdf, index) for index in range(len(pdf)))
        return PdfFacts(pages, _thumbnail(pdf[0], pages[0]))


def _page_facts(pdf, index: int) -> PageFacts:
    page = pdf[index]
    try:
        width, height = page.get_size()
        return PageFacts(index + 1, round(width, 2), round(height, 2), page.get_rotation())
    finally:
        page.close()


def _thumbnail(page, facts: PageFacts) -> bytes:
    width, height = facts.width_points, facts.height_points
    scale = min(THUMBNAIL_BOX[0] / max(width, 1.0), THUMBNAIL_BOX[1] / max(height, 1.0))
    bitmap = page.render(scale=scale, may_draw_forms=True)
    try:
        image = bitmap.to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        bitmap.close()
        page.close()
