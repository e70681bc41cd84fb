"""A deterministic corpus of templates, filled copies, scans and foreign pages, for recognition and
extraction tests and benchmarks (and the returns/intake tests that build on them).

    corpus = build_corpus(tmp_dir, seed=7, documents=220, foreign_rounds=4)
    corpus.templates            # {(key, version): Path of the blank template PDF}
    corpus.files                # CorpusFile(path, pages=(PageTruth, ...)): scanned batches and digital copies

Everything follows from the seed: the same seed gives the same bytes. Files are written under `root`
in a directory named after the generator version and the parameters, and a finished directory is
reused (so a session builds each corpus once).

- Templates (corpus_layouts.catalogue): 13 templates, 15 versions, 22 pages; several deliberately
  similar (four on one letterhead; two sharing page 1's body but for the title and differing on page 2;
  two revisions of two templates); some multi-page, one landscape, some with AcroForm fields, one
  delivered as an image-only scan.
- Filled copies: typed values of varied kinds in most slots, handwriting-like strokes in some, check
  marks, signatures.
- Scans (corpus_scan): 150-300 DPI, ±3° rotation, ±4 mm shift, ±3 % scale, blur, noise, dust, JPEG
  quality 35-85; ~14 % upside down and ~8 % sideways (some through /Rotate rather than pixels). Scanned
  pages are shuffled into multi-page batches, as returns arrive.
- Foreign pages: letters (on the templates' letterheads too), invoices, near-blank pages, and forms in
  the templates' style.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.support import corpus_fill, corpus_scan
from tests.support.corpus_layouts import TemplateSpec, catalogue, draw_page, foreign_layouts

GENERATOR_VERSION = 1
BATCH_PAGES = (4, 12)  # pages per scanned batch PDF
DIGITAL_SHARE = 0.1  # filled copies kept as digital PDFs (with a text layer) instead of scanned
FOREIGN_DIGITAL_SHARE = 0.2


@dataclass(frozen=True)
class PageTruth:
    template: str | None  # template key; None for a foreign page
    version: int
    page: int  # 1-based page of the template (of the foreign layout for a foreign page)
    rotation: int  # clockwise degrees the page is turned as shown
    kind: str  # "scan" | "digital", and for foreign pages the kind of page ("letter", "invoice", ...)
    typed: dict[str, str] | None = None  # typed values by slot name (extraction's ground truth)


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    pages: tuple[PageTruth, ...]


@dataclass(frozen=True)
class Corpus:
    seed: int
    templates: dict[tuple[str, int], Path]
    files: tuple[CorpusFile, ...]

    def pages(self) -> list[tuple[CorpusFile, int, PageTruth]]:
        return [(file, index, truth) for file in self.files for index, truth in enumerate(file.pages)]


def template_specs() -> list[TemplateSpec]:
    return catalogue()


def template_pdf(spec: TemplateSpec) -> bytes:
    """The blank template, as an admin would upload it (an image-only scan for `image_only` specs)."""
    data, _ = _draw(spec, acroform=spec.acroform)
    if not spec.image_only:
        return data
    scans = []
    for index in range(len(spec.pages)):
        gray = corpus_scan.render_gray(data, index, 200)
        scans.append(corpus_scan.Scan(_jpeg(gray), 200, (gray.shape[1], gray.shape[0]), 0))
    return corpus_scan.scans_to_pdf(scans)


def filled_pdf(
    spec: TemplateSpec, rng: random.Random, *, fill_share: float = 0.85, handwriting: float = 0.2
) -> tuple[bytes, list[dict[str, str]]]:
    """A filled copy of `spec` (values drawn on the page, AcroForm fields left out), and its typed values
    per page."""
    return _draw(spec, acroform=False, fill=(rng, fill_share, handwriting))


def build_corpus(root: Path, *, seed: int, documents: int = 220, foreign_rounds: int = 4) -> Corpus:
    """The corpus of `seed` under `root`, built once (see the module's docstring)."""
    folder = root / f"corpus-g{GENERATOR_VERSION}-s{seed}-d{documents}-f{foreign_rounds}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        return _load(folder, json.loads(manifest.read_text()))
    folder.mkdir(parents=True, exist_ok=True)
    specs = template_specs()
    templates = {}
    for spec in specs:
        path = folder / f"template-{spec.key}-v{spec.version}.pdf"
        path.write_bytes(template_pdf(spec))
        templates[(spec.key, spec.version)] = path
    rng = random.Random(seed)
    scanned: list[tuple[corpus_scan.Scan, PageTruth]] = []
    files: list[CorpusFile] = []
    for number in range(documents):
        spec = rng.choice(specs)
        data, typed = filled_pdf(spec, rng, fill_share=rng.uniform(0.5, 1.0), handwriting=rng.uniform(0, 0.4))
        if rng.random() < DIGITAL_SHARE:
            path = folder / f"digital-{number:04d}.pdf"
            path.write_bytes(data)
            files.append(
                CorpusFile(
                    path,
                    tuple(
                        PageTruth(spec.key, spec.version, page + 1, 0, "digital", typed[page])
                        for page in range(len(spec.pages))
                    ),
                )
            )
            continue
        for page in range(len(spec.pages)):
            scan = corpus_scan.scan_page(data, page, rng)
            scanned.append((scan, PageTruth(spec.key, spec.version, page + 1, scan.rotation, "scan", typed[page])))
    for round_ in range(foreign_rounds):
        for spec, kind in foreign_layouts(seed * 31 + round_):
            data, _ = filled_pdf(spec, rng, fill_share=0.7, handwriting=0.2)
            if rng.random() < FOREIGN_DIGITAL_SHARE:
                path = folder / f"foreign-{round_}-{spec.key}.pdf"
                path.write_bytes(data)
                files.append(CorpusFile(path, (PageTruth(None, 0, 1, 0, kind),)))
                continue
            scan = corpus_scan.scan_page(data, 0, rng)
            scanned.append((scan, PageTruth(None, 0, 1, scan.rotation, kind)))
    rng.shuffle(scanned)
    start, batch = 0, 0
    while start < len(scanned):
        size = rng.randint(*BATCH_PAGES)
        chunk = scanned[start : start + size]
        path = folder / f"batch-{batch:03d}.pdf"
        path.write_bytes(corpus_scan.scans_to_pdf([scan for scan, _ in chunk]))
        files.append(CorpusFile(path, tuple(truth for _, truth in chunk)))
        start, batch = start + size, batch + 1
    corpus = Corpus(seed, templates, tuple(files))
    manifest.write_text(json.dumps(_dump(corpus)))
    return corpus


def _draw(spec: TemplateSpec, *, acroform: bool, fill=None) -> tuple[bytes, list[dict[str, str]]]:
    from reportlab.pdfgen import canvas as pdf_canvas

    out = io.BytesIO()
    canvas = pdf_canvas.Canvas(out, pagesize=spec.size, invariant=1)
    canvas.setTitle(spec.name)
    typed = []
    for number in range(1, len(spec.pages) + 1):
        drawn = draw_page(canvas, spec, number, acroform=acroform)
        typed.append(
            corpus_fill.fill_slots(canvas, drawn.slots, fill[0], fill_share=fill[1], handwriting=fill[2])
            if fill
            else {}
        )
        canvas.showPage()
    canvas.save()
    return out.getvalue(), typed


def _jpeg(gray) -> bytes:
    import cv2

    return cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


def _dump(corpus: Corpus) -> dict:
    return {
        "seed": corpus.seed,
        "templates": [[key, version, path.name] for (key, version), path in corpus.templates.items()],
        "files": [[file.path.name, [asdict(truth) for truth in file.pages]] for file in corpus.files],
    }


def _load(folder: Path, manifest: dict) -> Corpus:
    templates = {(key, version): folder / name for key, version, name in manifest["templates"]}
    files = tuple(
        CorpusFile(folder / name, tuple(PageTruth(**truth) for truth in pages)) for name, pages in manifest["files"]
    )
    return Corpus(manifest["seed"], templates, files)


def index_templates(corpus: Corpus) -> list[tuple[object, bytes]]:
    """(TemplatePageRef, fingerprint) for every page of every corpus template, as indexing stores them."""
    from shared_code.templates.analysis import analyse_template
    from shared_code.templates.recognition import TemplatePageRef

    pages = []
    for (key, version), path in sorted(corpus.templates.items()):
        for page in analyse_template(path.read_bytes()).pages:
            pages.append((TemplatePageRef(key, version, page.number), page.fingerprint))
    return pages


def spec_named(key: str, version: int = 1) -> TemplateSpec:
    return next(spec for spec in template_specs() if spec.key == key and spec.version == version)
