"""Page images: a PDF page rendered by PDFium, or, for a scanned page, its embedded scan image taken as
it is (much faster than rendering, and JPEG scans decode at a reduced size directly).

Images come as shown: the page's /Rotate and the image's placement are applied. Sizes are capped so a
page that declares an enormous size or holds an enormous image cannot exhaust memory.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from shared_code.core.errors import Unprocessable
from shared_code.pdf.document import PDFIUM

if TYPE_CHECKING:
    import pypdfium2
    from PIL import Image

MAX_PIXELS = 40_000_000  # an A3 page at 400 DPI; larger renders are made at a lower resolution
MAX_SCAN_PIXELS = 150_000_000  # an embedded image larger than this is refused (a decompression bomb)
_SCAN_COVERAGE = 0.85  # an image covering this share of the page (or more) is the page's scan
_JPEG_FILTERS = {"DCTDecode", "DCT"}


def render_page(pdf: pypdfium2.PdfDocument, index: int, *, dpi: float, grayscale: bool = True) -> Image.Image:
    """Page `index` (0-based) drawn at `dpi` (less if the image would exceed MAX_PIXELS), forms included."""
    with PDFIUM:
        page = pdf[index]
        try:
            width, height = page.get_size()
            scale = _capped_scale(width, height, dpi / 72.0)
            bitmap = page.render(scale=scale, grayscale=grayscale, may_draw_forms=True)
            try:
                return bitmap.to_pil().convert("L" if grayscale else "RGB")
            finally:
                bitmap.close()
        finally:
            page.close()


def scan_image(pdf: pypdfium2.PdfDocument, index: int, *, min_dpi: float | None = None) -> Image.Image | None:
    """The scan that makes up page `index`, in grayscale and as shown; None when the page is not a scan.

    A page is a scan when one image covers nearly all of it and it draws no visible text or paths (an
    invisible OCR text layer is allowed). With `min_dpi`, a JPEG is decoded at the smallest reduced
    size (1/2, 1/4, 1/8) that still has that resolution.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    with PDFIUM:
        page = pdf[index]
        try:
            width, height = page.get_size()
            image = _only_full_page_image(page, pdfium, pdfium_c, width * height)
            if image is None:
                return None
            pixel_width, pixel_height = image.get_px_size()
            if pixel_width * pixel_height > MAX_SCAN_PIXELS:
                raise Unprocessable(
                    "a page holds an image too large to read",
                    details={"page": index + 1, "pixels": [pixel_width, pixel_height]},
                )
            matrix = image.get_matrix().get()
            picture = _decode(image, pixel_width, width, min_dpi)
            return orient(picture, _display_axes(matrix, page.get_rotation()))
        finally:
            page.close()


def _capped_scale(width: float, height: float, scale: float) -> float:
    pixels = width * height * scale * scale
    return scale if pixels <= MAX_PIXELS else scale * (MAX_PIXELS / pixels) ** 0.5 * 0.999  # rounding up


def _only_full_page_image(page, pdfium, pdfium_c, page_area: float):
    image = None
    for obj in page.get_objects(max_depth=1):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            if image is not None or (right - left) * (top - bottom) < _SCAN_COVERAGE * page_area:
                return None
            image = obj
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            if pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) != pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
                return None
        elif obj.type != pdfium_c.FPDF_PAGEOBJ_UNKNOWN:  # a path, shading or form draws something else
            return None
    return image


def _decode(image, pixel_width: int, page_width: float, min_dpi: float | None) -> Image.Image:
    from PIL import Image

    filters = image.get_filters()
    if filters and filters[-1] in _JPEG_FILTERS and len(filters) == 1:
        buffer = io.BytesIO()
        image.extract(buffer)  # the JPEG stream as stored
        picture = Image.open(io.BytesIO(buffer.getvalue()))
        if min_dpi:
            image_dpi = pixel_width / (page_width / 72.0)
            reduce = max(1.0, image_dpi / min_dpi)
            picture.draft("L", (int(picture.width / reduce), int(picture.height / reduce)))
        return picture.convert("L")
    bitmap = image.get_bitmap(render=False)
    try:
        return bitmap.to_pil().convert("L")
    finally:
        bitmap.close()


def _display_axes(matrix: tuple[float, ...], page_rotation: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where the image's pixel axes (x right, y down) point on the page as shown (x right, y down)."""
    a, b, c, d = matrix[:4]
    x_axis, y_axis = (a, b), (-c, -d)  # page space, y up; an image's rows run from its top down

    def shown(vector: tuple[float, float]) -> tuple[int, int]:
        x, y = vector
        for _ in range(page_rotation // 90 % 4):  # /Rotate turns the page clockwise when shown
            x, y = y, -x
        length = max(abs(x), abs(y)) or 1.0
        return round(x / length), -round(y / length)  # y down

    return shown(x_axis), shown(y_axis)


def orient(picture: Image.Image, axes: tuple[tuple[int, int], tuple[int, int]]) -> Image.Image:
    """`picture` turned and flipped so that its x axis points along axes[0] and its y axis along axes[1]."""
    from PIL import Image

    x_axis, y_axis = axes
    if x_axis[0] == 0:  # the axes swap: transpose first
        picture = picture.transpose(Image.Transpose.TRANSPOSE)
        x_axis, y_axis = y_axis, x_axis
    if x_axis[0] < 0:
        picture = picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if y_axis[1] < 0:
        picture = picture.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return picture
