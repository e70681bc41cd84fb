"""The text layer of a PDF page, read with PDFium: plain text, words with boxes, and its direction."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from shared_code.pdf.document import PDFIUM
from shared_code.pdf.words import Word

if TYPE_CHECKING:
    import pypdfium2

_LINE_BREAKS = {"\r", "\n"}
_ANGLE_SAMPLES = 64  # characters whose angle decides the text direction


def page_text(pdf: pypdfium2.PdfDocument, index: int) -> str:
    """The text layer of page `index` (0-based), in PDFium's reading order; "" when it has none."""
    with PDFIUM:
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            try:
                return textpage.get_text_range().replace("\r\n", "\n").replace("\x00", "")
            finally:
                textpage.close()
        finally:
            page.close()


def page_words(pdf: pypdfium2.PdfDocument, index: int) -> list[Word]:
    """The words of page `index`'s text layer with their boxes in PDF points (page space, origin bottom-left)."""
    import pypdfium2.raw as pdfium_c

    words: list[Word] = []
    with PDFIUM:
        page = pdf[index]
        textpage = page.get_textpage()
        try:
            line, chars, box = 0, [], None
            for char_index in range(textpage.count_chars()):
                char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, char_index) or 32)
                if char.isspace() or char == "\x00":
                    if chars:
                        words.append(Word("".join(chars), box, 1.0, line))
                        chars, box = [], None
                    line += char in _LINE_BREAKS and bool(words) and words[-1].line == line
                    continue
                left, bottom, right, top = textpage.get_charbox(char_index)
                box = (
                    (left, bottom, right, top)
                    if box is None
                    else (min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top))
                )
                chars.append(char)
            if chars:
                words.append(Word("".join(chars), box, 1.0, line))
        finally:
            textpage.close()
            page.close()
    return words


def text_rotation(pdf: pypdfium2.PdfDocument, index: int) -> int | None:
    """Clockwise degrees (0, 90, 180, 270) by which page `index`'s text is turned as the page is shown;
    None when the page has no text layer. Combines the direction of the characters with /Rotate."""
    import pypdfium2.raw as pdfium_c

    with PDFIUM:
        page = pdf[index]
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            votes = {0: 0, 90: 0, 180: 0, 270: 0}
            for char_index in range(0, count, max(1, count // _ANGLE_SAMPLES)):
                if chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, char_index) or 32).isspace():
                    continue
                angle = pdfium_c.FPDFText_GetCharAngle(textpage.raw, char_index)
                if angle >= 0:  # PDFium: radians, counter-clockwise; -1 on error
                    votes[(360 - round(math.degrees(angle) / 90) * 90) % 360] += 1
            if not any(votes.values()):
                return None
            return (max(votes, key=votes.__getitem__) + page.get_rotation()) % 360
        finally:
            textpage.close()
            page.close()
