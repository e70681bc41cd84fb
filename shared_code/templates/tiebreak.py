"""Telling two nearly identical template pages apart on a scan: OCR only where they differ.

Two templates that share a page but for a title, a form number or a revision mark score alike on
their ink. Their ink maps, brought into one frame through the page both were aligned to, show where
they differ; tesseract reads the page there (a strip or two, a few hundred milliseconds), and the
words read are looked up among the words only one of the two templates has.
"""

from __future__ import annotations

import numpy as np

from shared_code.pdf import ocr
from shared_code.templates import fingerprint as fp

OCR_DPI = 300  # the regions are resampled to this resolution for tesseract
MAX_REGIONS = 2
_MIN_DIFFERENCE_PX = 2  # WORK_DPI pixels: a single differing digit of a footer counts
_PAD_PX = (30, 4)  # x, y: take in the words beside a difference ("rev 2", not "2")


def differing_regions(ink_a: np.ndarray, ink_b_in_a: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1 in A's ink coordinates) of the largest areas where A's and B's ink differ."""
    import cv2

    a, b = ink_a.astype(np.uint8), _refine(ink_a, ink_b_in_a)
    difference = a != b  # both are clean renderings, aligned to a fraction of a pixel: no tolerance needed
    lines = cv2.dilate(difference.astype(np.uint8), np.ones((3, 25), np.uint8))  # a difference's whole line
    count, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    weights = np.bincount(labels[difference], minlength=count)
    weights[0] = 0
    boxes = []
    for label in np.argsort(-weights)[:MAX_REGIONS]:
        if weights[label] < _MIN_DIFFERENCE_PX:
            break
        x, y, w, h = stats[label, :4]
        boxes.append(
            (
                max(0, x - _PAD_PX[0]),
                max(0, y - _PAD_PX[1]),
                min(a.shape[1], x + w + _PAD_PX[0]),
                min(a.shape[0], y + h + _PAD_PX[1]),
            )
        )
    return boxes


def _refine(ink_a: np.ndarray, ink_b: np.ndarray) -> np.ndarray:
    """B's ink aligned onto A's by ECC (they were brought together through a scan, only roughly)."""
    import cv2

    warp = np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 50, 1e-5)
    a, b = ink_a.astype(np.float32), ink_b.astype(np.float32)
    try:
        _, warp = cv2.findTransformECC(a, b, warp, cv2.MOTION_AFFINE, criteria, None, 3)
    except cv2.error:
        return ink_b.astype(np.uint8)
    return cv2.warpAffine(
        ink_b.astype(np.uint8), warp, ink_a.shape[::-1], flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP
    )


def read_regions(gray: np.ndarray, to_source: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> str:
    """The text tesseract reads in `boxes` (template ink coordinates) of the page image `gray`, each box
    resampled upright at OCR_DPI through `to_source` (template ink -> `gray` pixels)."""
    import cv2
    from PIL import Image

    scale = OCR_DPI / fp.WORK_DPI
    texts = []
    for x0, y0, x1, y1 in boxes:
        out_to_source = to_source @ np.array([[1 / scale, 0, x0], [0, 1 / scale, y0], [0, 0, 1]])
        size = (round((x1 - x0) * scale), round((y1 - y0) * scale))
        region = cv2.warpAffine(
            gray, out_to_source[:2], size, flags=cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP, borderValue=255
        )
        texts.append(ocr.ocr_text(Image.fromarray(region), dpi=OCR_DPI, psm=6))
    return "\n".join(texts)


def prefer(read: np.ndarray, words_a: np.ndarray, words_b: np.ndarray) -> int:
    """+1 when the words `read` (hashes) side with A, -1 with B, 0 when they do not tell."""
    only_a, only_b = np.setdiff1d(words_a, words_b), np.setdiff1d(words_b, words_a)
    hits_a, hits_b = np.isin(read, only_a).sum(), np.isin(read, only_b).sum()
    return int(np.sign(hits_a - hits_b))
