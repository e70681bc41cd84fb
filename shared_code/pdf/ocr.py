"""OCR with tesseract (through pytesseract): words with boxes and confidences, plain text, orientation.

Tesseract costs seconds per full page, so callers OCR only what they must: pages without a text layer
at indexing, regions of a scan at recognition and extraction.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from shared_code.core.errors import Unavailable, Unprocessable
from shared_code.pdf.words import Word

if TYPE_CHECKING:
    from PIL import Image

LANGUAGE = "eng"
TIMEOUT_SECONDS = 60
_MIN_OSD_SIDE = 100  # pixels; tesseract's orientation detection needs some text to look at


def ocr_words(
    image: Image.Image, *, dpi: int, psm: int = 3, min_confidence: float = 0.0, whitelist: str | None = None
) -> list[Word]:
    """The words tesseract reads in `image` (scanned at `dpi`), boxes in image pixels (origin top-left).

    `psm` is tesseract's page segmentation mode: 3 for a page, 6 for one block, 7 for one line, 11 for
    sparse text. Words below `min_confidence` (0..1) are left out. `whitelist`: the only characters
    tesseract may read (e.g. digits for a number field).
    """
    import pytesseract

    config = f"--psm {psm} --dpi {dpi}" + (f" -c tessedit_char_whitelist={whitelist}" if whitelist else "")
    data = _run(pytesseract.image_to_data, image, config=config, output_type=pytesseract.Output.DICT)
    words = []
    for text, conf, left, top, width, height, block, paragraph, line in zip(
        data["text"],
        data["conf"],
        data["left"],
        data["top"],
        data["width"],
        data["height"],
        data["block_num"],
        data["par_num"],
        data["line_num"],
        strict=True,
    ):
        confidence = max(0.0, float(conf)) / 100.0
        if text.strip() and confidence >= min_confidence:
            line_number = block * 10_000 + paragraph * 100 + line
            words.append(Word(text.strip(), (left, top, left + width, top + height), confidence, line_number))
    return words


def ocr_text(image: Image.Image, *, dpi: int, psm: int = 3) -> str:
    """The text tesseract reads in `image`, one line per line read."""
    lines: dict[int, list[str]] = {}
    for word in ocr_words(image, dpi=dpi, psm=psm):
        lines.setdefault(word.line, []).append(word.text)
    return "\n".join(" ".join(words) for _, words in sorted(lines.items()))


def detect_orientation(image: Image.Image, *, dpi: int) -> tuple[int, float] | None:
    """Clockwise degrees (0, 90, 180, 270) the page in `image` is turned by, and tesseract's confidence
    (unbounded, above ~2 is reliable); None when tesseract finds too little text to tell."""
    import pytesseract

    if min(image.size) < _MIN_OSD_SIDE:
        return None
    try:
        osd = _run(pytesseract.image_to_osd, image, config=f"--psm 0 --dpi {dpi}", lang="osd")
    except Unprocessable:
        return None  # "Too few characters" and the like
    rotate = re.search(r"Rotate: (\d+)", osd)
    confidence = re.search(r"Orientation confidence: ([\d.]+)", osd)
    if not rotate:
        return None
    # tesseract says how far to turn the image clockwise to make it upright: the page is turned back by that.
    return (360 - int(rotate.group(1))) % 360, float(confidence.group(1)) if confidence else 0.0


def _run(call, image, *, lang: str = LANGUAGE, **kwargs):
    import pytesseract

    # One thread per tesseract: the worker runs requests side by side, and OpenMP's threads only contend.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return call(image, lang=lang, timeout=TIMEOUT_SECONDS, **kwargs)
    except pytesseract.TesseractNotFoundError:
        raise Unavailable("OCR is not available: tesseract is not installed") from None
    except pytesseract.TesseractError as exc:  # before RuntimeError, which it is a kind of
        raise Unprocessable("OCR could not read the image", details={"reason": str(exc.message)}) from None
    except RuntimeError as exc:  # pytesseract's timeout
        raise Unavailable("OCR took too long", details={"timeout_seconds": TIMEOUT_SECONDS}) from exc
