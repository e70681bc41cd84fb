"""Template recognition and indexing speed, on one core (docs/PERFORMANCE.md, "Template recognition").

    .venv/bin/python -m bench.recognition [--seed 11] [--documents 60]

Builds a corpus (tests/support/corpus.py) in a temporary directory, indexes every template
(`analyse_template`, timed per template), then recognises every page one at a time, timing text-layer
pages (digital copies) and scanned pages apart; a scanned page's time includes reading its image out of
the PDF. The process is pinned to one CPU and tesseract to one thread.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--foreign-rounds", type=int, default=1)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    os.environ["OMP_THREAD_LIMIT"] = "1"

    import cv2

    from shared_code.pdf.document import open_pdf
    from shared_code.templates.analysis import analyse_template
    from shared_code.templates.recognition import Recognizer, TemplatePageRef
    from tests.support.corpus import build_corpus

    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory() as root:
        corpus = build_corpus(Path(root), seed=args.seed, documents=args.documents, foreign_rounds=args.foreign_rounds)
        pages, indexing = [], {}
        for (key, version), path in sorted(corpus.templates.items()):
            data = path.read_bytes()
            start = time.perf_counter()
            analysis = analyse_template(data)
            indexing[f"{key} v{version}"] = (time.perf_counter() - start, analysis)
            pages += [(TemplatePageRef(key, version, p.number), p.fingerprint) for p in analysis.pages]
        start = time.perf_counter()
        recognizer = Recognizer(pages)
        build = time.perf_counter() - start
        timings: dict[str, list[float]] = {"digital": [], "scan": []}
        right = total = 0
        for file in corpus.files:
            with open_pdf(file.path.read_bytes()) as pdf:
                for index, truth in enumerate(file.pages):
                    start = time.perf_counter()
                    answer = recognizer._recognize_pdf_page(pdf, index)  # one page, as recognize_pdf does
                    timings["digital" if truth.kind == "digital" else "scan"].append(time.perf_counter() - start)
                    got = (answer.ref.template_id, answer.ref.version, answer.ref.page) if answer.ref else None
                    right += got == ((truth.template, truth.version, truth.page) if truth.template else None)
                    total += 1

    print(f"recognizer built from {len(pages)} template pages in {build * 1000:.1f} ms")
    for kind, values in timings.items():
        values.sort()
        print(
            f"{kind:8s} pages {len(values):4d}: median {statistics.median(values) * 1000:7.1f} ms, "
            f"p95 {values[int(len(values) * 0.95)] * 1000:7.1f} ms, max {values[-1] * 1000:7.1f} ms"
        )
    print(f"right answers {right}/{total}")
    for name, (seconds, analysis) in indexing.items():
        sources = ",".join(sorted({p.text_source for p in analysis.pages}))
        sizes = "/".join(str(len(p.fingerprint)) for p in analysis.pages)
        print(
            f"index {name:22s} {analysis.page_count} page(s) {seconds * 1000:7.0f} ms  text {sources:6s} "
            f"fingerprint bytes {sizes}"
        )


if __name__ == "__main__":
    main()
