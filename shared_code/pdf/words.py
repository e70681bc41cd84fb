"""A word read from a page, with its box: what the text layer and OCR both produce."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """One word and where it is.

    From the text layer (`text.page_words`) the box is in PDF points of the page's own space (origin
    bottom-left, before the page's /Rotate), like AcroForm rectangles; from OCR (`ocr.ocr_words`) it is in
    pixels of the image read (origin top-left). `confidence` is 0..1 (1.0 for the text layer).
    """

    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1
    confidence: float = 1.0
    line: int = 0  # words of one line share a number (reading order)
