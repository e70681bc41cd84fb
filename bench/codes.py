"""Page codes on one core (docs/PERFORMANCE.md, "Codes"): signing and stamping a code on every page of
generated documents, then reading it back from simulated scans at 150 and 200 DPI, with zxing-cpp (what
PACT uses) beside pyzbar (QR codes) and pylibdmtx (DataMatrix), the alternatives it was chosen over.

    .venv/bin/python -m bench.codes [--documents 30] [--seed 5] [--sizes 15] [--symbologies datamatrix,qr]

Documents are the test corpus's templates filled in (tests/support/corpus.py), one to three pages each,
stamped where `placement` finds a free corner. Each page is scanned (tests/support/corpus_scan.py: ±3°,
shift, scale, blur, noise, dust, JPEG quality 35-85, 22 % of pages turned 90/180/270°) at each DPI and
put in a PDF as a scanner would. Reading a page is what intake does: take the scan image out of the PDF
(`render.scan_image`), find the code (`codes.read_codes`: corners first, then the whole page) and verify
it (`payload.decode_payload`); a page counts as read when its code decodes to its own generation and
page. The other decoders get the same images, in the same order of regions (`codes.search_regions`).
They are needed only here: `pip install pyzbar pylibdmtx` and Debian's libzbar0 and libdmtx0b
(`scripts/setup.sh test` installs them).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field

DPIS = (150, 200)
_PYLIBDMTX_TIMEOUT_MS = 1500  # per region; without a limit it spends 12-27 s on a whole page


@dataclass
class Tally:
    read: int = 0
    total: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, ok: bool, seconds: float) -> None:
        self.read += ok
        self.total += 1
        self.seconds.append(seconds)

    def row(self) -> str:
        times = sorted(self.seconds)
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        return (
            f"{self.read}/{self.total} | {1000 * statistics.median(times):.1f} ms | {1000 * p95:.1f} ms"
            f" | {1000 * times[-1]:.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--sizes", default="15", help="symbol sides in millimetres, comma-separated")
    parser.add_argument("--symbologies", default="datamatrix,qr")
    parser.add_argument("--no-compare", action="store_true", help="zxing-cpp only")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    import cv2

    cv2.setNumThreads(1)
    from pydantic import SecretStr

    from shared_code.pdf.codes import MM, CodeStyle, Symbology

    keys_setting = SecretStr("B:bench-codes-fixed-key-so-runs-repeat-0123456789")  # same seed, same symbols
    for name in args.symbologies.split(","):
        for size in (float(value) for value in args.sizes.split(",")):
            style = CodeStyle(symbology=Symbology(name), size=size * MM)
            run(style, keys_setting, documents=args.documents, seed=args.seed, compare=not args.no_compare)


def run(style, keys_setting, *, documents: int, seed: int, compare: bool) -> None:
    from shared_code.generation.payload import CodeKeys, CodePayload, encode_payload, readable_line
    from shared_code.pdf.codes import PageCode, stamp_codes
    from tests.support.corpus import filled_pdf, template_specs

    keys = CodeKeys.from_setting(keys_setting)
    rng = random.Random(seed)
    specs = template_specs()
    stamped, stamping, placed = [], [], []
    for _ in range(documents):
        data, _ = filled_pdf(rng.choice(specs), rng)
        generation = uuid.UUID(int=rng.getrandbits(128))
        pages = _page_count(data)
        start = time.perf_counter()
        texts = [encode_payload(CodePayload(generation, page, pages), keys) for page in range(1, pages + 1)]
        codes = [PageCode(text, readable_line(text)) for text in texts]
        out, stamps = stamp_codes(data, codes, style=style)
        placed.append((time.perf_counter() - start) / pages)
        # The next document of the same template: its pages' placements are known.
        start = time.perf_counter()
        texts = [encode_payload(CodePayload(generation, page, pages), keys) for page in range(1, pages + 1)]
        codes = [PageCode(text, readable_line(text)) for text in texts]
        stamp_codes(data, codes, style=style, positions=[stamp.placement for stamp in stamps])
        stamping.append((time.perf_counter() - start) / pages)
        stamped.append((out, generation, pages))
    page_total = sum(pages for _, _, pages in stamped)
    print(f"\n{style.symbology} {style.size / (72 / 25.4):.1f} mm: {len(stamped)} documents, {page_total} pages")
    print(
        f"sign + stamp a page, median: {1000 * statistics.median(stamping):.2f} ms at a known placement, "
        f"{1000 * statistics.median(placed):.2f} ms choosing a free corner"
    )
    for dpi in DPIS:
        results = read_back(stamped, dpi, style.symbology, keys, seed=seed, compare=compare)
        for name, tally in results.items():
            print(f"  {dpi} DPI {name:<28} read | median | p95 | max: {tally.row()}")


def read_back(stamped, dpi: int, symbology, keys, *, seed: int, compare: bool) -> dict[str, Tally]:
    from shared_code.pdf.codes import read_codes
    from shared_code.pdf.document import open_pdf
    from shared_code.pdf.render import scan_image
    from tests.pdf.test_codes import scanned_copy

    tallies = {"zxing-cpp (image + read)": Tally(), "zxing-cpp (read only)": Tally()}
    for number, (pdf, generation, pages) in enumerate(stamped):
        scans, _ = scanned_copy(pdf, dpi=dpi, seed=seed * 1000 + number)
        with open_pdf(scans) as document:
            for index in range(pages):
                start = time.perf_counter()
                image = scan_image(document, index, min_dpi=150)
                middle = time.perf_counter()
                found = read_codes(image, symbologies=(symbology,))
                end = time.perf_counter()
                ok = _verifies(found[0].text if found else None, keys, generation, index + 1)
                tallies["zxing-cpp (image + read)"].add(ok, end - start)
                tallies["zxing-cpp (read only)"].add(ok, end - middle)
                if compare:
                    for name, decoder in _alternatives(symbology).items():
                        start = time.perf_counter()
                        text = decoder(image)
                        elapsed = time.perf_counter() - start
                        tallies.setdefault(name, Tally()).add(_verifies(text, keys, generation, index + 1), elapsed)
    return tallies


def _verifies(text: str | None, keys, generation: uuid.UUID, page: int) -> bool:
    from shared_code.generation.payload import CodeRejected, decode_payload

    if text is None:
        return False
    try:
        payload = decode_payload(text, keys)
    except CodeRejected:
        return False
    return (payload.generation_id, payload.page) == (generation, page)


def _alternatives(symbology) -> dict:
    """The other decoders, each looking region by region as `read_codes` does."""
    from shared_code.pdf.codes import Symbology

    if symbology is Symbology.QR:
        return {"pyzbar": _pyzbar}
    return {"pylibdmtx": _pylibdmtx}


def _regions(image):
    import numpy as np

    from shared_code.pdf.codes import search_regions

    pixels = np.asarray(image)
    for left, top, right, bottom in search_regions(pixels.shape[1], pixels.shape[0]):
        yield np.ascontiguousarray(pixels[top:bottom, left:right])


def _pyzbar(image) -> str | None:
    from pyzbar import pyzbar

    for crop in _regions(image):
        for symbol in pyzbar.decode(crop, symbols=[pyzbar.ZBarSymbol.QRCODE]):
            return symbol.data.decode("ascii", "replace")
    return None


def _pylibdmtx(image) -> str | None:
    from pylibdmtx import pylibdmtx

    for crop in _regions(image):
        for symbol in pylibdmtx.decode(crop, timeout=_PYLIBDMTX_TIMEOUT_MS, max_count=1):
            return symbol.data.decode("ascii", "replace")
    return None


def _page_count(pdf: bytes) -> int:
    import io

    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


if __name__ == "__main__":
    main()
