"""Fields: how long filling, field detection, alignment and extraction take, on the test corpus.

    .venv/bin/python -m bench.fields [--seed 17] [--documents 30]

- fill: `fill_pdf` with every field set, per document (generation fills one per account): a drawn
  template (Distributor Designation, text drawn in the rectangles) and an AcroForm one (Membership
  Application, two pages: the form filled with PACT's appearances);
- detect: `detect_fields` per template, for the drawn templates and the scanned one (OCR);
- align: `align_page` per scanned page (the scan taken out of the PDF; the template page prepared once);
- extract: `extract_fields` per scanned page, all its fields (alignment, ink, one tesseract run).
Medians and 90th percentiles, on one core (the process pinned to one CPU, tesseract and OpenCV to one
thread).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def _report(name: str, samples: list[float], unit: str = "ms") -> None:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    print(
        f"{name:<34} median {statistics.median(ordered) * 1000:8.1f} {unit}, p90 {p90 * 1000:8.1f} {unit}, "
        f"n={len(ordered)}"
    )


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import cv2
    import numpy as np

    cv2.setNumThreads(1)

    from shared_code.pdf.align import Reference, align_page
    from shared_code.pdf.document import open_pdf, page_size
    from shared_code.pdf.fill import fill_pdf
    from shared_code.pdf.render import scan_image
    from shared_code.templates.detection import detect_fields
    from shared_code.templates.extraction import REFERENCE_DPI, PreparedTemplate, extract_fields
    from tests.support.corpus import build_corpus, template_pdf, template_specs
    from tests.templates.corpus_fields import corpus_fields

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--documents", type=int, default=30)
    args = parser.parse_args()
    specs = {(spec.key, spec.version): spec for spec in template_specs()}

    for key, label in (
        ("distributor", "fill, drawn (1 p, 44 fields) / doc"),
        ("membership", "fill, AcroForm (2 p, 44 fields) / doc"),
    ):
        template, fields = template_pdf(specs[(key, 1)]), corpus_fields(specs[(key, 1)])
        values = {
            f.name: True if f.type == "checkbox" else None if f.type == "signature" else "Riverside Clinic"
            for f in fields
        }
        fill_pdf(template, values, fields)
        _report(label, [_timed(lambda t=template, v=values, f=fields: fill_pdf(t, v, f)) for _ in range(40)])

    drawn = [template_pdf(spec) for spec in specs.values() if not spec.image_only]
    _report("detect / drawn template", [_timed(lambda d=d: detect_fields(d)) for d in drawn])
    scanned = [template_pdf(spec) for spec in specs.values() if spec.image_only]
    _report("detect / scanned template (OCR)", [_timed(lambda d=d: detect_fields(d)) for d in scanned * 3])

    with tempfile.TemporaryDirectory() as folder:
        corpus = build_corpus(Path(folder), seed=args.seed, documents=args.documents, foreign_rounds=0)
        prepared = {key: PreparedTemplate(path.read_bytes()) for key, path in corpus.templates.items()}
        aligning, extracting = [], []
        for file in corpus.files:
            data = file.path.read_bytes()
            for index, truth in enumerate(file.pages):
                key = (truth.template, truth.version)
                page_fields = [f for f in corpus_fields(specs[key]) if f.page == truth.page]
                if truth.kind != "scan" or not page_fields:
                    continue
                reference: Reference = prepared[key].page(truth.page).reference
                with open_pdf(data) as pdf:
                    image = scan_image(pdf, index)
                    dpi = image.width / (page_size(pdf, index)[0] / 72)
                gray = np.asarray(image)
                aligning.append(_timed(lambda g=gray, r=reference, d=dpi: align_page(r, g, dpi=d)))
                extracting.append(
                    _timed(
                        lambda d=data, k=key, f=page_fields, i=index, t=truth: extract_fields(
                            d, prepared[k], f, page_map={t.page: i + 1}
                        )
                    )
                )
    _report(f"align / scanned page (ref {REFERENCE_DPI} DPI)", aligning)
    _report("extract / scanned page", extracting)


if __name__ == "__main__":
    main()
