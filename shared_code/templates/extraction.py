"""Reading the values of a template's fields from a filled document: typed text, dates, numbers, ticks and
signatures, each with a confidence.

    template = PreparedTemplate(template_pdf)       # reusable across documents of the template
    result = extract_fields(document_pdf, template, fields)

Per template page (document page n is template page n unless `page_map` says otherwise):
1. **AcroForm**: a field the document's form has by name takes the form's value (confidence 1).
2. **Text layer**: on a page drawn digitally in the template's geometry, the words inside a field's
   rectangle that the template itself does not have there.
3. **Image**: otherwise the page image (the scan as stored, or the page rendered) is aligned to the
   template page (shared_code/pdf/align.py: offset, scale, small and quarter turns), and each field's
   rectangle is cut out of it at EXTRACT_DPI in the template's frame. The template's own ink there (the
   underline, the box, a label) is erased; what ink remains is the filling. Little or none: the field
   is empty (or the box unticked, the signature missing). Otherwise text fields are read by tesseract,
   all of a page's at once (one process per page, not per field: starting tesseract costs more than
   reading a line), numbers with a digits-only whitelist; dates are parsed.

A value's confidence combines how sure the reading is (tesseract's word confidences, or how far the ink
is from the threshold) with how well the page aligned.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from shared_code.core.errors import Unprocessable, UnsupportedMediaType
from shared_code.pdf import ocr, render, text
from shared_code.pdf.align import PageFrame, Reference, align_page, page_frame
from shared_code.pdf.document import as_unprocessable, open_pdf, page_size, require_pdf_magic
from shared_code.pdf.fill import FieldLike
from shared_code.pdf.widgets import named_widgets, widget_value
from shared_code.templates import read_values

EXTRACT_DPI = 300  # field images are read at this resolution (where tesseract reads best)
REFERENCE_DPI = 150  # the template page is rendered at this for alignment and for its ink
RENDER_DPI = 200  # a page that is not a scan is rendered at this
_MARGIN = 2.0  # points read around a field's rectangle (text may touch its edges)
_ERASE_PX = 3  # template ink is erased this far around (at EXTRACT_DPI): alignment is within ~0.5 pt
_NEAR_PX = 12  # faint ink this close (at EXTRACT_DPI) to clear ink is part of the writing (a thin slash)
_SPECK_PX = 12  # ink blobs smaller than this (at EXTRACT_DPI) are dust, not writing
_EMPTY_INK = 0.004  # share of a text field's rectangle inked: below, the field is empty
_CHECK_INK = 0.05  # share of a checkbox's rectangle inked (its border erased): above, it is ticked
_SIGN_INK = 0.006  # share of a signature's rectangle inked: above, it is signed
_JUNK_CONFIDENCE = 0.3
_GAP_PX = 48  # white between the fields stacked into one image for tesseract
_NUMBER_CHARACTERS = "0123456789.,-+$%"


@dataclass(frozen=True)
class ExtractedValue:
    name: str
    type: str
    page: int  # the template page
    value: str | bool | None  # text; a number without grouping; an ISO date; True/False; None when empty
    text: str | None  # what was read, as read (whitespace tidied)
    confidence: float  # 0..1
    method: str  # acroform | text_layer | ocr | ink | missing (no such page) | unaligned


@dataclass(frozen=True)
class PageReading:
    template_page: int
    document_page: int | None  # 1-based; None when the document has no such page
    method: str  # acroform | text_layer | features | ecc | none (not aligned) | missing
    quality: float  # how well the page aligned, 0..1 (1 when no alignment was needed)
    rotation: int  # clockwise degrees the document page is turned relative to the template's


@dataclass(frozen=True)
class Extraction:
    values: list[ExtractedValue]
    pages: list[PageReading]


@dataclass
class _TemplatePage:
    frame: PageFrame
    image: np.ndarray  # grayscale at REFERENCE_DPI
    reference: Reference
    words: list = field(default_factory=list)  # text-layer words (points), to tell labels from values


class PreparedTemplate:
    """A template PDF's pages, rendered and prepared for alignment once, for any number of documents."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._pages: dict[int, _TemplatePage] = {}
        with _opened(data) as pdf:
            self.page_count = len(pdf)

    def page(self, number: int) -> _TemplatePage:
        if number not in self._pages:
            with _opened(self.data) as pdf:
                image = np.asarray(render.render_page(pdf, number - 1, dpi=REFERENCE_DPI))
                self._pages[number] = _TemplatePage(
                    page_frame(pdf, number - 1),
                    image,
                    Reference(image, REFERENCE_DPI),
                    text.page_words(pdf, number - 1),
                )
        return self._pages[number]


def extract_fields(
    document: bytes,
    template: bytes | PreparedTemplate,
    fields: Sequence[FieldLike],
    *,
    page_map: Mapping[int, int] | None = None,
) -> Extraction:
    """The value of each of `fields` (of `template`) in the filled `document`, in the order given.

    `page_map` maps each template page to the document page (both 1-based) holding it; a template page it
    leaves out is missing. Without it, document page n is template page n. Raises Unprocessable when the
    document or the template is not a readable PDF.
    """
    template = template if isinstance(template, PreparedTemplate) else PreparedTemplate(template)
    by_page: dict[int, list[FieldLike]] = {}
    for item in fields:
        by_page.setdefault(item.page, []).append(item)
    found: dict[str, ExtractedValue] = {}
    readings = []
    with _opened(document) as pdf:  # refuses what is not a readable PDF before anything is read
        form = _form_values(document)
        for number, page_fields in sorted(by_page.items()):
            index = (number if page_map is None else page_map.get(number, 0)) - 1
            if not 0 <= index < len(pdf) or number > template.page_count:
                readings.append(PageReading(number, None, "missing", 0.0, 0))
                found |= {f.name: _missing(f, "missing") for f in page_fields}
                continue
            in_form = [f for f in page_fields if f.name in form]
            found |= {f.name: _from_form(f, form[f.name]) for f in in_form}
            rest = [f for f in page_fields if f.name not in form]
            reading, values = (
                _read_page(pdf, index, template.page(number), number, rest)
                if rest
                else (PageReading(number, index + 1, "acroform", 1.0, 0), [])
            )
            readings.append(reading)
            found |= {value.name: value for value in values}
    return Extraction([found[item.name] for item in fields], readings)


def _opened(data: bytes):
    """The PDF opened (a context manager); content that is not a PDF is Unprocessable, like a damaged one."""
    try:
        require_pdf_magic(data[:5])
    except UnsupportedMediaType as exc:
        raise as_unprocessable(exc) from None
    return open_pdf(data)


def _form_values(document: bytes) -> dict[str, str | bool | None]:
    """The document's AcroForm values by field name (named as indexing names fields); {} without a form."""
    import io

    import pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(document), strict=False)
        if "/AcroForm" not in reader.trailer["/Root"]:
            return {}
        return {name: widget_value(widget) for name, (_, widget) in named_widgets(reader.pages).items()}
    except (PyPdfError, KeyError, ValueError, TypeError) as exc:
        raise Unprocessable("the document's form fields cannot be read", details={"reason": str(exc)}) from None


def _from_form(item: FieldLike, value: str | bool | None) -> ExtractedValue:
    if item.type in ("checkbox", "signature") or isinstance(value, bool):
        on = bool(value) if isinstance(value, bool) else value is not None
        return ExtractedValue(
            item.name, item.type, item.page, on, None if isinstance(value, bool) else value, 1.0, "acroform"
        )
    return _typed(item, read_values.tidy(value or ""), 1.0, "acroform")


def _missing(item: FieldLike, method: str) -> ExtractedValue:
    return ExtractedValue(item.name, item.type, item.page, None, None, 0.0, method)


# -- one page -------------------------------------------------------------------------------------


def _read_page(
    pdf, index: int, template: _TemplatePage, number: int, fields: list[FieldLike]
) -> tuple[PageReading, list[ExtractedValue]]:
    scan = render.scan_image(pdf, index)
    values: dict[str, ExtractedValue] = {}
    if scan is None and page_frame(pdf, index) == template.frame:  # drawn in the template's geometry
        values = _from_text_layer(text.page_words(pdf, index), template, fields)
        if len(values) == len(fields):
            return PageReading(number, index + 1, "text_layer", 1.0, 0), list(values.values())
    width, _ = page_size(pdf, index)
    image = scan if scan is not None else render.render_page(pdf, index, dpi=RENDER_DPI)
    gray = np.asarray(image)
    alignment = align_page(template.reference, gray, dpi=image.width / (width / 72.0))
    reading = PageReading(number, index + 1, alignment.method, alignment.quality, alignment.rotation)
    rest = [item for item in fields if item.name not in values]
    if alignment.method == "none":
        return reading, [*values.values(), *(_missing(item, "unaligned") for item in rest)]
    page = _AlignedPage(gray, template, alignment.matrix @ template.frame.to_pixels(REFERENCE_DPI), alignment.quality)
    return reading, [*values.values(), *page.read(rest)]


def _from_text_layer(words, template: _TemplatePage, fields: list[FieldLike]) -> dict[str, ExtractedValue]:
    """Text fields whose rectangle holds words the template does not have there."""
    labels = {(word.text, round(word.box[0]), round(word.box[1])) for word in template.words}
    found = {}
    for item in fields:
        if item.type in ("checkbox", "signature"):
            continue
        inside = [
            word
            for word in words
            if _centre_inside(word.box, item) and (word.text, round(word.box[0]), round(word.box[1])) not in labels
        ]
        if inside:
            lines: dict[int, list] = {}
            for word in sorted(inside, key=lambda w: (w.line, w.box[0])):
                lines.setdefault(word.line, []).append(word.text)
            raw = "\n".join(" ".join(line) for line in lines.values())
            found[item.name] = _typed(item, read_values.tidy(raw), 1.0, "text_layer")
    return found


def _centre_inside(box, item: FieldLike) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return item.x0 - 1 <= x <= item.x1 + 1 and item.y0 - 1 <= y <= item.y1 + 1


class _AlignedPage:
    """A document page aligned to its template page: field images cut out in the template's frame."""

    def __init__(self, gray: np.ndarray, template: _TemplatePage, to_page: np.ndarray, quality: float) -> None:
        self.gray, self.template, self.to_page = gray, template, to_page
        self.alignment = min(1.0, 0.5 + quality / 2)  # a confidence factor: 1 at quality 1, 0.6 at 0.2
        sample = gray[::4, ::4]  # the page's paper and toner levels: every 16th pixel tells them as well
        self.paper = float(np.percentile(sample, 90))
        self.ink = min(float(np.percentile(sample, 0.5)), self.paper - 40)

    def read(self, fields: list[FieldLike]) -> list[ExtractedValue]:
        values, to_read = {}, {"text": [], "number": []}
        for item in fields:
            image, template_ink, filling = self._cut(item)
            share = _share_inside(filling)
            if item.type == "checkbox":
                values[item.name] = self._decided(item, share, _CHECK_INK)
            elif item.type == "signature":
                values[item.name] = self._decided(item, share, _SIGN_INK)
            elif share < _EMPTY_INK:
                values[item.name] = ExtractedValue(
                    item.name,
                    item.type,
                    item.page,
                    None,
                    None,
                    round(self.alignment * _certainty(share, _EMPTY_INK), 3),
                    "ink",
                )
            else:
                to_read["number" if item.type == "number" else "text"].append(
                    (item, self._for_ocr(image, template_ink, filling))
                )
        for kind, batch in to_read.items():
            if batch:
                readings = _read_texts([image for _, image in batch], numbers=kind == "number")
                for (item, _), (raw, confidence) in zip(batch, readings, strict=True):
                    values[item.name] = _typed(item, raw, confidence * self.alignment, "ocr")
        return [values[item.name] for item in fields]

    def _cut(self, item: FieldLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The field's image at EXTRACT_DPI (margin included), the template's ink there (widened by the
        alignment's tolerance), and the filling: clear ink the template lacks, dust left out."""
        import cv2

        step = 72.0 / EXTRACT_DPI
        width = math.ceil((item.x1 - item.x0 + 2 * _MARGIN) / step)
        height = math.ceil((item.y1 - item.y0 + 2 * _MARGIN) / step)
        to_points = np.array([[step, 0, item.x0 - _MARGIN], [0, -step, item.y1 + _MARGIN], [0, 0, 1]])
        flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        image = cv2.warpAffine(
            self.gray, (self.to_page @ to_points)[:2], (width, height), flags=flags, borderValue=self.paper
        )
        blank = cv2.warpAffine(
            self.template.image,
            (self.template.frame.to_pixels(REFERENCE_DPI) @ to_points)[:2],
            (width, height),
            flags=flags,
            borderValue=255,
        )
        kernel = np.ones((2 * _ERASE_PX + 1, 2 * _ERASE_PX + 1), np.uint8)
        template_ink = cv2.dilate((blank < 170).astype(np.uint8), kernel)
        filling = _without_specks((image < (self.paper + self.ink) / 2).astype(np.uint8) & (1 - template_ink))
        return image, template_ink, filling

    def _for_ocr(self, image: np.ndarray, template_ink: np.ndarray, clear: np.ndarray) -> np.ndarray:
        """The field's filling alone, dark on white at full contrast: the template's ink erased, the paper
        (with its noise and dust) made white. Faint strokes (a thin slash) are kept when they lie near
        clear ink; faint specks on their own are dust."""
        import cv2

        faint = (image < self.paper - 0.25 * (self.paper - self.ink)).astype(np.uint8) & (1 - template_ink)
        count, labels = cv2.connectedComponents(faint, connectivity=8)
        near_clear = cv2.dilate(clear, np.ones((2 * _NEAR_PX + 1, 2 * _NEAR_PX + 1), np.uint8)) > 0
        keep = np.zeros(count, bool)
        keep[np.unique(labels[near_clear & (faint > 0)])] = True
        keep[0] = False
        near = cv2.dilate(keep[labels].astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        stretched = np.clip((image.astype(np.float32) - self.ink) * (255.0 / (self.paper - self.ink)), 0, 255)
        return np.where(near, stretched, 255).astype(np.uint8)

    def _decided(self, item: FieldLike, share: float, threshold: float) -> ExtractedValue:
        on = share >= threshold
        return ExtractedValue(
            item.name, item.type, item.page, on, None, round(self.alignment * _certainty(share, threshold), 3), "ink"
        )


def _share_inside(filling: np.ndarray) -> float:
    """The share of the field's rectangle (its image less the margin) that the filling covers."""
    margin = round(_MARGIN * EXTRACT_DPI / 72.0)
    inner = filling[margin : filling.shape[0] - margin, margin : filling.shape[1] - margin]
    return float(inner.mean()) if inner.size else 0.0


def _without_specks(ink: np.ndarray, smallest: int = _SPECK_PX) -> np.ndarray:
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(count, np.uint8)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= smallest
    return keep[labels]


def _certainty(share: float, threshold: float) -> float:
    """How far an ink share is from the threshold that decides, as 0.5..1 (0.5 on the threshold)."""
    distance = abs(math.log((share + 1e-4) / threshold))
    return 0.5 + 0.5 * (1 - math.exp(-2 * distance))


def _read_texts(images: list[np.ndarray], *, numbers: bool) -> list[tuple[str, float]]:
    """Each image's text and confidence, read by one tesseract run over the images stacked with white
    between them (a word belongs to the image its middle lies in)."""
    from PIL import Image

    width = max(image.shape[1] for image in images) + 2 * _GAP_PX
    tops, top = [], _GAP_PX
    for image in images:
        tops.append(top)
        top += image.shape[0] + _GAP_PX
    sheet = np.full((top, width), 255, np.uint8)
    for image, y in zip(images, tops, strict=True):
        sheet[y : y + image.shape[0], _GAP_PX : _GAP_PX + image.shape[1]] = image
    words = ocr.ocr_words(
        Image.fromarray(sheet), dpi=EXTRACT_DPI, psm=6, whitelist=_NUMBER_CHARACTERS if numbers else None
    )
    found: list[list] = [[] for _ in images]
    for word in words:
        if word.confidence < _JUNK_CONFIDENCE and not any(char.isalnum() for char in word.text):
            continue  # a mark tesseract is unsure of and that says nothing: dust, a stray edge
        middle = (word.box[1] + word.box[3]) / 2
        slot = max(0, np.searchsorted(tops, middle, side="right") - 1)
        found[slot].append(word)
    results = []
    for slot_words in found:
        if not slot_words:
            results.append(("", 0.0))
            continue
        lines: dict[int, list] = {}
        for word in sorted(slot_words, key=lambda w: (w.line, w.box[0])):
            lines.setdefault(word.line, []).append(word.text)
        raw = "\n".join(" ".join(line) for line in lines.values())
        results.append((read_values.tidy(raw), float(np.mean([word.confidence for word in slot_words]))))
    return results


def _typed(item: FieldLike, raw: str, confidence: float, method: str) -> ExtractedValue:
    """The value of a field of `item.type` read as `raw`: None when empty; a number without grouping;
    a date in ISO form (None, with the text kept and the confidence halved, when it is not a date)."""
    value: str | None = raw or None
    if value is not None and item.type == "number":
        value = read_values.number(raw)
    elif value is not None and item.type == "date":
        parsed = read_values.parse_date(raw)
        value = parsed.isoformat() if parsed else None
        confidence = confidence if parsed else confidence / 2
    return ExtractedValue(item.name, item.type, item.page, value, raw or None, round(confidence, 3), method)
