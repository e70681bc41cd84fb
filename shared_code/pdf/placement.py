"""Where a page's code goes: a corner of the page as shown, checked free of content, or a template's own
rectangle. Coordinates here are "shown space": PDF points with the origin at the bottom-left of the page
as a reader sees it (after /Rotate, from the crop box's corner); `PageGeometry` converts to and from the
page's own space, where word boxes, AcroForm rectangles and template fields live.

A corner is free when nothing would be under the stamp or within `clearance` of it: no ink on the page
rendered at 72 DPI (lines of a quarter point still show), no word of the text layer (invisible text too),
no annotation or form field (an empty field is blank now but filled later), and none of the caller's
`avoid` rectangles (a template's fields).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from shared_code.core.errors import Unprocessable
from shared_code.pdf.document import PDFIUM

if TYPE_CHECKING:
    import numpy as np
    import pypdfium2

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1

MARGIN = 36.0  # points from the page's edges: clear of printers' unprintable rims and of a skewed scan's cut
REACH = 72.0  # how far a stamp may move from its corner along the page's height, to clear a footer or header
_STEP = 6.0
CLEARANCE = 4.0  # points kept between a stamp and the nearest content
_INK_DPI = 72.0
_INK_LEVEL = 200  # darker than this (0-255) is ink; a scanned template's paper and specks stay above it at 72 DPI


class Corner(StrEnum):
    BOTTOM_RIGHT = "bottom-right"
    BOTTOM_LEFT = "bottom-left"
    TOP_RIGHT = "top-right"
    TOP_LEFT = "top-left"

    @property
    def right(self) -> bool:
        return self.value.endswith("right")

    @property
    def top(self) -> bool:
        return self.value.startswith("top")


DEFAULT_CORNERS = tuple(Corner)  # the order corners are tried in: footers are emptier than letterheads


class Placement(NamedTuple):
    """Where a stamp goes: its corner (None for a template's own rectangle) and its rectangle, shown space."""

    corner: Corner | None
    rect: Rect


class NoFreeCorner(Unprocessable):
    """Every corner of a page has content where the code would go, and the template names no position."""

    def __init__(self, page: int, size: tuple[float, float]) -> None:
        super().__init__(
            f"page {page} has content in every corner where its code would go "
            f"({size[0]:.0f} x {size[1]:.0f} points); give the template a code position",
            details={"page": page, "width": round(size[0], 1), "height": round(size[1], 1)},
        )
        self.page = page


@dataclass(frozen=True)
class PageGeometry:
    """A page's visible box (its crop box, in its own space) and its /Rotate (clockwise, as shown)."""

    box: Rect
    rotation: int

    @property
    def shown_size(self) -> tuple[float, float]:
        width, height = self.box[2] - self.box[0], self.box[3] - self.box[1]
        return (height, width) if self.rotation in (90, 270) else (width, height)

    def shown_to_page(self) -> tuple[float, float, float, float, float, float]:
        """The matrix (a b c d e f, as PDF's `cm` takes it) from shown space to the page's own space."""
        x0, y0, x1, y1 = self.box
        return {
            0: (1, 0, 0, 1, x0, y0),
            90: (0, 1, -1, 0, x1, y0),
            180: (-1, 0, 0, -1, x1, y1),
            270: (0, -1, 1, 0, x0, y1),
        }[self.rotation]

    def to_shown(self, rect: Rect) -> Rect:
        """`rect` from the page's own space into shown space."""
        a, b, c, d, e, f = self.shown_to_page()
        xs, ys = [], []
        for x, y in ((rect[0], rect[1]), (rect[2], rect[3])):
            # The matrix is a quarter turn: its inverse is its transpose.
            dx, dy = x - e, y - f
            xs.append(a * dx + b * dy)
            ys.append(c * dx + d * dy)
        return min(xs), min(ys), max(xs), max(ys)


def geometry(box: Sequence[float], rotation: int) -> PageGeometry:
    x0, y0, x1, y1 = (float(value) for value in box)
    return PageGeometry((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), int(rotation) % 360)


def pdfium_geometry(page: pypdfium2.PdfPage) -> PageGeometry:
    return geometry(page.get_cropbox(), page.get_rotation())


def corner_rect(
    page: PageGeometry, corner: Corner, size: tuple[float, float], *, margin: float = MARGIN, inset: float = 0.0
) -> Rect:
    """Where a stamp of `size` (width, height) sits in `corner`, `margin` from the edges (and `inset`
    further from the top or bottom edge), in shown space."""
    page_width, page_height = page.shown_size
    width, height = size
    x0 = page_width - margin - width if corner.right else margin
    y0 = page_height - margin - inset - height if corner.top else margin + inset
    return x0, y0, x0 + width, y0 + height


def choose_corner(
    pdf: pypdfium2.PdfDocument,
    index: int,
    size: tuple[float, float],
    *,
    corners: Sequence[Corner] = DEFAULT_CORNERS,
    avoid: Sequence[Rect] = (),
    margin: float = MARGIN,
    reach: float = REACH,
    clearance: float = CLEARANCE,
) -> Placement:
    """The first of `corners` of page `index` (0-based) where a stamp of `size` covers nothing (moved up
    to `reach` points away from the top or bottom edge if that clears it), and the stamp's rectangle in
    shown space. `avoid` rectangles are in the page's own space (like fields).

    Raises NoFreeCorner when none is free. Pages of one template share their answer: choose once per
    template page, passing its fields as `avoid`, rather than once per generated document.
    """
    with PDFIUM:
        page = pdf[index]  # loaded once: loading is most of the cost
        try:
            shape = pdfium_geometry(page)
            own = (*avoid, *_annotation_rects(page), *_text_rects(page))
            ink = _ink(page)
        finally:
            page.close()
    blocked = [shape.to_shown(rect) for rect in own]
    for corner in corners:
        for step in range(int(reach // _STEP) + 1):
            rect = corner_rect(shape, corner, size, margin=margin, inset=step * _STEP)
            if rect[0] < 0 or rect[1] < 0:
                break  # the page is too small for the stamp
            grown = (rect[0] - clearance, rect[1] - clearance, rect[2] + clearance, rect[3] + clearance)
            if not any(_overlap(grown, other) for other in blocked) and not _inked(ink, shape, grown):
                return Placement(corner, rect)
    raise NoFreeCorner(index + 1, size)


def _annotation_rects(page) -> list[Rect]:
    """Rectangles of the page's annotations (form fields among them), in its own space."""
    import pypdfium2.raw as pdfium_c

    rects = []
    for position in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, position)
        try:
            box = pdfium_c.FS_RECTF()
            if pdfium_c.FPDFAnnot_GetRect(annot, box):
                rects.append(
                    (
                        min(box.left, box.right),
                        min(box.bottom, box.top),
                        max(box.left, box.right),
                        max(box.bottom, box.top),
                    )
                )
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return rects


def _text_rects(page) -> list[Rect]:
    """Boxes of the text layer's runs, invisible text included, in the page's own space (PDFium's line
    segments: ten times faster than word boxes, and as good for keeping clear of text)."""
    textpage = page.get_textpage()
    try:
        return [textpage.get_rect(number) for number in range(textpage.count_rects())]
    finally:
        textpage.close()


def _ink(page) -> np.ndarray:
    """Where the page as shown is inked, at _INK_DPI (rows from the top); forms are drawn if initialised."""
    import numpy as np

    bitmap = page.render(scale=_INK_DPI / 72.0, grayscale=True, may_draw_forms=True)
    try:
        return np.asarray(bitmap.to_pil().convert("L")) < _INK_LEVEL
    finally:
        bitmap.close()


def _inked(ink: np.ndarray, page: PageGeometry, rect: Rect) -> bool:
    """Whether any ink lies in `rect` (shown space) of the page rendered into `ink` (rows from the top)."""
    rows, columns = ink.shape
    width, height = page.shown_size
    sx, sy = columns / width, rows / height
    left, right = max(0, int(rect[0] * sx)), min(columns, int(rect[2] * sx) + 1)
    top, bottom = max(0, int((height - rect[3]) * sy)), min(rows, int((height - rect[1]) * sy) + 1)
    return bool(ink[top:bottom, left:right].any())


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
