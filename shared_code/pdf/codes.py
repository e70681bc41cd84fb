"""2-D codes on PDF pages: drawn as vector modules with a readable line under them, and read back from
page images in any orientation. The toolkit knows nothing of what a code says (that is
`shared_code.generation.payload`); it draws and finds text.

    pdf = stamp_codes(pdf, [PageCode(text, line), ...])            # one code per page, free corners
    found = read_codes(page_image)                                 # [FoundCode(text, rotation, ...)]

Writing: zxing-cpp makes the symbol (a square DataMatrix by default, or a QR code), which is drawn as one
filled path of PDF rectangles over a white quiet zone, with the line in Courier-Bold under it. The stamp
is upright as the page is shown (whatever its /Rotate and crop box), in a corner checked free of content
(`placement`), a corner the template names, or the template's own rectangle. Everything else on the page
is kept: the page's content is wrapped in q/Q and the stamp appended after it; forms are untouched.

Reading: zxing-cpp, asked for our symbologies only, looks in the page image's four corners first (crops
of a third of each side, where a stamp lands whichever way the paper was fed) and then, if need be,
the whole page. The symbol's own orientation gives the page's: a stamp is drawn upright, so a symbol
found turned by 90 degrees means a page turned by 90 degrees. docs/PERFORMANCE.md "Codes" measures the
choice of decoder and the sizes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from shared_code.core.errors import Unprocessable
from shared_code.pdf.document import open_pdf, require_pdf_magic
from shared_code.pdf.placement import (
    DEFAULT_CORNERS,
    Corner,
    PageGeometry,
    Placement,
    Rect,
    choose_corner,
    corner_rect,
    geometry,
)

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

MM = 72 / 25.4
CODE_FONT_RESOURCE = "/PactCodeFont"
CODE_FONT = "Courier-Bold"  # monospaced, so a person can count the groups; bold survives a scan
_CHAR_WIDTH = 0.6  # Courier's advance, in font sizes
_CORNER_SHARE = 1 / 3  # a corner crop is this share of the image's width and height (see `placement.REACH`)


class Symbology(StrEnum):
    DATAMATRIX = "datamatrix"
    QR = "qr"


@dataclass(frozen=True)
class CodeStyle:
    """How a code is drawn. The defaults read back from scans at 150 DPI (docs/PERFORMANCE.md, "Codes")."""

    symbology: Symbology = Symbology.DATAMATRIX
    size: float = 15 * MM  # the symbol's side, quiet zone excluded
    font_size: float = 6.0  # the readable line
    gap: float = 2.0  # between the quiet zone and the line

    @property
    def quiet_modules(self) -> int:
        return 4 if self.symbology is Symbology.QR else 2  # as the standards ask (DataMatrix: one at least)


class PageCode(NamedTuple):
    text: str  # what the symbol holds
    line: str  # what is printed under it, for people


# A corner as shown; a placement chosen before; a rectangle in the page's own space; None: a free corner.
Position = Corner | Placement | Rect | None


@dataclass(frozen=True)
class Stamp:
    """Where a page's code went, in shown space (points, origin bottom-left of the page as shown)."""

    page: int  # 1-based
    corner: Corner | None  # None when the template gave a rectangle
    symbol: Rect  # the symbol itself, quiet zone excluded
    footprint: Rect  # everything drawn: quiet zone and line included

    @property
    def placement(self) -> Placement:
        """Where this stamp went, to stamp the same page of the next document of its template alike."""
        return Placement(self.corner, self.footprint)


class CodeDoesNotFit(Unprocessable):
    """A template's rectangle is too small for the code and its line."""


@dataclass(frozen=True)
class FoundCode:
    text: str
    symbology: Symbology
    corners: tuple[tuple[int, int], ...]  # image pixels: the symbol's top-left, top-right, bottom-right, bottom-left
    angle: float  # clockwise degrees by which the symbol, and so its page, is turned in the image

    @property
    def rotation(self) -> int:
        """The quarter turn (0, 90, 180, 270, clockwise) that the page shows: turn it back by this."""
        return round(self.angle / 90) % 4 * 90

    @property
    def center(self) -> tuple[float, float]:
        return sum(x for x, _ in self.corners) / 4, sum(y for _, y in self.corners) / 4


def symbol_modules(text: str, symbology: Symbology = Symbology.DATAMATRIX) -> np.ndarray:
    """The symbol for `text` as a square matrix of modules, True for dark, first row at the top."""
    import numpy as np
    import zxingcpp

    # QR: error correction L, so 25 modules a side rather than M's 29; at 15 mm and 150 DPI the larger
    # modules read where M's did not (docs/PERFORMANCE.md "Codes"). DataMatrix: square symbols (a 24x24
    # one has 24 error correction codewords for its 36 of data).
    options = {"ec_level": "L"} if symbology is Symbology.QR else {"force_square": True}
    barcode = zxingcpp.create_barcode(text, _zxing_format(symbology), **options)
    return np.asarray(barcode.to_image(scale=1, add_quiet_zones=False)) < 128


def stamp_size(code: PageCode, style: CodeStyle) -> tuple[float, float]:
    """Width and height in points of `code`'s stamp: the symbol with its quiet zone, and the line."""
    return stamp_box_size(code.line, len(symbol_modules(code.text, style.symbology)), style)


def stamp_codes(
    pdf: bytes,
    codes: Sequence[PageCode],
    *,
    style: CodeStyle = CodeStyle(),
    positions: Sequence[Position] | None = None,
    corners: Sequence[Corner] = DEFAULT_CORNERS,
    avoid: dict[int, Sequence[Rect]] | None = None,
) -> tuple[bytes, list[Stamp]]:
    """`pdf` with `codes[i]` stamped on page i+1 (one per page, the same count), and where each went.

    `positions[i]` places page i+1's code (see `stamp_pages`), or None for the first free one of
    `corners`, checked against the page's content and `avoid[i]` (rectangles of its own space). Raises
    NoFreeCorner, CodeDoesNotFit, or Unprocessable for a PDF pypdf cannot write.
    """
    import pypdf
    from pypdf.errors import PyPdfError

    require_pdf_magic(pdf[:5])
    positions = list(positions) if positions is not None else [None] * len(codes)
    if len(positions) != len(codes):
        raise ValueError(f"{len(codes)} codes and {len(positions)} positions")
    wanted = [index for index, position in enumerate(positions) if position is None]
    if wanted:
        avoid = avoid or {}
        with open_pdf(pdf) as document:
            for index in wanted:
                size = stamp_size(codes[index], style)
                positions[index] = choose_corner(document, index, size, corners=corners, avoid=avoid.get(index, ()))
    try:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf), strict=False))
    except (PyPdfError, ValueError, TypeError, KeyError) as exc:
        raise Unprocessable("the PDF cannot be stamped", details={"reason": str(exc)}) from None
    stamps = stamp_pages(writer, codes, positions, style=style)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), stamps


def stamp_pages(
    writer, codes: Sequence[PageCode], positions: Sequence[Corner | Placement | Rect], *, style: CodeStyle = CodeStyle()
) -> list[Stamp]:
    """Stamp `codes[i]` on page i+1 of an open pypdf `writer` (so generation can fill and stamp in one
    pass), at `positions[i]`: a corner (as the page is shown), a `Placement` (from `choose_corner`, or a
    `Stamp.placement` of the same template page), or a rectangle of the page's own space (the stamp goes
    in its top-left, and must fit: else CodeDoesNotFit)."""
    from shared_code.pdf.textfit import font_dict

    if not len(codes) == len(positions) == len(writer.pages):
        raise ValueError(f"{len(codes)} codes and {len(positions)} positions for {len(writer.pages)} pages")
    font = writer._add_object(font_dict(CODE_FONT))
    stamps = []
    for index, (page, code, position) in enumerate(zip(writer.pages, codes, positions, strict=True)):
        symbol = symbol_modules(code.text, style.symbology)
        shape = geometry(page.cropbox, page.rotation)
        placement = stamp_placement(index, shape, position, stamp_box_size(code.line, len(symbol), style))
        stamp = stamp_layout(index, placement, len(symbol), style)
        _append_content(writer, page, stamp_operators(shape, stamp, symbol, code.line, style), font)
        stamps.append(stamp)
    return stamps


def read_codes(
    image: Image.Image | np.ndarray,
    *,
    symbologies: Sequence[Symbology] = (Symbology.DATAMATRIX,),
    limit: int | None = 1,
) -> list[FoundCode]:
    """Codes of `symbologies` in a page image (grayscale or RGB), in any orientation: the corners first,
    then the whole page; stops once `limit` codes are found (None: looks everywhere)."""
    import numpy as np
    import zxingcpp

    pixels = np.asarray(image.convert("L") if hasattr(image, "convert") else image)
    # One format is several times faster to look for than all of them.
    formats = zxingcpp.BarcodeFormats([_zxing_format(symbology) for symbology in symbologies])
    found: dict[tuple[str, tuple[int, int]], FoundCode] = {}
    for left, top, right, bottom in search_regions(pixels.shape[1], pixels.shape[0]):
        crop = np.ascontiguousarray(pixels[top:bottom, left:right])
        _collect(zxingcpp.read_barcodes(crop, formats=formats, try_invert=False), left, top, found)
        if limit is not None and len(found) >= limit:
            break
    return list(found.values())[:limit]


def search_regions(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Where to look for a code in a page image, in order (left, top, right, bottom pixels): the four
    corners, most likely first, then the whole page."""
    crop_w, crop_h = int(width * _CORNER_SHARE), int(height * _CORNER_SHARE)
    return [
        (width - crop_w, height - crop_h, width, height),  # bottom-right: a stamp's first corner, upright
        (0, 0, crop_w, crop_h),  # top-left: the same corner, the page upside down
        (0, height - crop_h, crop_w, height),
        (width - crop_w, 0, width, crop_h),
        (0, 0, width, height),
    ]


def _collect(barcodes, left: int, top: int, found: dict) -> None:
    for barcode in barcodes:
        position = barcode.position
        corners = tuple(
            (point.x + left, point.y + top)
            for point in (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
        )
        (x0, y0), (x1, y1) = corners[0], corners[1]
        code = FoundCode(
            text=barcode.text,
            symbology=Symbology.QR if barcode.format == _zxing_format(Symbology.QR) else Symbology.DATAMATRIX,
            corners=corners,
            angle=math.degrees(math.atan2(y1 - y0, x1 - x0)) % 360,  # image y runs down: clockwise
        )
        center = tuple(round(value / 8) for value in code.center)  # the same symbol seen from two crops
        found.setdefault((code.text, center), code)


def _zxing_format(symbology: Symbology):
    import zxingcpp

    return zxingcpp.BarcodeFormat.QRCode if symbology is Symbology.QR else zxingcpp.BarcodeFormat.DataMatrix


def stamp_box_size(line: str, modules: int, style: CodeStyle) -> tuple[float, float]:
    outer = style.size * (1 + 2 * style.quiet_modules / modules)
    return max(outer, _CHAR_WIDTH * style.font_size * len(line)), outer + style.gap + style.font_size


def stamp_placement(index: int, shape: PageGeometry, position: Corner | Placement | Rect, size) -> Placement:
    """Where the stamp goes in shown space: a corner, a placement, or the template's rectangle."""
    if isinstance(position, Placement):
        return position
    if isinstance(position, Corner):
        return Placement(position, corner_rect(shape, position, size))
    x0, y0, x1, y1 = shape.to_shown(position)
    if x1 - x0 + 0.5 < size[0] or y1 - y0 + 0.5 < size[1]:
        raise CodeDoesNotFit(
            f"page {index + 1}: the code and its line need {size[0]:.0f} x {size[1]:.0f} points; "
            f"the template's rectangle is {x1 - x0:.0f} x {y1 - y0:.0f}",
            details={"page": index + 1, "width": round(size[0], 1), "height": round(size[1], 1)},
        )
    return Placement(None, (x0, y1 - size[1], x0 + size[0], y1))


def stamp_layout(index: int, placement: Placement, modules: int, style: CodeStyle) -> Stamp:
    """The symbol's place in the stamp: at the top, on the side of the page's edge."""
    corner, footprint = placement
    quiet = style.size * style.quiet_modules / modules
    outer = style.size + 2 * quiet
    left = footprint[2] - outer if corner is not None and corner.right else footprint[0]
    bottom = footprint[3] - outer
    symbol = (left + quiet, bottom + quiet, left + quiet + style.size, bottom + quiet + style.size)
    return Stamp(index + 1, corner, symbol, footprint)


def stamp_operators(shape: PageGeometry, stamp: Stamp, modules: np.ndarray, line: str, style: CodeStyle) -> str:
    """PDF operators drawing the stamp upright as the page is shown."""
    x0, y0, x1, _ = stamp.symbol
    count = len(modules)
    module = style.size / count
    quiet = module * style.quiet_modules
    runs = []
    for row, cells in enumerate(modules):
        y = y0 + (count - 1 - row) * module
        column = 0
        while column < count:
            if not cells[column]:
                column += 1
                continue
            start = column
            while column < count and cells[column]:
                column += 1
            runs.append(f"{x0 + start * module:.3f} {y:.3f} {(column - start) * module:.3f} {module:.3f} re")
    text_width = _CHAR_WIDTH * style.font_size * len(line)
    right_aligned = stamp.corner is not None and stamp.corner.right
    text_x = stamp.footprint[2] - text_width if right_aligned else stamp.footprint[0]
    baseline = stamp.footprint[1] + 0.2 * style.font_size
    matrix = " ".join(f"{value:g}" for value in shape.shown_to_page())
    return (
        f"q {matrix} cm "
        f"1 g {x0 - quiet:.3f} {y0 - quiet:.3f} {x1 - x0 + 2 * quiet:.3f} {x1 - x0 + 2 * quiet:.3f} re f "
        f"0 g {' '.join(runs)} f "
        f"BT {CODE_FONT_RESOURCE} {style.font_size:g} Tf 1 0 0 1 {text_x:.3f} {baseline:.3f} Tm "
        f"<{line.encode('ascii').hex()}> Tj ET Q"
    )


def _append_content(writer, page, operators: str, font) -> None:
    """Draw `operators` over the page (as filling does), with the stamp's font added to the page's own
    resources under a name of its own, so it never replaces the font filled-in text is drawn with."""
    from pypdf.generic import DictionaryObject, NameObject

    from shared_code.pdf.fill import draw_over

    resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
    fonts = DictionaryObject(resources.get("/Font", DictionaryObject()).get_object())
    fonts[NameObject(CODE_FONT_RESOURCE)] = font
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
    draw_over(writer, page, operators, None)
