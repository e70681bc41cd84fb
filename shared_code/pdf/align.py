"""Aligning a scanned page to its template page, and mapping PDF points to page pixels.

    reference = Reference(template_gray, dpi=150)          # once per template page (features cached)
    alignment = align_page(reference, scan_gray, dpi=200)  # template pixels -> scan pixels, and a quality

A scan of a printed page is the template page moved, scaled a little, turned a little (and sometimes by
a quarter or half turn), with ink added. Features first: ORB keypoints matched between the two (ratio
test) and an affine transform fitted to them by RANSAC, which copes with any turn. When too few features
agree (a sparse page, a poor scan), ECC is tried from each quarter turn instead and the best kept. The fit
is then refined by patches: squares of the template with structure both ways, each found again in the
scan (to a tenth of a pixel) near where the fit puts it, and an affine transform fitted to where they
are (ECC over the whole page does the same four times slower). When nothing fits, the alignment says so
(`method="none"`, quality 0) rather than guessing silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

WORK_DPI = 100  # alignment runs on both images at this resolution: 1 px = 0.72 pt, refined below a pixel
_FEATURES = 1500
_RATIO = 0.8  # Lowe's ratio test on the two nearest descriptors
_MIN_INLIERS = 25
_RANSAC_PX = 3.0
_SCALE_RANGE = (0.8, 1.25)  # a scan at the wrong DPI is still a scan; beyond this, a wrong match
_MAX_SKEW = 0.03  # cosine of the angle between the transformed axes
_PATCH = 48  # pixels at WORK_DPI (~12 mm): the squares matched to refine the fit
_SEARCH = 10  # pixels each way a patch is looked for around where the first fit puts it
_GRID = (6, 4)  # rows x columns of page cells, one patch from each
_MIN_PATCH_ENERGY = 200.0
_MIN_PATCH_MATCH = 0.5
_MIN_PATCHES = 6
_ECC_ITERATIONS = 40  # at half WORK_DPI, when features fail
_ECC_EPS = 1e-4
_MIN_QUALITY = 0.2  # correlation of the aligned pages below this: not aligned


@dataclass(frozen=True)
class Alignment:
    """Where the template page lies in the scan."""

    matrix: np.ndarray  # 3x3: template image pixels -> scan image pixels
    quality: float  # correlation of the aligned pages, 0..1 (filled-in ink lowers it a little)
    method: str  # "features" | "ecc" | "none"

    @property
    def rotation(self) -> int:
        """The quarter turn (clockwise degrees: 0, 90, 180, 270) nearest to how the scan is turned."""
        angle = math.degrees(math.atan2(self.matrix[1, 0], self.matrix[0, 0]))
        return round(angle / 90) % 4 * 90

    @property
    def angle(self) -> float:
        """Clockwise degrees the scan is turned by, beyond its quarter turn (-45..45)."""
        angle = math.degrees(math.atan2(self.matrix[1, 0], self.matrix[0, 0]))
        return (angle + 45) % 90 - 45


@dataclass
class Reference:
    """A template page image prepared for alignment (reduced to WORK_DPI, its features found once)."""

    image: np.ndarray  # grayscale, as given
    dpi: float
    work: np.ndarray = field(init=False, repr=False)
    _features: tuple | None = field(default=None, init=False, repr=False)
    _patches: list | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.work = _reduce(self.image, self.dpi)

    @property
    def features(self) -> tuple:
        if self._features is None:
            self._features = _orb(self.work)
        return self._features

    @property
    def patches(self) -> list[tuple[int, int]]:
        """Top-left corners of PATCH-pixel squares spread over the page, each with structure both ways
        (text, corners) so that matching it fixes both coordinates."""
        if self._patches is None:
            self._patches = _patches(self.work)
        return self._patches


def align_page(reference: Reference, scan: np.ndarray, *, dpi: float) -> Alignment:
    """The transform taking `reference`'s pixels onto `scan` (grayscale, at `dpi`), and how well it fits."""
    work = _reduce(scan, dpi)
    warp, method = _by_features(reference.features, _orb(work)), "features"
    if warp is None:  # ECC from each quarter turn; the one that correlates best
        method = "ecc"
        warp = max(
            (_by_ecc(reference.work, work, start) for start in _quarter_turns(reference.work.shape, work.shape)),
            key=lambda found: found[1],
        )[0]
    warp = _refine_by_patches(reference, work, _refine_by_patches(reference, work, warp))
    quality = _correlation(reference.work, work, warp)
    if quality < _MIN_QUALITY:
        method, quality = "none", 0.0
    matrix = np.linalg.inv(_resize_matrix(WORK_DPI / dpi)) @ warp @ _resize_matrix(WORK_DPI / reference.dpi)
    return Alignment(matrix, round(float(quality), 4), method)


def _reduce(image: np.ndarray, dpi: float) -> np.ndarray:
    """The page at WORK_DPI, ink bright on black (what ECC correlates), lightly smoothed."""
    import cv2

    scale = WORK_DPI / dpi
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale != 1 else image
    return cv2.GaussianBlur(255 - small, (0, 0), 0.8)


def _resize_matrix(scale: float) -> np.ndarray:
    """3x3: pixel coordinates of an image -> of the image resized by `scale` (pixel centres kept aligned)."""
    shift = 0.5 * scale - 0.5
    return np.array([[scale, 0.0, shift], [0.0, scale, shift], [0.0, 0.0, 1.0]])


def _orb(image: np.ndarray) -> tuple:
    import cv2

    orb = cv2.ORB_create(nfeatures=_FEATURES, scaleFactor=1.2, nlevels=3, edgeThreshold=15, patchSize=31)
    keypoints, descriptors = orb.detectAndCompute(image, None)
    points = np.float32([point.pt for point in keypoints]) if keypoints else np.zeros((0, 2), np.float32)
    return points, descriptors


def _by_features(template: tuple, scan: tuple) -> np.ndarray | None:
    """A similarity transform (3x3, template -> scan work pixels) from matched features, or None."""
    import cv2

    (template_points, template_descriptors), (scan_points, scan_descriptors) = template, scan
    if template_descriptors is None or scan_descriptors is None or len(scan_points) < _MIN_INLIERS:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(template_descriptors, scan_descriptors, k=2)
    good = [pair[0] for pair in pairs if len(pair) == 2 and pair[0].distance < _RATIO * pair[1].distance]
    if len(good) < _MIN_INLIERS:
        return None
    source = template_points[[match.queryIdx for match in good]]
    target = scan_points[[match.trainIdx for match in good]]
    transform, inliers = cv2.estimateAffine2D(
        source, target, method=cv2.RANSAC, ransacReprojThreshold=_RANSAC_PX, maxIters=4000, confidence=0.999
    )
    if transform is None or inliers is None or int(inliers.sum()) < _MIN_INLIERS:
        return None
    # A scan is the page turned and scaled (a scanner's two axes may differ a little), never sheared or
    # mirrored: anything else is a chance fit of repeated shapes.
    x_scale, y_scale = math.hypot(*transform[:, 0]), math.hypot(*transform[:, 1])
    skew = abs(transform[:, 0] @ transform[:, 1]) / (x_scale * y_scale)
    if not (
        _SCALE_RANGE[0] <= x_scale <= _SCALE_RANGE[1]
        and _SCALE_RANGE[0] <= y_scale <= _SCALE_RANGE[1]
        and skew < _MAX_SKEW
        and np.linalg.det(transform[:, :2]) > 0
    ):
        return None
    return np.vstack([transform, [0.0, 0.0, 1.0]])


def _patches(image: np.ndarray) -> list[tuple[int, int]]:
    import cv2

    gray = image.astype(np.float32)
    energy = [
        cv2.boxFilter(cv2.Sobel(gray, cv2.CV_32F, dx, dy) ** 2, -1, (_PATCH, _PATCH), normalize=True)
        for dx, dy in ((1, 0), (0, 1))
    ]
    score = np.minimum(*energy)
    height, width = image.shape
    found = []
    margin = _PATCH // 2 + _SEARCH
    for row in range(_GRID[0]):
        for column in range(_GRID[1]):
            top, bottom = max(margin, row * height // _GRID[0]), min(height - margin, (row + 1) * height // _GRID[0])
            left, right = max(margin, column * width // _GRID[1]), min(width - margin, (column + 1) * width // _GRID[1])
            if bottom <= top or right <= left:
                continue
            cell = score[top:bottom, left:right]
            y, x = np.unravel_index(int(np.argmax(cell)), cell.shape)
            if cell[y, x] > _MIN_PATCH_ENERGY:
                found.append((left + x - _PATCH // 2, top + y - _PATCH // 2))
    return found


def _refine_by_patches(reference: Reference, scan: np.ndarray, warp: np.ndarray) -> np.ndarray:
    """`warp` corrected by where the reference's patches are found in the scan, near where it puts them: the
    scan is brought into the reference's frame, each patch is matched within SEARCH pixels (to a tenth
    of a pixel), and an affine transform is fitted to the matches (outliers rejected)."""
    import cv2

    template = reference.work
    moved = cv2.warpAffine(scan, warp[:2], template.shape[::-1], flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    source, target = [], []
    for x, y in reference.patches:
        patch = template[y : y + _PATCH, x : x + _PATCH]
        window = moved[y - _SEARCH : y + _PATCH + _SEARCH, x - _SEARCH : x + _PATCH + _SEARCH]
        scores = cv2.matchTemplate(window, patch, cv2.TM_CCOEFF_NORMED)
        _, peak, _, (px, py) = cv2.minMaxLoc(scores)
        if peak < _MIN_PATCH_MATCH or not (0 < px < scores.shape[1] - 1 and 0 < py < scores.shape[0] - 1):
            continue
        dx = px + _subpixel(scores[py, px - 1 : px + 2]) - _SEARCH
        dy = py + _subpixel(scores[py - 1 : py + 2, px]) - _SEARCH
        centre = (x + _PATCH / 2, y + _PATCH / 2)
        source.append(centre)
        target.append((centre[0] + dx, centre[1] + dy))
    if len(source) < _MIN_PATCHES:
        return warp
    correction, inliers = cv2.estimateAffine2D(
        np.float32(source), np.float32(target), method=cv2.RANSAC, ransacReprojThreshold=1.0
    )
    if correction is None or int(inliers.sum()) < _MIN_PATCHES:
        return warp
    return warp @ np.vstack([correction, [0.0, 0.0, 1.0]])


def _subpixel(three: np.ndarray) -> float:
    """The offset (-0.5..0.5) of the peak of a parabola through three neighbouring scores."""
    left, centre, right = (float(v) for v in three)
    denominator = left - 2 * centre + right
    return 0.0 if denominator == 0 else max(-0.5, min(0.5, 0.5 * (left - right) / denominator))


def _quarter_turns(template_shape: tuple[int, int], scan_shape: tuple[int, int]) -> list[np.ndarray]:
    """For each quarter turn, the transform that turns the template by it and centres it on the scan."""
    height, width = template_shape
    scan_height, scan_width = scan_shape
    starts = []
    for turns in range(4):
        angle = math.radians(90 * turns)
        cos, sin = round(math.cos(angle)), round(math.sin(angle))
        turn = np.array([[cos, -sin, 0.0], [sin, cos, 0.0], [0.0, 0.0, 1.0]])
        centre = np.array([width / 2, height / 2, 1.0])
        moved = turn @ centre
        turn[:2, 2] = [scan_width / 2 - moved[0], scan_height / 2 - moved[1]]
        starts.append(turn)
    return starts


def _by_ecc(template: np.ndarray, scan: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, float]:
    """ECC (affine) from `start`, on both images at half size (the patches refine it after); the 3x3
    transform and the correlation reached (`start` and 0 when ECC does not converge)."""
    import cv2

    half = _resize_matrix(0.5)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, _ECC_ITERATIONS, _ECC_EPS)
    warp = (half @ start @ np.linalg.inv(half))[:2].astype(np.float32)
    try:
        quality, warp = cv2.findTransformECC(
            cv2.pyrDown(template).astype(np.float32),
            cv2.pyrDown(scan).astype(np.float32),
            warp,
            cv2.MOTION_AFFINE,
            criteria,
            None,
            3,
        )
    except cv2.error:
        return start, 0.0
    return np.linalg.inv(half) @ np.vstack([warp.astype(np.float64), [0.0, 0.0, 1.0]]) @ half, float(quality)


def _correlation(template: np.ndarray, scan: np.ndarray, matrix: np.ndarray) -> float:
    """How alike the template and the scan brought onto it are (Pearson, at half size: enough to judge)."""
    import cv2

    half = _resize_matrix(0.5)
    small_template, small_scan = cv2.pyrDown(template), cv2.pyrDown(scan)
    warp = (half @ matrix @ np.linalg.inv(half))[:2]
    moved = cv2.warpAffine(small_scan, warp, small_template.shape[::-1], flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    a, b = small_template.astype(np.float64).ravel(), moved.astype(np.float64).ravel()
    a, b = a - a.mean(), b - b.mean()
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / norm) if norm else 0.0


# -- PDF points and page pixels ---------------------------------------------------------------------


@dataclass(frozen=True)
class PageFrame:
    """A page's visible box (its crop box, in PDF points of the page's own space) and its /Rotate: what
    maps a point of the page (a field's rectangle, a text-layer word) to a pixel of the page as shown."""

    left: float
    bottom: float
    right: float
    top: float
    rotation: int = 0  # clockwise degrees the page is shown turned by

    def to_pixels(self, dpi: float) -> np.ndarray:
        """3x3: page points (x right, y up) -> pixels of the page rendered as shown at `dpi` (y down)."""
        width, height = self.right - self.left, self.top - self.bottom
        unturned = np.array([[1.0, 0, -self.left], [0, -1, self.top], [0, 0, 1]])  # y down, from the top-left
        turn = {
            0: np.eye(3),
            90: np.array([[0.0, -1, height], [1, 0, 0], [0, 0, 1]]),
            180: np.array([[-1.0, 0, width], [0, -1, height], [0, 0, 1]]),
            270: np.array([[0.0, 1, 0], [-1, 0, width], [0, 0, 1]]),
        }[self.rotation % 360]
        return np.diag([dpi / 72.0, dpi / 72.0, 1.0]) @ turn @ unturned

    def to_points(self, dpi: float) -> np.ndarray:
        """3x3: pixels of the page shown at `dpi` -> page points."""
        return np.linalg.inv(self.to_pixels(dpi))


def page_frame(pdf, index: int) -> PageFrame:
    """The frame of page `index` (0-based) of an open pypdfium2 document."""
    from shared_code.pdf.document import PDFIUM

    with PDFIUM:
        page = pdf[index]
        try:
            left, bottom, right, top = page.get_cropbox()
            return PageFrame(float(left), float(bottom), float(right), float(top), page.get_rotation() % 360)
        finally:
            page.close()


def apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """`points` (N x 2) moved by the 3x3 `matrix`."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    moved = np.hstack([points, np.ones((len(points), 1))]) @ matrix.T
    return moved[:, :2] / moved[:, 2:3]
