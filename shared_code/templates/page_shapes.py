"""Lines, boxes and check-box squares in a page image, in PDF points: what field detection builds on.

Found by morphology on the page rendered at DETECT_DPI: an opening with a long horizontal kernel keeps
writing lines, short horizontal and vertical kernels keep the edges of boxes (whose insides are the holes
of the edges' contours), and small hollow four-cornered contours are check boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shared_code.pdf.align import apply

DETECT_DPI = 150  # the page is rendered at this to find its shapes
_LINE_MIN = 28.0  # points: a shorter rule is not a writing line
_LINE_THICK = 3.0  # points: a thicker rule is a bar, not a line to write on
_BOX_SIDE = 8.0  # points: the shortest side of a box's edge found as a line
_CHECK_SIDE = (6.0, 20.0)  # points: a check box's side
_MIN_CELL = (20.0, 9.0)  # points: width and height of the smallest box a value is written in

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in points, origin bottom-left


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """How much two rectangles overlap: the shared area over the smaller one's (0..1)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller if smaller > 0 else 0.0


@dataclass(frozen=True)
class Segment:
    x0: float
    x1: float
    y: float  # the line's top edge, points


class PageShapes:
    """Writing lines, boxes and check-box squares found in a page image, in points."""

    def __init__(self, gray: np.ndarray, to_points: np.ndarray) -> None:
        """`gray`: the page at DETECT_DPI; `to_points`: 3x3, its pixels -> page points."""
        import cv2

        self._to_points = to_points
        px = DETECT_DPI / 72.0
        ink = (gray < 160).astype(np.uint8)

        def opened(width: float, height: float) -> np.ndarray:
            kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(1, round(width * px)), max(1, round(height * px))))
            return cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)

        edges_h, edges_v = opened(_BOX_SIDE, 0), opened(0, _BOX_SIDE)
        self._vertical = cv2.dilate(edges_v, np.ones((5, 5), np.uint8))
        self.segments = self._segments(opened(_LINE_MIN, 0), px)
        self.cells = self._cells(edges_h | edges_v)
        self.squares = self._squares(ink, px)

    def _rect(self, left: float, top: float, right: float, bottom: float) -> tuple[float, float, float, float]:
        corners = apply(self._to_points, [(left, top), (right, bottom)])
        (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)

    def _segments(self, lines: np.ndarray, px: float) -> list[Segment]:
        """Free-standing horizontal lines (not a box's edge: no vertical line touches them)."""
        import cv2

        _, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        found = []
        for left, top, width, height, _ in stats[1:]:
            if height > _LINE_THICK * px or self._vertical[top : top + height, left : left + width].any():
                continue
            x0, _, x1, y1 = self._rect(left, top, left + width, top + height)
            found.append(Segment(x0, x1, y1))
        return found

    def _cells(self, grid: np.ndarray) -> list[tuple[float, float, float, float]]:
        """The insides of closed boxes drawn with lines (a table gives one per cell)."""
        import cv2

        contours, hierarchy = cv2.findContours(grid, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
        found = []
        for contour, (_, _, _, parent) in zip(contours, hierarchy[0] if hierarchy is not None else [], strict=False):
            if parent < 0:
                continue  # an outer edge; the holes are the boxes
            left, top, width, height = cv2.boundingRect(contour)
            rect = self._rect(left, top, left + width, top + height)
            if (
                rect[2] - rect[0] >= _MIN_CELL[0]
                and rect[3] - rect[1] >= _MIN_CELL[1]
                and cv2.contourArea(contour) > 0.85 * width * height
            ):
                found.append(rect)
        return found

    def _squares(self, ink: np.ndarray, px: float) -> list[tuple[float, float, float, float]]:
        """Hollow squares the size of a check box."""
        import cv2

        contours, _ = cv2.findContours(ink, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        low, high = (side * px for side in _CHECK_SIDE)
        found = []
        for contour in contours:
            left, top, width, height = cv2.boundingRect(contour)
            if not (low <= width <= high and low <= height <= high and 0.75 <= width / height <= 1.33):
                continue
            if cv2.contourArea(contour) < 0.8 * width * height or len(cv2.approxPolyDP(contour, 2, True)) != 4:
                continue
            border = max(2, round(width * 0.2))
            inside = ink[top + border : top + height - border, left + border : left + width - border]
            if inside.size and inside.mean() < 0.3:
                found.append(self._rect(left, top, left + width, top + height))
        return without_duplicates(found)


def without_duplicates(rects: list[tuple[float, ...]]) -> list[tuple[float, ...]]:
    kept: list[tuple[float, ...]] = []
    for rect in sorted(rects, key=lambda r: -(r[2] - r[0]) * (r[3] - r[1])):  # outer edge before inner
        if not any(overlap(rect, other) > 0.5 for other in kept):
            kept.append(rect)
    return kept
