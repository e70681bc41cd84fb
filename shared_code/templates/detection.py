"""Proposing a template's fields: where a form wants something written, what it is called, what kind of
value it takes and which data could fill it.

    detect_fields(template_pdf) -> [ProposedField(name="Account number", type="text", page=1, x0=146.0,
                                                  y0=569.5, x1=535.0, y1=583.0, confidence=0.85,
                                                  binding="account.number", source="detected", label=...)]

Sources, most certain first:
- **AcroForm widgets**: name, type and rectangle as the form says (confidence 1); the name is kept (it is
  how filling finds the widget), the label and binding are guessed from it.
- **The page itself**, from its words (the text layer; OCR for a scanned template) and its lines (found in
  the page image by morphology):
  - a blank line after a label on its baseline ("Account name: ______", also typed as underscores);
  - a line with a short label under it (signature and date lines);
  - a box: a label in its top-left corner (the value goes below it), or an empty table cell named by its
    column's header and row;
  - a check box: a small square, or a glyph such as ☐, named by the words after it.
Rectangles are in PDF points of the page's own space (origin bottom-left), like AcroForm rectangles.
The label suggests the type (signature, date, number) and a binding (shared_code/templates/bindings.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from shared_code.core.errors import UnsupportedMediaType
from shared_code.pdf import ocr, render, text
from shared_code.pdf.align import PageFrame, apply, page_frame
from shared_code.pdf.document import as_unprocessable, open_pdf
from shared_code.pdf.forms import acro_fields
from shared_code.pdf.words import Word
from shared_code.templates.labels import guess_binding, guess_type, humanise
from shared_code.templates.page_shapes import DETECT_DPI, PageShapes, Segment, overlap, without_duplicates

OCR_DPI = 300  # a page without a text layer is read at this
_MIN_LAYER_CHARS = 16
_LABEL_GAP = 18.0  # points between a label's end and its line or box, at most
_WORD_GAP = 12.0  # points between two words of one label, at most
_WRITE_HEIGHT = 14.0  # points above a line a value is written in
_SIGN_HEIGHT = 20.0
_CHECK_GLYPHS = set("☐☑☒□■❏❐❑❒")
_UNDERSCORES = re.compile(r"^(.*?)(_{3,})$")
_UNDERSCORE_TOP = 0.6  # points from the bottom of an underscore's box to its top edge


@dataclass(frozen=True)
class ProposedField:
    name: str
    type: str  # text | number | date | checkbox | signature
    page: int  # 1-based
    x0: float  # the rectangle, in points, origin bottom-left
    y0: float
    x1: float
    y1: float
    confidence: float
    binding: str | None
    source: str  # acroform | detected
    label: str  # the words the name and binding were taken from

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return self.x0, self.y0, self.x1, self.y1


def detect_fields(data: bytes) -> list[ProposedField]:
    """Proposed fields of the template PDF `data`, page by page, top to bottom; names unique.

    Raises Unprocessable for content that is not a readable PDF.
    """
    widgets = [_from_widget(field) for field in acro_fields(data) if field.type != "button"]
    try:
        with open_pdf(data) as pdf:
            found = [proposal for index in range(len(pdf)) for proposal in _page_proposals(pdf, index)]
    except UnsupportedMediaType as exc:
        raise as_unprocessable(exc) from None
    detected = [p for p in found if not any(w.page == p.page and overlap(w.rect, p.rect) > 0.3 for w in widgets)]
    ordered = sorted(widgets + _without_duplicates(detected), key=lambda p: (p.page, -round(p.y1), p.x0))
    return _unique_names(ordered)


def _from_widget(field) -> ProposedField:
    label = humanise(field.name)
    kind = {"checkbox": "checkbox", "radio": "checkbox", "signature": "signature"}.get(field.type)
    kind = kind or guess_type(label)
    binding = guess_binding(label) if kind not in ("checkbox", "signature") else None
    return ProposedField(field.name, kind, field.page, *field.rect, 1.0, binding, "acroform", label)


def _page_proposals(pdf, index: int) -> list[ProposedField]:
    frame = page_frame(pdf, index)
    image = np.asarray(render.render_page(pdf, index, dpi=DETECT_DPI))
    to_points = frame.to_points(DETECT_DPI)
    words = _words(pdf, index, frame)
    shapes = PageShapes(image, to_points)
    page = _Page(index + 1, words, shapes)
    return [*page.lines(), *page.boxes(), *page.checks()]


def _words(pdf, index: int, frame: PageFrame) -> list[Word]:
    """The page's words with boxes in points: the text layer, or OCR when the page has none."""
    words = text.page_words(pdf, index)
    if sum(char.isalnum() for word in words for char in word.text) >= _MIN_LAYER_CHARS:
        return words
    image = render.scan_image(pdf, index, min_dpi=OCR_DPI) or render.render_page(pdf, index, dpi=OCR_DPI)
    dpi = image.width / ((frame.right - frame.left) if frame.rotation in (0, 180) else (frame.top - frame.bottom)) * 72
    to_points = frame.to_points(dpi)
    found = []
    for word in ocr.ocr_words(image, dpi=round(dpi), psm=11, min_confidence=0.3):
        x0, y0, x1, y1 = word.box
        corners = apply(to_points, [(x0, y0), (x1, y1)])
        (left, bottom), (right, top) = corners.min(axis=0), corners.max(axis=0)
        found.append(Word(word.text, (left, bottom, right, top), word.confidence, word.line))
    return found


# -- fields from words and shapes -----------------------------------------------------------------


class _Page:
    def __init__(self, number: int, words: list[Word], shapes: PageShapes) -> None:
        self.number, self.shapes = number, shapes
        self.words = [word for word in words if word.text.strip()]
        self.segments = list(shapes.segments) + self._underscores()

    def _underscores(self) -> list[Segment]:
        """Lines typed as underscores in the text layer ("Name: ______" or "Name:______"); a label typed
        together with its underscores keeps only its own letters and their part of the box."""
        found, words = [], []
        for word in self.words:
            match = _UNDERSCORES.match(word.text)
            if not match:
                words.append(word)
                continue
            x0, y0, x1, y1 = word.box
            start = x0 + (x1 - x0) * len(match.group(1)) / len(word.text)
            found.append(Segment(start, x1, y0 + _UNDERSCORE_TOP))
            if match.group(1):
                words.append(replace(word, text=match.group(1), box=(x0, y0, start, y1)))
        self.words = words
        return found

    def lines(self) -> Iterable[ProposedField]:
        for segment in self.segments:
            label, below = self._label_left(segment.x0, segment.y, segment.y + 12), False
            if not label:
                label, below = self._label_below(segment), True
            if not label:
                continue  # a rule that separates, not a line to write on
            kind = guess_type(label)
            height = _SIGN_HEIGHT if kind == "signature" else _WRITE_HEIGHT
            top = min(segment.y + height, self._free_above(segment.x0, segment.x1, segment.y))
            if top - segment.y < 8:
                continue
            yield self._proposal(label, (segment.x0, segment.y + 0.5, segment.x1, top), 0.8 if below else 0.85)

    def boxes(self) -> Iterable[ProposedField]:
        for cell in self.shapes.cells:
            inside = [word for word in self.words if _centre_in(word.box, cell)]
            if inside:
                label_bottom = min(word.box[1] for word in inside)
                if max(word.box[3] for word in inside) < cell[3] - 16 or label_bottom - cell[1] < 10:
                    continue  # text fills the box: a header or a frame, not a place to write
                label = _join(inside)
                yield self._proposal(label, (cell[0] + 2, cell[1] + 2, cell[2] - 2, label_bottom - 1.5), 0.8)
                continue
            header, row = self._header(cell)
            if header:
                proposal = self._proposal(header, (cell[0] + 2, cell[1] + 2, cell[2] - 2, cell[3] - 2), 0.75)
                yield replace(proposal, name=f"{proposal.name} {row}")  # typed and bound by the header
                continue
            label = self._label_left(cell[0], cell[1], cell[3]) or self._label_above(cell)
            rect = (cell[0] + 2, cell[1] + 2, cell[2] - 2, cell[3] - 2)
            yield self._proposal(label or "Box", rect, 0.6 if label else 0.4)

    def checks(self) -> Iterable[ProposedField]:
        squares = list(self.shapes.squares) + [word.box for word in self.words if word.text in _CHECK_GLYPHS]
        for square in without_duplicates(squares):
            label = self._label_right(square) or self._label_left(square[0], square[1], square[3])
            yield replace(
                self._proposal(label or "Check box", square, 0.8 if label else 0.5), type="checkbox", binding=None
            )

    # -- labels --

    def _label_left(self, x: float, bottom: float, top: float) -> str:
        """The words ending just before `x` whose middle lies between `bottom` and `top`."""
        line = [w for w in self.words if bottom - 2 <= (w.box[1] + w.box[3]) / 2 <= top + 2 and w.box[2] <= x + 2]
        return _run(sorted(line, key=lambda w: -w.box[2]), start=x, backwards=True)

    def _label_right(self, square: tuple[float, ...]) -> str:
        line = [
            w
            for w in self.words
            if square[1] - 3 <= (w.box[1] + w.box[3]) / 2 <= square[3] + 3 and w.box[0] >= square[2] - 1
        ]
        return _run(sorted(line, key=lambda w: w.box[0]), start=square[2], backwards=False)

    def _label_below(self, segment: Segment) -> str:
        under = [
            w
            for w in self.words
            if segment.y - 14 <= w.box[3] <= segment.y - 1 and segment.x0 - 3 <= w.box[0] <= segment.x1 - 10
        ]
        if not under or min(w.box[0] for w in under) > segment.x0 + 12:
            return ""
        return _run(sorted(under, key=lambda w: w.box[0]), start=min(w.box[0] for w in under), backwards=False)

    def _label_above(self, cell: tuple[float, ...]) -> str:
        over = [w for w in self.words if cell[3] <= w.box[1] <= cell[3] + 12 and cell[0] - 3 <= w.box[0] < cell[2]]
        return (
            _run(sorted(over, key=lambda w: w.box[0]), start=min((w.box[0] for w in over), default=0), backwards=False)
            if over
            else ""
        )

    def _header(self, cell: tuple[float, ...]) -> tuple[str, int]:
        """For an empty table cell: its column's header and its row below it ("", 0 when there is none)."""
        column = sorted(
            (
                other
                for other in self.shapes.cells
                if other[1] >= cell[3] - 1
                and min(other[2], cell[2]) - max(other[0], cell[0]) > 0.8 * (cell[2] - cell[0])
            ),
            key=lambda other: other[1],
        )
        for row, other in enumerate(column, start=1):
            inside = [word for word in self.words if _centre_in(word.box, other)]
            if inside:
                return _join(inside), row
        return "", 0

    def _free_above(self, x0: float, x1: float, y: float) -> float:
        """The lowest word bottom above a line over its span (where a value written on it must stop)."""
        above = [w.box[1] for w in self.words if w.box[1] > y + 2 and w.box[0] < x1 and w.box[2] > x0]
        return min(above, default=y + 100) - 1

    def _proposal(self, label: str, rect: tuple[float, ...], confidence: float) -> ProposedField:
        label = humanise(label)
        kind = guess_type(label)
        binding = None if kind == "signature" else guess_binding(label)
        x0, y0, x1, y1 = (round(v, 2) for v in rect)
        return ProposedField(label, kind, self.number, x0, y0, x1, y1, confidence, binding, "detected", label)


def _centre_in(box: tuple[float, ...], rect: tuple[float, ...]) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return rect[0] <= x <= rect[2] and rect[1] <= y <= rect[3]


def _run(words: list[Word], *, start: float, backwards: bool) -> str:
    """The words that follow each other from `start` (leftwards when `backwards`) with small gaps."""
    taken, edge = [], start
    for word in words:
        gap = edge - word.box[2] if backwards else word.box[0] - edge
        if gap > (_LABEL_GAP if not taken else _WORD_GAP):
            break
        taken.append(word)
        edge = word.box[0] if backwards else word.box[2]
    return " ".join(word.text for word in (reversed(taken) if backwards else taken)).strip()


def _join(words: list[Word]) -> str:
    return " ".join(word.text for word in sorted(words, key=lambda w: (-round(w.box[3]), w.box[0])))


def _without_duplicates(proposals: list[ProposedField]) -> list[ProposedField]:
    kept: list[ProposedField] = []
    for proposal in sorted(proposals, key=lambda p: -p.confidence):
        if not any(other.page == proposal.page and overlap(other.rect, proposal.rect) > 0.5 for other in kept):
            kept.append(proposal)
    return kept


def _unique_names(proposals: list[ProposedField]) -> list[ProposedField]:
    """Detected names made unique ("Title", "Title 2"); AcroForm names kept, numbered as indexing does."""
    seen: dict[str, int] = {}
    named = []
    for proposal in proposals:
        key = proposal.name.lower()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            suffix = f"#{seen[key]}" if proposal.source == "acroform" else f" {seen[key]}"
            proposal = replace(proposal, name=f"{proposal.name}{suffix}"[:200])
        named.append(proposal)
    return named
