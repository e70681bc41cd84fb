"""Recognising single pages: digital copies by their words, scans by their ink, in any quarter turn, from
PDFs and images; close versions told apart by OCR of the difference; bad input refused."""

from __future__ import annotations

import io
import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from shared_code.core.errors import Unprocessable
from shared_code.templates import recognition
from shared_code.templates.recognition import Recognizer, TemplatePageRef
from tests.documents import pdfs
from tests.support import corpus_scan
from tests.support.corpus import filled_pdf, spec_named, template_pdf, template_specs


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    from shared_code.templates.analysis import analyse_template

    pages = []
    for spec in template_specs():
        for page in analyse_template(template_pdf(spec)).pages:
            pages.append((TemplatePageRef(spec.key, spec.version, page.number), page.fingerprint))
    return Recognizer(pages)


def _scan(key: str, version: int = 1, page: int = 0, *, seed: int = 3, turn: int = 0, page_rotate: int = 0) -> bytes:
    """A filled copy's page, scanned with the corpus's scanner, turned by `turn` in pixels or by /Rotate."""
    data, _ = filled_pdf(spec_named(key, version), random.Random(seed))
    scan = corpus_scan.scan_page(data, page, random.Random(seed), turns=False)
    if turn:
        gray = np.asarray(Image.open(io.BytesIO(scan.jpeg)))
        gray = np.ascontiguousarray(np.rot90(gray, -(turn // 90)))
        scan = corpus_scan.Scan(_jpeg(gray), scan.dpi, (gray.shape[1], gray.shape[0]), turn)
    if page_rotate:
        scan = corpus_scan.Scan(scan.jpeg, scan.dpi, scan.size, page_rotate, page_rotate)
    return corpus_scan.scans_to_pdf([scan])


def _jpeg(gray: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(gray).save(out, format="JPEG", quality=80)
    return out.getvalue()


def test_a_digital_copy_is_recognised_page_by_page_from_its_words(recognizer):
    data, _ = filled_pdf(spec_named("vendor"), random.Random(1))
    answers = recognizer.recognize_pdf(data)
    assert [(a.index, a.ref, a.rotation) for a in answers] == [
        (page - 1, TemplatePageRef("vendor", 1, page), 0) for page in (1, 2, 3)
    ]
    assert all(a.confidence > 0.9 for a in answers)


@pytest.mark.parametrize(("turn", "page_rotate"), [(0, 0), (180, 0), (90, 0), (270, 0), (0, 90), (0, 180)])
def test_a_scan_is_recognised_with_how_it_is_turned(recognizer, turn, page_rotate):
    (answer,) = recognizer.recognize_pdf(_scan("pharmacy", turn=turn, page_rotate=page_rotate))
    assert answer.ref == TemplatePageRef("pharmacy", 1, 1)
    assert answer.rotation == (turn or page_rotate)
    assert answer.confidence > 0.9
    assert answer.runner_up is not None and answer.runner_up.template_id != "pharmacy"
    assert answer.runner_up.confidence < 0.5


def test_a_landscape_template_is_recognised_when_scanned_sideways(recognizer):
    (answer,) = recognizer.recognize_pdf(_scan("price_activation", turn=90))
    assert (answer.ref, answer.rotation) == (TemplatePageRef("price_activation", 1, 1), 90)


@pytest.mark.parametrize("version", [1, 2])
def test_two_versions_whose_page_differs_only_by_its_revision_mark_are_told_apart(recognizer, version):
    (answer,) = recognizer.recognize_pdf(_scan("participation", version, page=1, seed=version))
    assert answer.ref == TemplatePageRef("participation", version, 2)


def test_two_templates_sharing_a_body_but_for_the_title_are_told_apart(recognizer):
    (dental,) = recognizer.recognize_pdf(_scan("membership_dental"))
    (general,) = recognizer.recognize_pdf(_scan("membership"))
    assert dental.ref == TemplatePageRef("membership_dental", 1, 1)
    assert general.ref == TemplatePageRef("membership", 1, 1)


def test_a_page_of_no_template_is_unknown_with_the_nearest_template_as_runner_up(recognizer):
    from tests.support.corpus_layouts import foreign_layouts

    spec, _ = foreign_layouts(5)[0]  # a letter on one of the templates' letterheads
    data, _ = filled_pdf(spec, random.Random(2))
    scanned = corpus_scan.scans_to_pdf([corpus_scan.scan_page(data, 0, random.Random(2), turns=False)])
    for answer in (*recognizer.recognize_pdf(data), *recognizer.recognize_pdf(scanned)):
        assert answer.ref is None
        assert answer.runner_up is not None and answer.runner_up.confidence < 0.5


def test_images_are_recognised_by_content_png_jpeg_and_every_tiff_frame(recognizer):
    pages = [Image.fromarray(corpus_scan.render_gray(_scan(key), 0, 150)) for key in ("tax", "termination")]
    png, jpeg, tiff = io.BytesIO(), io.BytesIO(), io.BytesIO()
    pages[0].save(png, format="PNG")
    pages[1].save(jpeg, format="JPEG", quality=70)
    pages[0].save(tiff, format="TIFF", save_all=True, append_images=[pages[1].rotate(180)], dpi=(150, 150))
    tax, termination = TemplatePageRef("tax", 1, 1), TemplatePageRef("termination", 1, 1)
    assert [a.ref for a in recognizer.recognize_file(png.getvalue())] == [tax]
    assert [a.ref for a in recognizer.recognize_file(jpeg.getvalue())] == [termination]
    answers = recognizer.recognize_file(tiff.getvalue())
    assert [(a.index, a.ref, a.rotation) for a in answers] == [(0, tax, 0), (1, termination, 180)]


def test_recognition_gives_the_same_answers_from_several_threads(recognizer):
    files = [_scan("rebate", page=1, seed=seed) for seed in range(4)] + [
        filled_pdf(spec_named("commitment"), random.Random(9))[0]
    ]
    alone = [recognizer.recognize_pdf(data) for data in files]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(recognizer.recognize_pdf, files * 2))
    assert together == alone * 2


def test_without_templates_every_page_is_unknown():
    empty = Recognizer([])
    assert [(a.ref, a.confidence) for a in empty.recognize_pdf(pdfs.make_pdf(2))] == [(None, 0.0)] * 2


def test_a_fingerprint_that_cannot_be_read_is_skipped_not_fatal(recognizer, caplog):
    kept = Recognizer([(TemplatePageRef("old", 1, 1), b"PFP\x00 stale"), (TemplatePageRef("bad", 1, 1), b"")])
    assert len(kept) == 0
    assert "cannot be read" in caplog.text


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"GIF89a" + b"\x00" * 64, "not a PDF, PNG, JPEG or TIFF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "damaged"),
        (pdfs.encrypt(pdfs.make_pdf(1)), "encrypted"),
        (pdfs.damaged_pdf(), "damaged"),
    ],
)
def test_bad_files_are_refused_as_unprocessable(recognizer, data, says):
    with pytest.raises(Unprocessable, match=says):
        recognizer.recognize_file(data)


def test_a_non_pdf_given_as_a_pdf_is_refused_as_unprocessable(recognizer):
    with pytest.raises(Unprocessable, match="not a PDF"):
        recognizer.recognize_pdf(b"hello")


def test_an_image_too_large_to_read_is_refused(recognizer, monkeypatch):
    monkeypatch.setattr(recognition, "MAX_IMAGE_PIXELS", 10_000)
    out = io.BytesIO()
    Image.new("L", (200, 200), 255).save(out, format="PNG")
    with pytest.raises(Unprocessable, match="too large"):
        recognizer.recognize_file(out.getvalue())
