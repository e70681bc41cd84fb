"""Aligning a scan to its template page: known offsets, scales (+-3 %), small turns (+-3 deg), half and
quarter turns, different resolutions, found to within a point; ECC when features do not settle it;
a page that is not the template said so. And page points mapped to the pixels of the page as shown."""

from __future__ import annotations

import random

import numpy as np
import pytest

from shared_code.pdf import align
from shared_code.pdf.align import Reference, align_page, apply, page_frame
from shared_code.pdf.document import open_pdf
from shared_code.pdf.render import render_page
from shared_code.pdf.text import page_words
from tests.pdf.samples import text_pdf
from tests.support import corpus_scan
from tests.support.corpus import filled_pdf, template_pdf, template_specs

SPECS = {spec.key: spec for spec in template_specs()}
REFERENCE_DPI = 150
# Points of a letter page (template pixels at REFERENCE_DPI) where the fit is checked: near the corners.
PROBES = np.array([[60, 60], [550, 60], [60, 730], [550, 730]], float) * REFERENCE_DPI / 72


def scanned(
    key: str, seed: int, *, dpi: int, angle: float, scale: float, shift: tuple[float, float], turn: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A filled copy of template `key` as a scanner at `dpi` would deliver it, moved by a known transform;
    and that transform (3x3, template pixels at REFERENCE_DPI -> scan pixels)."""
    import cv2

    data, _ = filled_pdf(SPECS[key], random.Random(seed))
    page = corpus_scan.render_gray(data, 0, dpi)
    height, width = page.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scale)
    matrix[:, 2] += shift
    moved = cv2.warpAffine(page, matrix, (width, height), borderValue=255)
    truth = np.vstack([matrix, [0, 0, 1]]) @ align._resize_matrix(dpi / REFERENCE_DPI)
    if turn == 180:
        moved = np.ascontiguousarray(moved[::-1, ::-1])
        truth = np.array([[-1.0, 0, width - 1], [0, -1, height - 1], [0, 0, 1]]) @ truth
    elif turn == 90:
        moved = np.ascontiguousarray(np.rot90(moved, -1))
        truth = np.array([[0.0, -1, height - 1], [1, 0, 0], [0, 0, 1]]) @ truth
    noisy = moved.astype(np.float32) + np.random.default_rng(seed).normal(0, 8, moved.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8), truth


def reference(key: str) -> Reference:
    return Reference(corpus_scan.render_gray(template_pdf(SPECS[key]), 0, REFERENCE_DPI), REFERENCE_DPI)


def error_points(found: np.ndarray, truth: np.ndarray, dpi: int) -> float:
    """The largest distance, in points, between where `found` and `truth` put the probes."""
    return float(np.abs(apply(found, PROBES) - apply(truth, PROBES)).max() * 72 / dpi)


@pytest.mark.parametrize(
    ("key", "dpi", "angle", "scale", "shift", "turn"),
    [
        ("participation", 150, 2.7, 1.03, (-14.0, 9.0), 0),
        ("commitment", 300, -2.9, 0.97, (30.0, -25.0), 0),
        ("price_activation", 200, 1.5, 1.01, (8.0, 12.0), 180),
        ("tax", 200, -1.2, 0.98, (-10.0, -6.0), 180),
        ("rebate", 240, 0.8, 1.02, (5.0, 5.0), 90),
        ("contact_update", 150, -2.0, 1.0, (0.0, 20.0), 0),  # a template that is itself a scan
    ],
    ids=["letter-150", "letter-300", "landscape-turned", "courier-turned", "sideways", "image-template"],
)
def test_a_scan_is_aligned_to_within_a_point(key, dpi, angle, scale, shift, turn):
    scan, truth = scanned(key, 3, dpi=dpi, angle=angle, scale=scale, shift=shift, turn=turn)
    alignment = align_page(reference(key), scan, dpi=dpi)
    assert alignment.method == "features"
    assert error_points(alignment.matrix, truth, dpi) < 1.0
    assert alignment.rotation == turn and alignment.quality > 0.7


def test_without_agreeing_features_ecc_from_each_quarter_turn_aligns_the_page(monkeypatch):
    monkeypatch.setattr(align, "_by_features", lambda *_: None)  # as on a page whose features do not agree
    for turn in (0, 180):
        scan, truth = scanned("termination", 5, dpi=200, angle=2.5, scale=1.02, shift=(15.0, -12.0), turn=turn)
        alignment = align_page(reference("termination"), scan, dpi=200)
        assert (alignment.method, alignment.rotation) == ("ecc", turn)
        assert error_points(alignment.matrix, truth, 200) < 1.0


def test_a_page_with_nothing_of_the_template_is_not_aligned():
    blank = np.full((1650, 1275), 250, np.uint8)
    alignment = align_page(reference("commitment"), blank, dpi=150)
    assert (alignment.method, alignment.quality) == ("none", 0.0)


def test_the_template_is_prepared_once():
    prepared = reference("pharmacy")
    features = prepared.features
    for seed in (1, 2):
        scan, _ = scanned("pharmacy", seed, dpi=200, angle=1.0, scale=1.0, shift=(0.0, 0.0))
        align_page(prepared, scan, dpi=200)
    assert prepared.features is features


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_page_points_land_on_the_pixels_of_the_page_as_shown(rotate):
    import io

    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(text_pdf()))
    writer.pages[0].rotate(rotate)  # /Rotate: shown turned clockwise, the page's own space unchanged
    out = io.BytesIO()
    writer.write(out)
    with open_pdf(out.getvalue()) as pdf:
        frame = page_frame(pdf, 0)
        word = next(w for w in page_words(pdf, 0) if w.text == "Participation")
        image = np.asarray(render_page(pdf, 0, dpi=100))
    assert (frame.left, frame.bottom, frame.right, frame.top, frame.rotation) == (0, 0, 612, 792, rotate)
    assert image.shape == ((850, 1100) if rotate % 180 else (1100, 850))
    corners = apply(frame.to_pixels(100), [word.box[:2], word.box[2:]])
    (left, top), (right, bottom) = corners.min(axis=0).round().astype(int), corners.max(axis=0).round().astype(int)
    inside = image[top:bottom, left:right]
    assert inside.size and (inside < 128).mean() > 0.15  # the word's ink is where its box says
    assert np.allclose(apply(frame.to_points(100), corners), [word.box[:2], word.box[2:]])
