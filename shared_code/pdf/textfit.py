"""Text fitted into a rectangle, and the PDF content operators that draw it (and a check mark).

The font is one of the standard PDF fonts (Helvetica, Times-Roman, Courier, ...): nothing is embedded,
and text is written in Windows-1252 (WinAnsiEncoding), which is what they cover.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

FONT_RESOURCE = "/PactFont"  # the resource name PACT's text is drawn with (unlikely to clash)
_LINE_SPACING = 1.15  # baseline to baseline, in font sizes
_PAD_X, _PAD_Y = 2.0, 1.0  # points kept clear inside a rectangle
_SIZE_STEP = 0.25
_WRAP_GAIN = 1.25  # wrapping is chosen over one smaller line when it allows text this much larger


@dataclass(frozen=True)
class TextLayout:
    """Text placed in a rectangle: the font size and each line's baseline start, relative to the
    rectangle's bottom-left corner."""

    font: str
    size: float
    lines: tuple[tuple[float, float, str], ...]  # x, y, text


def fit_text(
    value: str, width: float, height: float, *, font: str = "Helvetica", max_size: float = 11.0, min_size: float = 6.0
) -> TextLayout | None:
    """`value` placed in `width` x `height` points at the largest font size (max_size .. min_size) it fits
    at, on one line (explicit line breaks kept) or, when that gains enough size, wrapped at spaces; None
    when it fits at no size."""
    paragraphs = [" ".join(line.split()) for line in value.splitlines()] or [""]
    single = _fit(paragraphs, width, height, font, max_size, min_size, wrap=False)
    # Wrapping never goes above the first size tried, so when even that cannot gain enough it is not
    # tried at all (most values fit one line: this halves what filling costs).
    if single is not None and single.size * _WRAP_GAIN > _first_size(height, font, max_size):
        return single
    wrapped = _fit(paragraphs, width, height, font, max_size, min_size, wrap=True)
    # A field drawn for one line reads better with smaller text than with a second cramped line.
    if single is None or (wrapped is not None and wrapped.size >= single.size * _WRAP_GAIN):
        return wrapped
    return single


@functools.cache
def _metrics(font: str) -> tuple[float, float]:
    """Ascent and descent of a standard font, in font sizes."""
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(font).face
    return face.ascent / 1000.0, -face.descent / 1000.0


def _first_size(height: float, font: str, max_size: float) -> float:
    """The largest size a line can have in a rectangle `height` points tall: where the search starts."""
    ascent, descent = _metrics(font)
    return min(max_size, (height - 2 * _PAD_Y) / (ascent + descent))


def _fit(paragraphs, width, height, font, max_size, min_size, *, wrap: bool) -> TextLayout | None:
    from reportlab.pdfbase import pdfmetrics

    ascent, descent = _metrics(font)
    room_w, room_h = width - 2 * _PAD_X, height - 2 * _PAD_Y
    size = min(max_size, room_h / (ascent + descent))
    if not wrap:  # width and height grow with the size: skip to one step above the size that fits
        size -= _SIZE_STEP * max(
            0, math.ceil((size - _one_line_limit(paragraphs, room_w, room_h, font)) / _SIZE_STEP) - 1
        )
    while size >= min_size - 1e-9:
        if wrap:
            lines = _wrap(paragraphs, room_w, font, size, pdfmetrics.stringWidth)
        else:
            fits = all(pdfmetrics.stringWidth(line, font, size) <= room_w for line in paragraphs)
            lines = paragraphs if fits else None
        block = (ascent + descent) * size + (len(lines or [1]) - 1) * _LINE_SPACING * size
        if lines is not None and block <= room_h + 1e-6:
            bottom = _PAD_Y + (room_h - block) / 2 + descent * size
            top = bottom + (len(lines) - 1) * _LINE_SPACING * size
            placed = tuple((_PAD_X, top - i * _LINE_SPACING * size, line) for i, line in enumerate(lines))
            return TextLayout(font, round(size, 2), placed)
        size -= _SIZE_STEP
    return None


def _one_line_limit(paragraphs: list[str], room_w: float, room_h: float, font: str) -> float:
    """The largest size at which `paragraphs`, one line each, fit `room_w` x `room_h` (text widths and the
    block's height are proportional to the size)."""
    from reportlab.pdfbase import pdfmetrics

    ascent, descent = _metrics(font)
    widest = max(pdfmetrics.stringWidth(line, font, 1.0) for line in paragraphs)
    by_width = room_w / widest if widest > 0 else math.inf
    return min(by_width, room_h / (ascent + descent + (len(paragraphs) - 1) * _LINE_SPACING))


def _wrap(paragraphs: list[str], room: float, font: str, size: float, measure) -> list[str] | None:
    """Greedy word wrap; None when a single word is wider than `room`."""
    lines = []
    for paragraph in paragraphs:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if measure(candidate, font, size) <= room:
                line = candidate
            elif measure(word, font, size) > room:
                return None
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def text_operators(layout: TextLayout, x: float, y: float) -> str:
    """Operators drawing `layout` with its rectangle's corner at (x, y); the font as FONT_RESOURCE."""
    shown = " ".join(
        f"1 0 0 1 {x + lx:.2f} {y + ly:.2f} Tm <{line.encode('cp1252').hex()}> Tj" for lx, ly, line in layout.lines
    )
    return f"BT {FONT_RESOURCE} {layout.size:g} Tf 0 g {shown} ET"


def tick_operators(x: float, y: float, width: float, height: float) -> str:
    """Operators drawing a tick in the `width` x `height` box at (x, y)."""
    side = min(width, height)
    cx, cy = x + (width - side) / 2, y + (height - side) / 2
    points = [(0.18, 0.52), (0.4, 0.22), (0.84, 0.82)]
    path = " ".join(
        f"{cx + px * side:.2f} {cy + py * side:.2f} {op}" for (px, py), op in zip(points, "mll", strict=True)
    )
    return f"q 0 G {max(0.8, side * 0.12):.2f} w 1 J 1 j {path} S Q"


def font_dict(font: str):
    """The font resource (a pypdf dictionary) of a standard font, in WinAnsiEncoding."""
    from pypdf.generic import DictionaryObject, NameObject

    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject(f"/{font}"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
