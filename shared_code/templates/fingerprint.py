"""Page fingerprints that survive printing, filling in and scanning.

A fingerprint holds what recognition compares (docs/TEMPLATES.md, "Recognition"):
- the page's *ink map*: the page image made upright to within a fraction of a degree (deskew by
  projection profiles), reduced to WORK_DPI, thresholded, and cropped to its content box, so that a
  scan's shift and scale fall away;
- the *words* of its text (text layer or OCR) as hashes of single words and of word pairs.

`fingerprint_page` makes one from a page image and its text; `encode`/`decode` turn it into the few KB
stored with the template version. The format is versioned: a stored fingerprint of another version is
refused by `decode`, so a change of method means re-indexing, never a silent mis-comparison.
"""

from __future__ import annotations

import itertools
import re
import struct
import zlib
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from shared_code.core.errors import InvalidInput

FORMAT = b"PFP"
VERSION = 1
WORK_DPI = 48  # ink map resolution: words keep their shape, a page is ~3 KB
COARSE_SHAPE = (40, 30)  # rows, columns of the coarse vector that shortlists candidates
_INK_LEVEL = 0.22  # darkness (0..1) above which a WORK_DPI pixel counts as ink
_BORDER_MM = 2.5  # ink this close to the image's edge is the scanner's, not the page's
_MIN_CONTRAST = 120  # grey levels between paper and toner, at least
_SPECK_PIXELS = 3  # isolated blobs at most this large are noise
_HEADER = struct.Struct("<3sBffHHI")
_WORD = re.compile(r"[a-z]{2,}|[0-9]+")  # single digits count: "rev 2" tells revisions apart


@dataclass(frozen=True, eq=False)
class PageFingerprint:
    width: float  # points, as shown (0 when unknown, e.g. an image)
    height: float
    ink: np.ndarray = field(repr=False)  # uint8 0/1, content box at WORK_DPI
    words: np.ndarray = field(repr=False)  # sorted unique uint32 hashes of words and word pairs

    @property
    def ink_share(self) -> float:
        return float(self.ink.mean()) if self.ink.size else 0.0

    @cached_property
    def coarse(self) -> np.ndarray:
        """The ink map shrunk to COARSE_SHAPE, blurred, centred and of unit length (for cosine shortlists)."""
        return coarse_vector(self.ink)


def text_hashes(text: str) -> np.ndarray:
    """Hashes of the words of `text` (lowercased runs of two or more letters, or of digits) and of each word pair."""
    words = _WORD.findall(text.lower())
    keys = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
    return np.unique(np.fromiter((zlib.crc32(key.encode()) for key in keys), dtype=np.uint32, count=len(keys)))


def fingerprint_page(
    gray: np.ndarray, *, dpi: float, text: str = "", size: tuple[float, float] = (0.0, 0.0)
) -> PageFingerprint:
    """The fingerprint of an upright page image (`gray`, uint8, at `dpi`) with its text."""
    return PageFingerprint(size[0], size[1], normalise(gray, dpi=dpi).ink, text_hashes(text))


@dataclass(frozen=True, eq=False)
class NormalisedPage:
    """A page image deskewed and reduced to the ink of its content box (upright to within quarter turns)."""

    ink: np.ndarray  # uint8 0/1 content box at WORK_DPI
    skew: float  # degrees the page's lines sloped by (counter-clockwise positive)
    to_source: np.ndarray  # 3x3: `ink` pixel coordinates -> pixel coordinates of the image it came from


def normalise(gray: np.ndarray, *, dpi: float) -> NormalisedPage:
    """`gray` (uint8, white paper, at `dpi`) deskewed, reduced to WORK_DPI ink and cropped to its content."""
    import cv2

    darkness = _reduce(gray, dpi)
    skew = _skew_angle(darkness > _INK_LEVEL)
    height, width = darkness.shape
    to_reduced = np.eye(3)
    if abs(skew) > 0.05:
        turn = cv2.getRotationMatrix2D((width / 2, height / 2), -skew, 1.0)
        darkness = cv2.warpAffine(darkness, turn, (width, height), flags=cv2.INTER_LINEAR, borderValue=0.0)
        to_reduced = np.linalg.inv(np.vstack([turn, [0, 0, 1]]))
    ink = _clean(darkness > _INK_LEVEL)
    x0, y0, x1, y1 = content_box(ink)
    scale = np.diag([gray.shape[1] / width, gray.shape[0] / height, 1.0])
    to_source = scale @ to_reduced @ np.array([[1.0, 0, x0], [0, 1, y0], [0, 0, 1]])
    return NormalisedPage(np.ascontiguousarray(ink[y0:y1, x0:x1]).astype(np.uint8), skew, to_source)


def _reduce(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Darkness (0..1, float32) at WORK_DPI, stretched so that paper is 0 and toner 1 whatever the scanner
    made of them; the border band, where scanners leave their edges, cleared."""
    import cv2

    sample = gray[::4, ::4]
    paper, toner = np.percentile(sample, 50), np.percentile(sample, 0.5)
    contrast = max(float(paper - toner), _MIN_CONTRAST)  # a blank page keeps its speckles faint
    levels = np.clip((paper - np.arange(256, dtype=np.float32)) / contrast, 0.0, 1.0)
    factor = WORK_DPI / dpi
    size = (max(1, round(gray.shape[1] * factor)), max(1, round(gray.shape[0] * factor)))
    darkness = levels[gray]
    darkness = cv2.resize(darkness, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR)
    border = max(1, round(_BORDER_MM / 25.4 * WORK_DPI))
    darkness[:border], darkness[-border:], darkness[:, :border], darkness[:, -border:] = 0, 0, 0, 0
    return darkness


def _skew_angle(ink: np.ndarray, limit: float = 5.0) -> float:
    """Degrees (counter-clockwise positive) the text lines of `ink` slope by, found where the row (or
    column, for a page turned by 90°) profile of the ink is sharpest."""
    ys, xs = np.nonzero(ink)
    if len(ys) < 50:
        return 0.0
    ys, xs = ys.astype(np.float32), xs.astype(np.float32)
    best = (0.0, -1.0)
    for step, span in ((0.5, limit), (0.1, 0.5)):
        centre = best[0]
        for angle in np.arange(centre - span, centre + span + step / 2, step):
            rad = np.deg2rad(angle)
            sharpness = max(
                _profile_sharpness(ys * np.cos(rad) + xs * np.sin(rad)),
                _profile_sharpness(xs * np.cos(rad) - ys * np.sin(rad)),
            )
            if sharpness > best[1]:
                best = (float(angle), sharpness)
    return best[0]


def _profile_sharpness(positions: np.ndarray) -> float:
    counts = np.bincount((positions - positions.min()).astype(np.int32))
    return float(np.square(counts, dtype=np.float64).sum())


def _clean(ink: np.ndarray) -> np.ndarray:
    import cv2

    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] > _SPECK_PIXELS
    keep[0] = False
    return keep[labels]


def content_box(ink: np.ndarray) -> tuple[int, int, int, int]:
    """x0, y0, x1, y1 of the ink in `ink` (the whole image when it has none)."""
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return 0, 0, ink.shape[1], ink.shape[0]
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def coarse_vector(ink: np.ndarray) -> np.ndarray:
    import cv2

    if not ink.size:
        return np.zeros(COARSE_SHAPE[0] * COARSE_SHAPE[1], dtype=np.float32)
    small = cv2.resize(ink.astype(np.float32), COARSE_SHAPE[::-1], interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (3, 3), 0.8).ravel()
    small -= small.mean()
    norm = float(np.linalg.norm(small))
    return small / norm if norm > 0 else small


def encode(fingerprint: PageFingerprint) -> bytes:
    height, width = fingerprint.ink.shape
    words = fingerprint.words.astype("<u4")
    header = _HEADER.pack(FORMAT, VERSION, fingerprint.width, fingerprint.height, height, width, len(words))
    return header + zlib.compress(np.packbits(fingerprint.ink).tobytes() + words.tobytes(), 9)


def decode(data: bytes) -> PageFingerprint:
    """The fingerprint `encode` made; InvalidInput for bytes of another format or version."""
    try:
        magic, version, width, height, rows, cols, count = _HEADER.unpack_from(data)
    except struct.error:
        raise InvalidInput("not a page fingerprint") from None
    if magic != FORMAT or version != VERSION:
        raise InvalidInput(
            "a page fingerprint of another version: index the template again", details={"version": version}
        )
    packed = (rows * cols + 7) // 8
    try:
        body = zlib.decompress(data[_HEADER.size :])
        ink = np.unpackbits(np.frombuffer(body[:packed], dtype=np.uint8), count=rows * cols).reshape(rows, cols)
        words = np.frombuffer(body[packed : packed + 4 * count], dtype="<u4").astype(np.uint32)
    except (zlib.error, ValueError):
        raise InvalidInput("a damaged page fingerprint: index the template again") from None
    return PageFingerprint(width, height, ink, words)
