"""Scoring a page against every template page: by its words (text layer) or by its ink map (scans).

Both matchers rank template pages by a score in 0..1. The thresholds that turn scores into answers
live in `recognition`; they were calibrated on the test corpus (tests/support/corpus.py) and checked on
held-out seeds (docs/TEMPLATES.md, "Recognition").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shared_code.templates import fingerprint as fp

SHORTLIST = 6  # (template page, quarter turn) pairs aligned and scored in full
_ECC_ITERATIONS = 30
_TOLERANCE_PX = 1  # ink within this many WORK_DPI pixels (half a millimetre) agrees
_PAGE_INK_LEVEL = 0.35  # a resampled page pixel this dark is ink


@dataclass(frozen=True)
class Ranked:
    """A template page and how well the page matches it."""

    index: int  # of the template page in the matcher
    score: float  # 0..1
    turns: int = 0  # quarter turns clockwise that made the page upright
    to_source: np.ndarray | None = None  # 3x3: template ink coordinates -> source image pixels (image path)


class TextMatcher:
    def __init__(self, prints: list[fp.PageFingerprint]) -> None:
        self._sizes = np.array([max(1, len(p.words)) for p in prints], dtype=np.float64)
        self._hashes = np.concatenate([p.words for p in prints]) if prints else np.zeros(0, np.uint32)
        self._owner = np.repeat(np.arange(len(prints)), [len(p.words) for p in prints])

    def rank(self, hashes: np.ndarray, top: int = 3) -> list[Ranked]:
        """The `top` template pages with the largest share of their words and word pairs found in `hashes`."""
        found = np.isin(self._hashes, hashes)
        scores = np.bincount(self._owner[found], minlength=len(self._sizes)) / self._sizes
        return [Ranked(int(index), float(scores[index])) for index in np.argsort(-scores, kind="stable")[:top]]


class ImageMatcher:
    def __init__(self, prints: list[fp.PageFingerprint]) -> None:
        self._inks = [p.ink for p in prints]
        self._coarse = np.stack([p.coarse for p in prints]) if prints else np.zeros((0, 1), np.float32)

    def rank(self, gray: np.ndarray, dpi: float) -> list[Ranked]:
        """Template pages ranked by `agreement` with the page image `gray` (at `dpi`), best first; each with
        the quarter turns that made the page upright and the mapping back into `gray`."""
        page = fp.normalise(gray, dpi=dpi)
        turned = [np.ascontiguousarray(np.rot90(page.ink, -turns)) for turns in range(4)]
        similarity = np.stack([fp.coarse_vector(ink) for ink in turned]) @ self._coarse.T  # 4 x N
        best: dict[int, Ranked] = {}
        for flat in np.argsort(-similarity, axis=None)[:SHORTLIST]:
            turns, index = divmod(int(flat), similarity.shape[1])
            score, warp = agreement(turned[turns], self._inks[index])
            if index not in best or score > best[index].score:
                to_source = page.to_source @ _unturn(turns, page.ink.shape) @ warp
                best[index] = Ranked(index, score, turns, to_source)
        return sorted(best.values(), key=lambda ranked: -ranked.score)

    def ink(self, index: int) -> np.ndarray:
        return self._inks[index]


def agreement(ink: np.ndarray, template: np.ndarray) -> tuple[float, np.ndarray]:
    """How much of a template page's ink the page's ink map `ink` reproduces (0..1), after scaling the page
    onto the template's content box and aligning it by ECC; and the 3x3 mapping from template ink
    coordinates to `ink` coordinates.

    The share of the template's ink found (within half a millimetre) is what survives filling in,
    handwriting and scanning, and what a foreign page, however similar in style, does not reproduce.
    """
    import cv2

    height, width = template.shape
    scale = np.diag([ink.shape[1] / width, ink.shape[0] / height, 1.0])
    if not ink.any() or not template.any():
        return 0.0, scale
    page = cv2.resize(ink.astype(np.float32), (width, height), interpolation=cv2.INTER_AREA)
    warp = _ecc(page, template.astype(np.float32))
    page = cv2.warpAffine(page, warp, (width, height), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    kernel = np.ones((2 * _TOLERANCE_PX + 1, 2 * _TOLERANCE_PX + 1), np.uint8)
    near_page = cv2.dilate((page > _PAGE_INK_LEVEL).astype(np.uint8), kernel) > 0
    template_ink = template > 0
    kept = (template_ink & near_page).sum() / max(1, template_ink.sum())
    return float(kept), scale @ np.vstack([warp, [0, 0, 1]])


def _ecc(page: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The affine warp (template -> page coordinates) that best aligns `page` to `reference`, found on
    images at half resolution (four times cheaper, and precise enough before the tolerance)."""
    import cv2

    warp = np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, _ECC_ITERATIONS, 1e-4)
    small_reference = cv2.GaussianBlur(cv2.pyrDown(reference), (0, 0), 1.0)
    small_page = cv2.GaussianBlur(cv2.pyrDown(page), (0, 0), 1.0)
    try:
        _, warp = cv2.findTransformECC(small_reference, small_page, warp, cv2.MOTION_AFFINE, criteria, None, 1)
    except cv2.error:
        return np.eye(2, 3, dtype=np.float32)  # no convergence: compare as scaled
    warp[:, 2] *= 2.0
    return warp


def _unturn(turns: int, shape: tuple[int, int]) -> np.ndarray:
    """3x3: coordinates in np.rot90(ink, -turns) -> coordinates in `ink` (of `shape`)."""
    height, width = shape
    return {
        0: np.eye(3),
        1: np.array([[0.0, 1, 0], [-1, 0, height - 1], [0, 0, 1]]),
        2: np.array([[-1.0, 0, width - 1], [0, -1, height - 1], [0, 0, 1]]),
        3: np.array([[0.0, -1, width - 1], [1, 0, 0], [0, 0, 1]]),
    }[turns]
