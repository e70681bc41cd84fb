"""Reading a template PDF at indexing: each page's size, text (text layer, or OCR when it has none),
fingerprint and thumbnail, and the AcroForm fields."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from shared_code.core.errors import UnsupportedMediaType
from shared_code.pdf import ocr, render, text
from shared_code.pdf.document import as_unprocessable, open_pdf, page_size
from shared_code.pdf.forms import AcroField, acro_fields
from shared_code.templates import fingerprint

__all__ = ["AcroField", "PageAnalysis", "TemplateAnalysis", "analyse_template"]

OCR_DPI = 200  # enough for tesseract on a form's body text; 300 costs twice as much for little
FINGERPRINT_DPI = 72  # rendering resolution the fingerprint is reduced from
THUMBNAIL_WIDTH = 200  # pixels
_MIN_LAYER_CHARS = 16  # fewer letters than this in the text layer: the page is an image, OCR it


@dataclass(frozen=True)
class PageAnalysis:
    number: int  # 1-based
    width: float  # points, as shown
    height: float
    text: str
    text_source: str  # "layer" | "ocr" | "none"
    fingerprint: bytes  # fingerprint.encode(...): opaque, versioned, a few KB
    thumbnail_png: bytes  # THUMBNAIL_WIDTH pixels wide


@dataclass(frozen=True)
class TemplateAnalysis:
    page_count: int
    pages: list[PageAnalysis]
    fields: list[AcroField]


def analyse_template(data: bytes) -> TemplateAnalysis:
    """Everything indexing stores about the template PDF `data`.

    Raises `Unprocessable` for content that is not a PDF, a damaged or encrypted PDF, or one without pages.
    """
    try:
        with open_pdf(data) as pdf:
            pages = [_analyse_page(pdf, index) for index in range(len(pdf))]
    except UnsupportedMediaType as exc:
        raise as_unprocessable(exc) from None
    return TemplateAnalysis(len(pages), pages, acro_fields(data))


def _analyse_page(pdf, index: int) -> PageAnalysis:
    width, height = page_size(pdf, index)
    image = render.render_page(pdf, index, dpi=FINGERPRINT_DPI)
    page_text, source = text.page_text(pdf, index), "layer"
    if sum(char.isalnum() for char in page_text) < _MIN_LAYER_CHARS:
        scan = render.scan_image(pdf, index, min_dpi=OCR_DPI) or render.render_page(pdf, index, dpi=OCR_DPI)
        page_text = ocr.ocr_text(scan, dpi=round(scan.width / (width / 72.0)))
        source = "ocr" if page_text.strip() else "none"
    print_ = fingerprint.fingerprint_page(
        np.asarray(image), dpi=image.width / (width / 72.0), text=page_text, size=(width, height)
    )
    return PageAnalysis(
        index + 1,
        round(width, 2),
        round(height, 2),
        page_text,
        source,
        fingerprint.encode(print_),
        _thumbnail(pdf, index, width),
    )


def _thumbnail(pdf, index: int, width: float) -> bytes:
    image = render.render_page(pdf, index, dpi=THUMBNAIL_WIDTH * 72.0 / width, grayscale=False)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
