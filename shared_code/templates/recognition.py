"""Which template page is this page? For each page of a PDF or image: the template, version and page it
most likely is, how it is turned, a confidence and the runner-up, or unknown.

How (docs/TEMPLATES.md, "Recognition"): a page with a text layer is compared by its words first; any
other page by its ink map: a cosine over coarse ink grids shortlists (template page, quarter turn) pairs,
then each is aligned to the template (ECC, affine) and scored by how much ink the two share. When two
templates stay too close to call, a small OCR of the region where they differ decides.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from shared_code.core.errors import InvalidInput, Unprocessable, UnsupportedMediaType
from shared_code.pdf import render, text
from shared_code.pdf.document import as_unprocessable, open_pdf, page_size
from shared_code.templates import fingerprint as fp
from shared_code.templates import tiebreak
from shared_code.templates.page_matching import ImageMatcher, Ranked, TextMatcher

log = logging.getLogger(__name__)

SCAN_DPI = 100  # a scan is read at (at least) this resolution; the ink map needs far less
MAX_IMAGE_PIXELS = 120_000_000  # larger images are refused (decompression bombs)
_IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"II*\x00": "TIFF", b"MM\x00*": "TIFF"}
_MIN_TEXT_WORDS = 12  # fewer words in a text layer: read the page as an image
# Calibrated on corpus seeds 1-2, validated on seed 7 (docs/TEMPLATES.md, "Recognition").
IMAGE_ACCEPT = 0.92  # share of a template page's ink a scan must reproduce (seen: right >= 0.97, foreign <= 0.87)
IMAGE_MARGIN = 0.02  # two template pages closer than this on ink: OCR where they differ decides
TEXT_ACCEPT = 0.85  # share of a template page's words and word pairs a text layer must contain
TEXT_MARGIN = 0.03  # two template pages closer than this on words: the words only one has decide
_IMAGE_SPREAD = 0.012  # confidence 0.5 at the threshold, ~0.95 at +0.035
_TEXT_SPREAD = 0.03


@dataclass(frozen=True)
class TemplatePageRef:
    template_id: str
    version: int
    page: int  # 1-based template page


@dataclass(frozen=True)
class RunnerUp:
    template_id: str
    confidence: float


@dataclass(frozen=True)
class PageRecognition:
    index: int  # 0-based input page
    ref: TemplatePageRef | None  # None: unknown
    rotation: int  # 0|90|180|270: clockwise degrees the input page is turned relative to upright
    confidence: float  # 0..1
    runner_up: RunnerUp | None


class Recognizer:
    """Recognises pages against a fixed set of template pages. Cheap to build from stored fingerprints,
    immutable after, and safe to share between threads."""

    def __init__(self, pages: Iterable[tuple[TemplatePageRef, bytes]]) -> None:
        refs, prints = [], []
        for ref, data in pages:
            try:
                prints.append(fp.decode(data))
            except InvalidInput:
                log.warning("skipping a template page whose fingerprint cannot be read: %s", ref)
                continue
            refs.append(ref)
        self._refs: tuple[TemplatePageRef, ...] = tuple(refs)
        self._words = [p.words for p in prints]
        self._text = TextMatcher(prints)
        self._image = ImageMatcher(prints)

    def __len__(self) -> int:
        return len(self._refs)

    def recognize_pdf(self, data: bytes) -> list[PageRecognition]:
        """One answer per page of the PDF `data`, in order. Unprocessable for a damaged, encrypted, empty or
        non-PDF file."""
        try:
            with open_pdf(data) as pdf:
                return [self._recognize_pdf_page(pdf, index) for index in range(len(pdf))]
        except UnsupportedMediaType as exc:
            raise as_unprocessable(exc) from None

    def recognize_image(self, image, index: int = 0) -> PageRecognition:
        """The answer for one page image (a PIL image, e.g. a page of an intake TIFF), as page `index`."""
        gray = np.asarray(image.convert("L"))
        return self._from_image(gray, _image_dpi(image), index)

    def recognize_file(self, data: bytes) -> list[PageRecognition]:
        """One answer per page of a PDF, PNG, JPEG or TIFF (every frame), told apart by content."""
        if data.startswith(b"%PDF-"):
            return self.recognize_pdf(data)
        kind = next((name for magic, name in _IMAGE_MAGIC.items() if data.startswith(magic)), None)
        if kind is None:
            raise Unprocessable("the file is not a PDF, PNG, JPEG or TIFF")
        return [self.recognize_image(frame, index) for index, frame in enumerate(_frames(data, kind))]

    def _recognize_pdf_page(self, pdf, index: int) -> PageRecognition:
        if not self._refs:
            return PageRecognition(index, None, 0, 0.0, None)
        layer = text.page_text(pdf, index)
        if len(layer.split()) >= _MIN_TEXT_WORDS:
            answer = self._by_text(fp.text_hashes(layer), index)
            if answer is not None:
                return replace(answer, rotation=text.text_rotation(pdf, index) or 0)
        width, _ = page_size(pdf, index)
        image = render.scan_image(pdf, index, min_dpi=SCAN_DPI) or render.render_page(pdf, index, dpi=SCAN_DPI)

        def sharper() -> tuple[np.ndarray, float]:
            full = render.scan_image(pdf, index) or render.render_page(pdf, index, dpi=tiebreak.OCR_DPI)
            return np.asarray(full), full.width / (width / 72.0)

        return self._by_image(np.asarray(image), image.width / (width / 72.0), index, sharper)

    def _from_image(self, gray: np.ndarray, dpi: float, index: int) -> PageRecognition:
        if not self._refs:
            return PageRecognition(index, None, 0, 0.0, None)
        return self._by_image(gray, dpi, index, lambda: (gray, dpi))

    def _by_text(self, hashes: np.ndarray, index: int) -> PageRecognition | None:
        """The answer from the words alone, or None when they do not settle it (the image decides then)."""
        ranked = self._text.rank(hashes)
        best = ranked[0]
        if best.score < TEXT_ACCEPT:
            return None
        rival = next((r for r in ranked[1:] if best.score - r.score < TEXT_MARGIN), None)
        if rival is not None:
            verdict = tiebreak.prefer(hashes, self._words[best.index], self._words[rival.index])
            if verdict == 0:
                return None
            best = best if verdict > 0 else rival
        return self._answer(index, best.index, _text_confidence(best.score), ranked, _text_confidence, 0)

    def _by_image(self, gray: np.ndarray, dpi: float, index: int, sharper) -> PageRecognition:
        ranked = self._image.rank(gray, dpi)
        best = ranked[0]
        if best.score < IMAGE_ACCEPT:
            return self._answer(
                index, None, 1.0 - _image_confidence(best.score), ranked, _image_confidence, _rotation(best.turns)
            )
        confidence = _image_confidence(best.score)
        rival = next((r for r in ranked[1:] if best.score - r.score < IMAGE_MARGIN), None)
        if rival is not None:
            verdict = self._read_difference(best, rival, dpi, sharper)
            log.info(
                "recognition: %s and %s too close on ink (%.3f, %.3f); OCR of the difference says %d",
                self._refs[best.index],
                self._refs[rival.index],
                best.score,
                rival.score,
                verdict,
            )
            best = rival if verdict < 0 else best
            confidence = _image_confidence(best.score) * (0.9 if verdict else 0.5)
        return self._answer(index, best.index, confidence, ranked, _image_confidence, _rotation(best.turns))

    def _read_difference(self, a: Ranked, b: Ranked, dpi: float, sharper) -> int:
        import cv2

        ink_a, ink_b = self._image.ink(a.index), self._image.ink(b.index)
        a_to_b = np.linalg.inv(b.to_source) @ a.to_source
        b_in_a = cv2.warpAffine(ink_b, a_to_b[:2], ink_a.shape[::-1], flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP)
        boxes = tiebreak.differing_regions(ink_a, b_in_a)
        if not boxes:
            return 0
        gray, sharper_dpi = sharper()
        to_sharper = np.diag([sharper_dpi / dpi, sharper_dpi / dpi, 1.0]) @ a.to_source
        read = fp.text_hashes(tiebreak.read_regions(gray, to_sharper, boxes))
        return tiebreak.prefer(read, self._words[a.index], self._words[b.index])

    def _answer(
        self, index: int, chosen: int | None, confidence: float, ranked: list[Ranked], calibrate, rotation: int
    ) -> PageRecognition:
        ref = self._refs[chosen] if chosen is not None else None
        template_id = ref.template_id if ref else None
        other = next((r for r in ranked if self._refs[r.index].template_id != template_id), None)
        runner_up = RunnerUp(self._refs[other.index].template_id, round(calibrate(other.score), 4)) if other else None
        return PageRecognition(index, ref, rotation, round(float(confidence), 4), runner_up)


def _rotation(turns: int) -> int:
    """Quarter turns clockwise that made the page upright -> clockwise degrees it was turned by."""
    return (4 - turns) % 4 * 90


def _image_confidence(score: float) -> float:
    return float(1.0 / (1.0 + np.exp(-(score - IMAGE_ACCEPT) / _IMAGE_SPREAD)))


def _text_confidence(score: float) -> float:
    return float(1.0 / (1.0 + np.exp(-(score - TEXT_ACCEPT) / _TEXT_SPREAD)))


def _image_dpi(image) -> float:
    """The image's resolution: its own metadata when plausible, otherwise the width of a letter/A4 page."""
    dpi = image.info.get("dpi")
    if dpi and 50 <= float(dpi[0]) <= 1200:
        return float(dpi[0])
    return min(image.size) / 8.4


def _frames(data: bytes, kind: str):
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise Unprocessable("the image is too large to read", details={"pixels": list(image.size)})
        for frame in ImageSequence.Iterator(image):
            frame.load()
            yield frame
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise Unprocessable(f"the {kind} image is damaged and cannot be read", details={"reason": str(exc)}) from None
