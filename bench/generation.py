"""Generation: a batch of account documents from one 2-page template, filled and stamped, on one core.

    .venv/bin/python -m bench.generation [--accounts 1000] [--template participation]

For a drawn template and the same template as an AcroForm, each in a fresh child process pinned to one
CPU: build a `Composer` (the template parsed once), then for every account make its values
(tests/support/corpus_fill.py: names, addresses, dates, numbers, ticks), sign a code per page
(`encode_payload`), compose the document, hash it (sha256, as the Generation row keeps) and write it to a
temporary folder. Storage (Azurite) is left out: the batch pipeline measures that.
Reports documents per second over the batch (the first document, which finds the free corners,
included), the median and p95 per document, the output size, and memory: RSS after imports and the
template parsed, and the peak (the kernel's high-water mark, VmHWM).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def run_batch(key: str, acroform: bool, accounts: int) -> dict:
    import dataclasses
    import hashlib
    import random
    import tempfile
    import uuid
    from pathlib import Path

    from pydantic import SecretStr

    from shared_code.generation.payload import CodeKeys, CodePayload, encode_payload, readable_line
    from shared_code.pdf.codes import PageCode
    from shared_code.pdf.compose import Composer
    from shared_code.pdf.fill import FieldOverflow
    from tests.support.corpus import spec_named, template_pdf
    from tests.support.corpus_fill import value_for
    from tests.templates.corpus_fields import corpus_fields

    spec = dataclasses.replace(spec_named(key), acroform=acroform)
    template, fields = template_pdf(spec), corpus_fields(spec)
    keys = CodeKeys.from_setting(SecretStr("B:" + "b" * 40))
    rng = random.Random(6)
    batch = []
    for _ in range(accounts):  # the accounts' data, as the batch would read it from the database
        batch.append(
            {
                f.name: rng.random() < 0.5 if f.type == "checkbox" else value_for(f.name, rng)
                for f in fields
                if f.type != "signature"
            }
        )
    started = time.perf_counter()
    composer = Composer(template, fields)
    prepared = time.perf_counter() - started
    idle = _rss_kib("VmRSS")
    times, sizes, refused = [], [], 0
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        for values in batch:
            one = time.perf_counter()
            generation = uuid.uuid4()
            pages = composer.page_count
            texts = [encode_payload(CodePayload(generation, page, pages), keys) for page in range(1, pages + 1)]
            try:
                pdf = composer.compose(values, [PageCode(text, readable_line(text)) for text in texts]).pdf
            except FieldOverflow:  # that account's document fails, not the batch
                refused += 1
                continue
            digest = hashlib.sha256(pdf).hexdigest()
            Path(folder, f"{generation}.pdf").write_bytes(pdf)
            times.append(time.perf_counter() - one)
            sizes.append(len(pdf))
            del digest
        total = time.perf_counter() - began
    ordered = sorted(times)
    return {
        "template": f"{key} ({'AcroForm' if acroform else 'drawn'}, {len(spec.pages)} p, {len(fields)} fields)",
        "template_kb": round(len(template) / 1024, 1),
        "prepare_ms": round(prepared * 1000, 1),
        "documents": len(times),
        "refused": refused,
        "docs_per_s": round(len(times) / total, 1),
        "first_ms": round(times[0] * 1000, 1),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
        "kb_per_doc": round(statistics.mean(sizes) / 1024, 1),
        "rss_idle_mib": round(idle / 1024, 1),
        "rss_peak_mib": round(_rss_kib("VmHWM") / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--template", default="participation")
    parser.add_argument("--child", choices=["drawn", "acroform"])
    args = parser.parse_args()
    if args.child:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        print(json.dumps(run_batch(args.template, args.child == "acroform", args.accounts)))
        return
    for kind in ("drawn", "acroform"):
        command = [sys.executable, "-m", "bench.generation", "--child", kind]
        command += ["--accounts", str(args.accounts), "--template", args.template]
        result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        print("  ".join(f"{key}={value}" for key, value in result.items()))


if __name__ == "__main__":
    main()
