"""Large-file upload: a 200 MB PDF put through a write-only link into Azurite, then the server's `complete`
step (stream the blob to check and hash it, read the pages, copy it server-side, register the document).

    .venv/bin/python -m bench.upload [--size-mb 200] [--block-mib 4] [--put-concurrency 1] [--runs 3]

It starts a private Azurite and uses a temporary SQLite database. The `complete` step runs in a child
process of its own, so its memory is measured alone: the child imports everything and completes a small
upload first (idle = the RSS after that), then completes the large one while its RSS is sampled every
2 ms; the kernel's high-water mark (VmHWM, reset through /proc/self/clear_refs) confirms the peak.
Targets (issue 4): peak under 150 MB above idle; 50 MB/s or more into Azurite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import BinaryIO

MiB = 1024 * 1024
_TEXT = b"BT /F1 24 Tf 72 700 Td (PACT upload benchmark) Tj ET"


def write_padded_pdf(target: BinaryIO | Path, size_bytes: int) -> int:
    """Write a valid one-page PDF of about `size_bytes`, padded by one large stream object of random bytes
    (as incompressible as a scan), without ever holding more than a few MiB. Returns the size written."""
    if isinstance(target, Path):
        with target.open("wb") as file:
            return write_padded_pdf(file, size_bytes)
    offsets: list[int] = []
    written = 0

    def emit(data: bytes) -> None:
        nonlocal written
        target.write(data)
        written += len(data)

    def obj(body: bytes) -> None:
        offsets.append(written)
        emit(f"{len(offsets)} 0 obj\n".encode() + body + b"\nendobj\n")

    emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    obj(b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    obj(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>")
    obj(b"<< /Length %d >>\nstream\n" % len(_TEXT) + _TEXT + b"\nendstream")
    obj(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    padding = max(0, size_bytes - written - 400)
    offsets.append(written)
    emit(b"6 0 obj\n<< /Length %d >>\nstream\n" % padding)
    remaining = padding
    while remaining:
        chunk = os.urandom(min(remaining, 4 * MiB))
        emit(chunk)
        remaining -= len(chunk)
    emit(b"\nendstream\nendobj\n")
    xref = written
    emit(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    for offset in offsets:
        emit(b"%010d 00000 n \n" % offset)
    emit(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return written


# -- the child: the server's `complete` step, measured alone -------------------------------------


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _high_water_mark() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def _reset_high_water_mark() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def _complete(app, tenant_id: uuid.UUID, upload_id: uuid.UUID):
    from shared_code.documents import schemas as s
    from shared_code.documents.uploads import complete_upload

    with app.unit_of_work(tenant_id=tenant_id) as uow:
        document, _ = complete_upload(app, uow.session, tenant_id=tenant_id, upload_id=upload_id,
                                      file_name="bench.pdf", metadata=s.DocumentMetadata())
        uow.commit()
    return document


def child(tenant_id: str, warm_up_id: str, upload_id: str) -> None:
    from shared_code.core.bootstrap import Container

    app = Container.from_environ(os.environ)
    _complete(app, uuid.UUID(tenant_id), uuid.UUID(warm_up_id))  # imports, connections, PDFium: all loaded
    idle = _rss()
    hwm_reset = _reset_high_water_mark()
    peak, sampling = idle, True

    def sample() -> None:
        nonlocal peak
        while sampling:
            peak = max(peak, _rss())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    document = _complete(app, uuid.UUID(tenant_id), uuid.UUID(upload_id))
    seconds = time.perf_counter() - started
    sampling = False
    sampler.join()
    print(json.dumps({"idle": idle, "peak_sampled": peak, "peak_hwm": _high_water_mark() if hwm_reset else None,
                      "seconds": seconds, "size": document.size_bytes, "pages": document.page_count}))


# -- the parent: Azurite, the file, the client's PUT ----------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--block-mib", type=int, default=4)
    parser.add_argument("--put-concurrency", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("TENANT", "WARM_UP", "UPLOAD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    from azure.storage.blob import BlobClient

    from shared_code.core import migrate
    from shared_code.core.bootstrap import Container
    from shared_code.documents import schemas as s
    from shared_code.documents.uploads import start_upload
    from tests.support import services
    from tests.support.api import seed_tenant

    workdir = Path(tempfile.mkdtemp(prefix="pact-bench-upload-"))
    azurite = services.start_azurite(workdir / "azurite")
    try:
        environ = {
            "AzureWebJobsStorage": azurite.connection_string,
            "PACT_DATABASE_URL": f"sqlite:///{workdir / 'pact.db'}",
            "PACT_MAX_UPLOAD_BYTES": str((args.size_mb + 16) * MiB),
            "PACT_LOG_LEVEL": "WARNING",
        }
        migrate.upgrade(environ["PACT_DATABASE_URL"])
        app = Container.from_environ(environ)
        app.ensure_storage()
        tenant = seed_tenant(app, roles=("User",))
        pdf = workdir / "big.pdf"
        size = write_padded_pdf(pdf, args.size_mb * MiB)
        print(f"file: {size / 1e6:.1f} MB; PUT in {args.block_mib} MiB blocks, concurrency {args.put_concurrency}")

        def put(path_or_bytes) -> tuple[uuid.UUID, float]:
            ticket = start_upload(app, tenant_id=tenant.id, plan=s.UploadStart())
            blob = BlobClient.from_blob_url(ticket.upload_url, max_block_size=args.block_mib * MiB,
                                            max_single_put_size=args.block_mib * MiB)
            started = time.perf_counter()
            if isinstance(path_or_bytes, Path):
                with path_or_bytes.open("rb") as file:
                    blob.upload_blob(file, overwrite=True, max_concurrency=args.put_concurrency)
            else:
                blob.upload_blob(path_or_bytes, overwrite=True)
            return ticket.upload_id, time.perf_counter() - started

        from tests.documents.pdfs import make_pdf

        for run in range(1, args.runs + 1):
            warm_up, _ = put(make_pdf(1, marker=f"warm-up {run}"))
            upload_id, put_seconds = put(pdf)
            result = subprocess.run(
                [sys.executable, "-m", "bench.upload", "--child", str(tenant.id), str(warm_up), str(upload_id)],
                env={**os.environ, **environ}, capture_output=True, text=True, check=True,
            )
            measured = json.loads(result.stdout.strip().splitlines()[-1])
            above_sampled = (measured["peak_sampled"] - measured["idle"]) / MiB
            above_hwm = (measured["peak_hwm"] - measured["idle"]) / MiB if measured["peak_hwm"] else float("nan")
            print(f"run {run}: PUT {size / put_seconds / 1e6:.0f} MB/s ({put_seconds:.2f} s); "
                  f"complete {size / measured['seconds'] / 1e6:.0f} MB/s ({measured['seconds']:.2f} s); "
                  f"end to end {size / (put_seconds + measured['seconds']) / 1e6:.0f} MB/s; "
                  f"idle RSS {measured['idle'] / MiB:.0f} MiB, peak above idle {above_sampled:.1f} MiB sampled, "
                  f"{above_hwm:.1f} MiB by VmHWM; pages {measured['pages']}")
    finally:
        azurite.stop()
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
