"""Codes on pages: stamped by `codes.stamp_codes` onto real PDFs, printed through the simulated scanner
(tests/support/corpus_scan.py), read back by `codes.read_codes` from the scan image intake takes, and
verified by the generation payload."""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Sequence

import numpy as np
import pytest
from pydantic import SecretStr

from shared_code.core.errors import Unprocessable, UnsupportedMediaType
from shared_code.generation.payload import (
    CodeKeys,
    CodePayload,
    CodeRejected,
    Rejection,
    decode_payload,
    encode_payload,
    readable_line,
)
from shared_code.pdf.codes import (
    CodeDoesNotFit,
    CodeStyle,
    PageCode,
    Symbology,
    read_codes,
    stamp_codes,
    stamp_pages,
    symbol_modules,
)
from shared_code.pdf.document import open_pdf
from shared_code.pdf.placement import Corner
from shared_code.pdf.render import render_page, scan_image
from shared_code.pdf.text import page_text
from tests.support import corpus_scan

KEYS = CodeKeys.from_setting(SecretStr("K:" + "k" * 40))
OTHER_KEYS = CodeKeys.from_setting(SecretStr("K:" + "o" * 40))  # the same key id, another secret
_SCANNER_DPIS = {150, 200, 240, 300}


class _ScannerAt(random.Random):
    """The scanner quirks of `seed` at a chosen resolution: `corpus_scan.scan_page` draws its DPI with
    `choice` from its list of scanner resolutions, and that one draw is answered with `dpi`."""

    def __init__(self, seed: int, dpi: int) -> None:
        super().__init__(seed)
        self.dpi = dpi

    def choice(self, seq):
        if seq and all(value in _SCANNER_DPIS for value in seq):
            return self.dpi
        return super().choice(seq)


def scanned_copy(
    pdf: bytes, *, dpi: int, seed: int, turns: Sequence[int] | None = None
) -> tuple[bytes, list[corpus_scan.Scan]]:
    """Every page of `pdf` through the simulated scanner at `dpi`, as one scanned PDF, and each page's scan.

    With `turns`, page i is turned clockwise by turns[i] (its pixels turned, or on every other turned
    page the scanner's /Rotate); without, as the scanner's quirks fall (22 % of pages turned)."""
    import cv2

    scans = []
    for index in range(_pages(pdf)):
        rng = _ScannerAt(seed * 1009 + index, dpi)
        if turns is None:
            scans.append(corpus_scan.scan_page(pdf, index, rng))
            continue
        scan, turn = corpus_scan.scan_page(pdf, index, rng, turns=False), turns[index] % 360
        if turn and index % 2:
            scans.append(corpus_scan.Scan(scan.jpeg, dpi, scan.size, turn, page_rotate=turn))
        elif turn:
            gray = cv2.imdecode(np.frombuffer(scan.jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
            gray = np.ascontiguousarray(np.rot90(gray, -(turn // 90)))
            jpeg = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 75])[1].tobytes()  # a second JPEG pass
            scans.append(corpus_scan.Scan(jpeg, dpi, (gray.shape[1], gray.shape[0]), turn))
        else:
            scans.append(scan)
    return corpus_scan.scans_to_pdf(scans), scans


def content_pdf(pages: int, *, rotate: int = 0, box: tuple[float, float, float, float] | None = None) -> bytes:
    """Letter pages with a body of text and, on each page, text in some corners (which corners turns with
    the page number), so that codes go to different corners; /Rotate `rotate`; a media box `box`."""
    from reportlab.pdfgen import canvas as pdf_canvas

    out = io.BytesIO()
    canvas = pdf_canvas.Canvas(out, pagesize=(612, 792), invariant=1)
    corners = [(), ("bottom-right",), ("bottom-right", "bottom-left"), ("bottom-right", "bottom-left", "top-right")]
    for number in range(pages):
        canvas.setPageRotation(rotate)
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(72, 670, f"Participation Form - page {number + 1}")
        canvas.setFont("Helvetica", 11)
        for line in range(18):
            canvas.drawString(72, 640 - 22 * line, f"Line {line + 1}: the facility agrees to the terms of contract.")
        canvas.setFont("Helvetica", 9)
        for corner in corners[number % len(corners)]:  # notes taller than a stamp can move to clear them
            x = 560 if corner.endswith("right") else 52
            y = 40 if corner.startswith("bottom") else 760
            for row in range(12):
                draw = canvas.drawRightString if corner.endswith("right") else canvas.drawString
                draw(x, y + (11 * row if corner.startswith("bottom") else -11 * row), f"{corner} note {row}")
        canvas.showPage()
    canvas.save()
    data = out.getvalue()
    return _with_media_box(data, box) if box else data


def signed_codes(generation: uuid.UUID, pages: int, keys: CodeKeys = KEYS) -> list[PageCode]:
    texts = [encode_payload(CodePayload(generation, page, pages), keys) for page in range(1, pages + 1)]
    return [PageCode(text, readable_line(text)) for text in texts]


def read_scanned_pages(scans_pdf: bytes, symbology: Symbology) -> list:
    """Each page's first code, read as intake reads it: the scan image out of the PDF, then its codes."""
    found = []
    with open_pdf(scans_pdf) as pdf:
        for index in range(len(pdf)):
            codes = read_codes(scan_image(pdf, index, min_dpi=150), symbologies=(symbology,))
            found.append(codes[0] if codes else None)
    return found


# -- Round trip: stamped, printed, scanned, read, verified ------------------------------------------------


@pytest.mark.parametrize("symbology", list(Symbology))
@pytest.mark.parametrize("dpi", [150, 200])
def test_every_code_reads_back_to_its_generation_and_page_through_a_scan(symbology, dpi):
    # GIVEN two generated documents of 4 and 3 pages, content in some corners, codes stamped on every page
    documents = []
    for number, pages in enumerate((4, 3)):
        generation = uuid.UUID(int=random.Random(number).getrandbits(128))
        stamped, stamps = stamp_codes(
            content_pdf(pages), signed_codes(generation, pages), style=CodeStyle(symbology=symbology)
        )
        documents.append((generation, stamped, stamps))
    # the stamps went where the corners were free: not every page in the same corner
    assert len({stamp.corner for _, _, stamps in documents for stamp in stamps}) >= 3
    for seed, (generation, stamped, _) in enumerate(documents):
        # WHEN each is scanned at `dpi` (skewed, shifted, noisy, JPEG) with pages turned every way
        turns = [0, 90, 180, 270][: _pages(stamped)]
        scans_pdf, scans = scanned_copy(stamped, dpi=dpi, seed=seed, turns=turns)
        found = read_scanned_pages(scans_pdf, symbology)
        # THEN every page's code decodes to its generation and page, and says how the page is turned
        for page, (code, scan) in enumerate(zip(found, scans, strict=True), start=1):
            assert code is not None, f"page {page}: no code found (turn {scan.rotation})"
            payload = decode_payload(code.text, KEYS)
            assert (payload.generation_id, payload.page, payload.page_count) == (generation, page, len(scans))
            assert code.rotation == scan.rotation
            assert abs((code.angle - scan.rotation + 180) % 360 - 180) <= 4  # skew within ±3° (and rounding)


@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_codes_read_back_from_scans_with_the_scanners_own_quirks(dpi):
    # GIVEN five 2-page documents and a scanner that turns pages as it will (tests/support/corpus_scan)
    for seed in range(5):
        generation = uuid.uuid4()
        stamped, _ = stamp_codes(content_pdf(2), signed_codes(generation, 2))
        scans_pdf, scans = scanned_copy(stamped, dpi=dpi, seed=100 + seed)
        # WHEN read THEN each code is its page's, and its orientation is the scan's
        found = read_scanned_pages(scans_pdf, Symbology.DATAMATRIX)
        for page, (code, scan) in enumerate(zip(found, scans, strict=True)):
            assert code is not None
            assert decode_payload(code.text, KEYS).page == page + 1
            assert code.rotation == scan.rotation


def test_a_code_read_from_a_scan_with_one_character_changed_or_another_key_is_rejected():
    # GIVEN a page whose code is read back from a 150 DPI scan
    generation = uuid.uuid4()
    stamped, _ = stamp_codes(content_pdf(1), signed_codes(generation, 1))
    scans_pdf, _ = scanned_copy(stamped, dpi=150, seed=3)
    (code,) = read_scanned_pages(scans_pdf, Symbology.DATAMATRIX)
    assert decode_payload(code.text, KEYS).generation_id == generation
    # WHEN one character of it is changed THEN it is refused, wherever the change is
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for position in range(3, len(code.text)):
        other = alphabet[(alphabet.index(code.text[position]) + 7) % 32]
        changed = code.text[:position] + other + code.text[position + 1 :]
        with pytest.raises(CodeRejected) as caught:
            decode_payload(changed, KEYS)
        assert caught.value.reason in (Rejection.INTEGRITY, Rejection.MALFORMED)
    # AND a code signed with another secret under the same key id is refused
    forged_pdf, _ = stamp_codes(content_pdf(1), signed_codes(generation, 1, OTHER_KEYS))
    (forged,) = read_scanned_pages(scanned_copy(forged_pdf, dpi=150, seed=4)[0], Symbology.DATAMATRIX)
    with pytest.raises(CodeRejected) as caught:
        decode_payload(forged.text, KEYS)
    assert caught.value.reason is Rejection.INTEGRITY


# -- Symbols ------------------------------------------------------------------------------------------------


def test_a_payload_fits_a_24_module_datamatrix_or_a_25_module_qr_code():
    text = signed_codes(uuid.uuid4(), 2)[0].text
    datamatrix, qr = symbol_modules(text, Symbology.DATAMATRIX), symbol_modules(text, Symbology.QR)
    assert datamatrix.shape == (24, 24) and qr.shape == (25, 25)
    # a DataMatrix's finder: a solid left column and bottom row; a QR code's: three 7x7 squares
    assert datamatrix[:, 0].all() and datamatrix[-1, :].all()
    assert qr[:7, :7].sum() == qr[:7, -7:].sum() == qr[-7:, :7].sum() == 33


# -- Stamping keeps the page ----------------------------------------------------------------------------


def test_stamping_keeps_form_fields_text_and_page_boxes():
    # GIVEN a page with an AcroForm field holding a value
    source = _form_pdf()
    # WHEN a code is stamped on it
    stamped, _ = stamp_codes(source, signed_codes(uuid.uuid4(), 1))
    # THEN the field, its value, the page's text and its boxes are as they were, and the line is added
    import pypdf

    before, after = pypdf.PdfReader(io.BytesIO(source)), pypdf.PdfReader(io.BytesIO(stamped))
    assert after.get_fields()["account_number"].get("/V") == "A1234567"
    assert list(after.pages[0].mediabox) == list(before.pages[0].mediabox)
    with open_pdf(source) as pdf:
        original = page_text(pdf, 0)
    with open_pdf(stamped) as pdf:
        text = page_text(pdf, 0)
    assert text.startswith(original.rstrip())
    assert "PACT P1K" in text and text.rstrip().endswith("p1/1")


def test_what_is_not_a_readable_pdf_is_refused_by_name():
    code = signed_codes(uuid.uuid4(), 1)
    with pytest.raises(UnsupportedMediaType):
        stamp_codes(b"GIF89a not a PDF", code)
    with pytest.raises(Unprocessable, match=r"damaged|cannot be stamped"):
        stamp_codes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF", code)
    with pytest.raises(ValueError, match="1 codes and 1 positions for 2 pages"):
        stamp_codes(content_pdf(2), code, positions=[Corner.TOP_LEFT])


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_a_stamp_is_upright_in_its_corner_as_the_page_is_shown(rotate):
    # GIVEN a page with /Rotate and a media box that does not start at 0,0
    source = content_pdf(1, rotate=rotate, box=(100, 200, 712, 992))
    # WHEN a code is stamped in the top-left corner (as shown)
    stamped, (stamp,) = stamp_codes(source, signed_codes(uuid.uuid4(), 1), positions=[Corner.TOP_LEFT])
    # THEN in the page as shown it is upright and in the top-left
    with open_pdf(stamped) as pdf:
        image = render_page(pdf, 0, dpi=150)
    (code,) = read_codes(image)
    x, y = code.center
    assert code.rotation == 0
    assert x < image.width / 4 and y < image.height / 4
    # at the place the stamp reports (shown space, points from the bottom-left)
    symbol_x = (stamp.symbol[0] + stamp.symbol[2]) / 2 * 150 / 72
    symbol_y = image.height - (stamp.symbol[1] + stamp.symbol[3]) / 2 * 150 / 72
    assert abs(x - symbol_x) < 4 and abs(y - symbol_y) < 4


def test_a_template_rectangle_places_the_code_and_must_hold_it():
    # GIVEN a rectangle in the page's own space, in the middle of the left margin
    rect = (20, 300, 300, 380)
    stamped, (stamp,) = stamp_codes(content_pdf(1), signed_codes(uuid.uuid4(), 1), positions=[rect])
    # THEN the code is drawn inside it (found by the whole-page pass, being in no corner)
    with open_pdf(stamped) as pdf:
        image = render_page(pdf, 0, dpi=150)
    (code,) = read_codes(image)
    x, y = code.center
    assert 20 * 150 / 72 < x < 300 * 150 / 72 and (792 - 380) * 150 / 72 < y < (792 - 300) * 150 / 72
    assert stamp.corner is None
    # AND a rectangle too small for the code and its line is refused, naming the sizes
    with pytest.raises(CodeDoesNotFit, match=r"need 2\d\d x \d\d points"):
        stamp_codes(content_pdf(1), signed_codes(uuid.uuid4(), 1), positions=[(20, 300, 80, 360)])


def test_a_placement_chosen_once_serves_every_document_of_the_template():
    # GIVEN the first document of a template, its corners chosen on its pages' content
    template = content_pdf(3)
    _, first = stamp_codes(template, signed_codes(uuid.uuid4(), 3))
    # WHEN the next documents are stamped in one pass over a pypdf writer, at those placements
    import pypdf

    for _ in range(2):
        generation = uuid.uuid4()
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(template)))
        stamps = stamp_pages(writer, signed_codes(generation, 3), [stamp.placement for stamp in first])
        out = io.BytesIO()
        writer.write(out)
        # THEN each stamp is where the first document's was, and each code reads back
        assert stamps == first
        with open_pdf(out.getvalue()) as pdf:
            for index in range(3):
                (code,) = read_codes(render_page(pdf, index, dpi=150))
                assert decode_payload(code.text, KEYS) == CodePayload(generation, index + 1, 3, "K")


# -- Reading --------------------------------------------------------------------------------------------


def test_a_page_without_a_code_gives_nothing_and_another_symbology_is_not_looked_for():
    with open_pdf(content_pdf(1)) as pdf:
        assert read_codes(render_page(pdf, 0, dpi=150)) == []
    qr_page, _ = stamp_codes(content_pdf(1), signed_codes(uuid.uuid4(), 1), style=CodeStyle(symbology=Symbology.QR))
    with open_pdf(qr_page) as pdf:
        image = render_page(pdf, 0, dpi=150)
    assert read_codes(image, symbologies=(Symbology.DATAMATRIX,)) == []
    (code,) = read_codes(image, symbologies=(Symbology.DATAMATRIX, Symbology.QR))
    assert code.symbology is Symbology.QR


def _pages(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _with_media_box(pdf: bytes, box: tuple[float, float, float, float]) -> bytes:
    """`pdf` with every page's content moved into `box` (its media box), as some producers write pages."""
    import pypdf
    from pypdf.generic import RectangleObject

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page.add_transformation(pypdf.Transformation().translate(box[0], box[1]))
        page.mediabox = RectangleObject(box)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _form_pdf() -> bytes:
    from reportlab.pdfgen import canvas as pdf_canvas

    out = io.BytesIO()
    canvas = pdf_canvas.Canvas(out, pagesize=(612, 792))
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 700, "Account number:")
    canvas.acroForm.textfield(name="account_number", x=180, y=692, width=200, height=20, value="A1234567")
    canvas.showPage()
    canvas.save()
    return out.getvalue()
