"""A simulated scanner: a page rendered at 150-300 DPI, then turned, shifted, scaled, blurred, noised,
JPEG-compressed, and sometimes put upside down or sideways; and PDFs made of such scans."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import numpy as np

_TURNS = [(0, 0.78), (180, 0.14), (90, 0.04), (270, 0.04)]


@dataclass(frozen=True)
class Scan:
    jpeg: bytes
    dpi: int
    size: tuple[int, int]  # pixels, as stored
    rotation: int  # clockwise degrees the page is turned as shown (what recognition must report)
    page_rotate: int = 0  # /Rotate the scanner software set on the PDF page instead of turning pixels


def render_gray(pdf_bytes: bytes, index: int, dpi: float) -> np.ndarray:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        pdf.init_forms()
        page = pdf[index]
        bitmap = page.render(scale=dpi / 72.0, grayscale=True, may_draw_forms=True)
        gray = np.array(bitmap.to_pil().convert("L"))
        bitmap.close()
        page.close()
        return gray
    finally:
        pdf.close()


def scan_page(pdf_bytes: bytes, index: int, rng: random.Random, *, turns: bool = True) -> Scan:
    """Page `index` of `pdf_bytes` as a scanner with the quirks of `rng` would deliver it."""
    import cv2

    dpi = rng.choice([150, 200, 200, 240, 300])
    gray = render_gray(pdf_bytes, index, dpi)
    height, width = gray.shape
    angle = rng.uniform(-3, 3)
    scale = rng.uniform(0.97, 1.03)
    shift = (rng.uniform(-4, 4) / 25.4 * dpi, rng.uniform(-4, 4) / 25.4 * dpi)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scale)
    matrix[:, 2] += shift
    paper = rng.randint(228, 255)
    page = cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=rng.choice([255, paper]))
    page = _photometric(page, rng, paper)
    rotation = _pick_turn(rng) if turns else 0
    page_rotate = 0
    if rotation and rng.random() < 0.25:  # the scanner software turned the page with /Rotate, not the pixels
        page_rotate = rotation
    else:
        page = np.ascontiguousarray(np.rot90(page, -(rotation // 90)))
    quality = rng.randint(35, 85)
    ok, jpeg = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return Scan(jpeg.tobytes(), dpi, (page.shape[1], page.shape[0]), rotation, page_rotate)


def _pick_turn(rng: random.Random) -> int:
    roll, total = rng.random(), 0.0
    for turn, share in _TURNS:
        total += share
        if roll < total:
            return turn
    return 0


def _photometric(page: np.ndarray, rng: random.Random, paper: int) -> np.ndarray:
    import cv2

    work = page.astype(np.float32)
    ink = rng.uniform(0, 60)  # toner never quite black; paper never quite white
    work = ink + work * (paper - ink) / 255.0
    if rng.random() < 0.7:
        work = cv2.GaussianBlur(work, (0, 0), rng.uniform(0.4, 1.1))
    noise = np.empty_like(work)
    cv2.randn(noise, 0.0, rng.uniform(2, 14))
    work += noise
    if rng.random() < 0.5:  # specks of dust
        count = rng.randint(50, 600)
        gen = np.random.default_rng(rng.randrange(2**32))
        ys, xs = gen.integers(0, page.shape[0], count), gen.integers(0, page.shape[1], count)
        work[ys, xs] = gen.uniform(0, 120, count)
    return np.clip(work, 0, 255).astype(np.uint8)


def scans_to_pdf(scans: list[Scan]) -> bytes:
    """A PDF whose pages are the scans' JPEGs as stored (no re-encoding), each page its scan's size."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for scan in scans:
        width, height = (72.0 * side / scan.dpi for side in scan.size)
        page = pdf.new_page(width, height)
        image = pdfium.PdfImage.new(pdf)
        image.load_jpeg(io.BytesIO(scan.jpeg), inline=False)
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        page.insert_obj(image)
        page.gen_content()
        if scan.page_rotate:
            page.set_rotation(scan.page_rotate)  # shown turned clockwise by this
        page.close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()
