"""Small real PDFs and scans for the toolkit's tests, drawn with reportlab and PDFium."""

from __future__ import annotations

import io

import numpy as np

from tests.support import corpus_scan

LINES = ["Participation Form", "Facility name: Riverside Medical Center", "Account number: A1234567"]


def text_pdf(*, rotate: int = 0, lines: list[str] = LINES, pages: int = 1) -> bytes:
    """Letter pages with `lines` in 14 pt Helvetica from (72, 700) down, 30 pt apart; /Rotate `rotate`."""
    from reportlab.pdfgen import canvas as pdf_canvas

    out = io.BytesIO()
    canvas = pdf_canvas.Canvas(out, pagesize=(612, 792), invariant=1)
    for _ in range(pages):
        canvas.setPageRotation(rotate)
        canvas.setFont("Helvetica", 14)
        for number, line in enumerate(lines):
            canvas.drawString(72, 700 - 30 * number, line)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def scanned_pdf(source: bytes, *, dpi: int = 200, turn: int = 0, page_rotate: int = 0) -> bytes:
    """`source`'s first page rendered at `dpi` and stored as a JPEG page (as a scanner would), its pixels
    turned clockwise by `turn` degrees and the page given /Rotate `page_rotate`."""
    import cv2

    gray = corpus_scan.render_gray(source, 0, dpi)
    gray = np.ascontiguousarray(np.rot90(gray, -(turn // 90)))
    jpeg = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()
    return corpus_scan.scans_to_pdf([corpus_scan.Scan(jpeg, dpi, (gray.shape[1], gray.shape[0]), turn, page_rotate)])


def empty_pdf() -> bytes:
    """A well-formed PDF with no pages at all."""
    import pypdf

    out = io.BytesIO()
    pypdf.PdfWriter().write(out)
    return out.getvalue()
