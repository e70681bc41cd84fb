"""Composing documents from one template: each account's values filled (AcroForm and drawn templates),
a verifiable code stamped on every page, the template parsed once and no document leaking into the next."""

from __future__ import annotations

import ctypes
import dataclasses
import io
import uuid

import pytest
from pydantic import SecretStr

from shared_code.generation.payload import CodeKeys, CodePayload, decode_payload, encode_payload, readable_line
from shared_code.pdf.codes import PageCode, read_codes
from shared_code.pdf.compose import Composer
from shared_code.pdf.document import open_pdf
from shared_code.pdf.fill import FieldOverflow
from shared_code.pdf.forms import acro_fields
from shared_code.pdf.placement import Corner
from shared_code.pdf.text import page_words
from tests.support.corpus import spec_named, template_pdf
from tests.support.corpus_scan import render_gray
from tests.templates.corpus_fields import corpus_fields

KEYS = CodeKeys.from_setting(SecretStr("K:" + "k" * 40))
TEMPLATE = spec_named("participation")  # two pages, 33 fields: text, dates, check boxes, a signature


def template(*, acroform: bool) -> tuple[bytes, list]:
    spec = dataclasses.replace(TEMPLATE, acroform=acroform)
    return template_pdf(spec), corpus_fields(spec)


def account_values(fields, account: int) -> dict[str, object]:
    """A value for every field an account fills: short text naming the account and field, alternate ticks."""
    return {
        field.name: (number + account) % 2 == 0 if field.type == "checkbox" else f"A{account}-F{number}"
        for number, field in enumerate(fields)
        if field.type != "signature"
    }


def signed_codes(generation: uuid.UUID, pages: int) -> list[PageCode]:
    texts = [encode_payload(CodePayload(generation, page, pages), KEYS) for page in range(1, pages + 1)]
    return [PageCode(text, readable_line(text)) for text in texts]


def words_in(pdf: bytes, field) -> str:
    with open_pdf(pdf) as document:
        words = page_words(document, field.page - 1)
    inside = [
        w.text
        for w in words
        if field.x0 <= (w.box[0] + w.box[2]) / 2 <= field.x1 and field.y0 <= (w.box[1] + w.box[3]) / 2 <= field.y1
    ]
    return " ".join(inside)


def pdfium_form_values(pdf: bytes) -> dict[str, str]:
    """Every form field's value as PDFium (Chrome's PDF engine) reads it."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    def text(function, *args) -> str:
        size = function(*args, None, 0)
        buffer = ctypes.create_string_buffer(size)
        function(*args, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), size)
        return buffer.raw[: size - 2].decode("utf-16-le")

    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    values = {}
    try:
        for page in document:
            for index in range(raw.FPDFPage_GetAnnotCount(page)):
                annotation = raw.FPDFPage_GetAnnot(page, index)
                name = text(raw.FPDFAnnot_GetFormFieldName, document.formenv, annotation)
                values[name] = text(raw.FPDFAnnot_GetFormFieldValue, document.formenv, annotation)
                raw.FPDFPage_CloseAnnot(annotation)
    finally:
        document.close()
    return values


def read_page_codes(pdf: bytes, pages: int, dpi: int = 150) -> list[CodePayload]:
    """Each page rendered as a printer would (forms drawn) and its code read and verified."""
    payloads = []
    for index in range(pages):
        found = read_codes(render_gray(pdf, index, dpi))
        assert found, f"no code found on page {index + 1}"
        payloads.append(decode_payload(found[0].text, KEYS))
    return payloads


def ink(pdf: bytes, field, dpi: int = 100) -> float:
    gray = render_gray(pdf, field.page - 1, dpi)
    scale = dpi / 72
    top, bottom = round((792 - field.y1) * scale), round((792 - field.y0) * scale)
    return float((gray[top:bottom, round(field.x0 * scale) : round(field.x1 * scale)] < 128).mean())


def test_acroform_documents_carry_their_values_in_the_form_and_a_verified_code_on_every_page():
    blank, fields = template(acroform=True)
    composer = Composer(blank, fields)
    generation = uuid.uuid4()
    values = account_values(fields, 7)
    document = composer.compose(values, signed_codes(generation, 2))

    texts = {name: value for name, value in values.items() if isinstance(value, str)}
    read_by_pypdf = {field.name: field.value for field in acro_fields(document.pdf)}
    assert {name: read_by_pypdf[name] for name in texts} == texts
    ticked = [name for name, value in values.items() if value is True]
    assert ticked and all(read_by_pypdf[name] not in (None, "Off") for name in ticked)
    assert all(read_by_pypdf[name] in (None, "Off") for name, value in values.items() if value is False)
    read_by_pdfium = pdfium_form_values(document.pdf)
    assert {name: read_by_pdfium[name] for name in texts} == texts
    # The appearance PACT wrote is what a viewer shows: ink where the blank form had none.
    field = next(f for f in fields if f.name in texts)
    assert ink(document.pdf, field) > 4 * ink(blank, field) + 0.005

    payloads = read_page_codes(document.pdf, 2)
    assert [(p.generation_id, p.page, p.page_count) for p in payloads] == [(generation, 1, 2), (generation, 2, 2)]


def test_drawn_documents_carry_their_values_as_text_and_a_verified_code_on_every_page():
    blank, fields = template(acroform=False)
    assert acro_fields(blank) == []
    composer = Composer(blank, fields)
    generation = uuid.uuid4()
    values = account_values(fields, 3)
    document = composer.compose(values, signed_codes(generation, 2))

    for field in fields:
        if isinstance(values.get(field.name), str):
            assert words_in(document.pdf, field) == values[field.name]
    payloads = read_page_codes(document.pdf, 2)
    assert [(p.generation_id, p.page) for p in payloads] == [(generation, 1), (generation, 2)]


@pytest.mark.parametrize("acroform", [True, False], ids=["acroform", "drawn"])
def test_each_document_holds_only_its_own_account(acroform):
    blank, fields = template(acroform=acroform)
    composer = Composer(blank, fields)
    first, second = uuid.uuid4(), uuid.uuid4()
    composer.compose(account_values(fields, 1), signed_codes(first, 2))
    later = composer.compose(account_values(fields, 2), signed_codes(second, 2)).pdf

    field = next(f for f in fields if f.type == "text")
    if acroform:
        assert {f.name: f.value for f in acro_fields(later)}[field.name] == account_values(fields, 2)[field.name]
    else:
        assert words_in(later, field) == account_values(fields, 2)[field.name]
    with open_pdf(later) as document:
        text = " ".join(w.text for page in range(2) for w in page_words(document, page))
    assert "A1-" not in text
    assert {p.generation_id for p in read_page_codes(later, 2)} == {second}


def test_the_free_corner_is_found_once_per_page_and_kept_clear_of_every_field():
    blank, fields = template(acroform=True)
    composer = Composer(blank, fields)
    first = composer.compose(account_values(fields, 1), signed_codes(uuid.uuid4(), 2)).stamps
    second = composer.compose(account_values(fields, 2), signed_codes(uuid.uuid4(), 2)).stamps
    assert [s.placement for s in first] == [s.placement for s in second]
    for stamp in first:
        x0, y0, x1, y1 = stamp.footprint
        for f in (f for f in fields if f.page == stamp.page):
            assert x1 <= f.x0 or f.x1 <= x0 or y1 <= f.y0 or f.y1 <= y0, f"the code covers {f.name}"


def test_a_position_given_for_a_page_is_used():
    blank, fields = template(acroform=False)
    stamps = (
        Composer(blank, fields).compose({}, signed_codes(uuid.uuid4(), 2), positions=[Corner.TOP_LEFT, None]).stamps
    )
    assert stamps[0].corner is Corner.TOP_LEFT and stamps[0].footprint[1] > 792 / 2


def test_a_flattened_document_has_no_form_and_its_values_are_page_text():
    blank, fields = template(acroform=True)
    values = account_values(fields, 5)
    document = Composer(blank, fields).compose(values, signed_codes(uuid.uuid4(), 2), flatten=True)
    assert acro_fields(document.pdf) == []
    for field in fields[:6]:
        if isinstance(values.get(field.name), str):
            assert words_in(document.pdf, field) == values[field.name]
    assert len(read_page_codes(document.pdf, 2)) == 2


def test_a_refused_document_leaves_the_composer_ready_for_the_next():
    blank, fields = template(acroform=True)
    composer = Composer(blank, fields)
    text = next(f for f in fields if f.type == "text")
    with pytest.raises(FieldOverflow):
        composer.compose({text.name: "far too long for this field " * 20}, signed_codes(uuid.uuid4(), 2))
    document = composer.compose({text.name: "Riverside"}, signed_codes(uuid.uuid4(), 2)).pdf
    assert {f.name: f.value for f in acro_fields(document)}[text.name] == "Riverside"


def test_documents_are_valid_for_a_strict_reader():
    import pypdf

    for acroform in (True, False):
        blank, fields = template(acroform=acroform)
        document = Composer(blank, fields).compose(account_values(fields, 4), signed_codes(uuid.uuid4(), 2)).pdf
        reader = pypdf.PdfReader(io.BytesIO(document), strict=True)
        assert len(reader.pages) == 2
        for page in reader.pages:  # every object of every page resolves
            page.get_contents().get_data()
            for annotation in page.get("/Annots") or []:
                annotation.get_object()
