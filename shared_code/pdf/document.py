"""Opening a PDF for reading: what is refused and why, and the lock that keeps PDFium single-threaded.

A PDF is opened from a path when it is on disk (PDFium then reads only the objects it needs) or from
bytes. Damaged, encrypted and empty PDFs are refused with `Unprocessable`; content that is not a PDF
with `UnsupportedMediaType`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from shared_code.core.errors import Unprocessable, UnsupportedMediaType

if TYPE_CHECKING:
    import pypdfium2

PDF_MAGIC = b"%PDF-"
# PDFium is not thread-safe, and the Functions worker may run requests on several threads. Re-entrant so
# that a helper holding it may call another helper that takes it too.
PDFIUM = threading.RLock()


def require_pdf_magic(head: bytes) -> None:
    """Refuse content that does not start like a PDF, whatever its name or declared type says."""
    if not head.startswith(PDF_MAGIC):
        raise UnsupportedMediaType("the file is not a PDF (it does not start with %PDF-)")


@contextmanager
def open_pdf(source: bytes | Path) -> Iterator[pypdfium2.PdfDocument]:
    """The PDF at `source` (bytes or a path), checked readable, unencrypted and with pages; closed after.

    Use the document only while holding `PDFIUM` (the helpers of this package take it themselves).
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    if isinstance(source, Path):
        with source.open("rb") as file:
            require_pdf_magic(file.read(len(PDF_MAGIC)))
    else:
        require_pdf_magic(bytes(source[: len(PDF_MAGIC)]))
    with PDFIUM:
        try:
            pdf = pdfium.PdfDocument(str(source) if isinstance(source, Path) else source)
        except pdfium.PdfiumError as exc:
            raise _why_unreadable(source, exc) from None
        try:
            if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:  # encrypted, even if it opens
                raise encrypted_error()
            if len(pdf) == 0:
                raise Unprocessable("the PDF has no pages")
        except BaseException:
            pdf.close()
            raise
    try:
        yield pdf
    except pdfium.PdfiumError as exc:
        raise damaged_error(exc) from None
    finally:
        with PDFIUM:
            pdf.close()


def _why_unreadable(source: bytes | Path, exc: Exception) -> Unprocessable:
    """Why PDFium could not open `source`. Its error code cannot say: PDFium keeps the last error of the
    thread (a password error lingers) and reports a PDF without pages as "success". pypdf can."""
    import io

    import pypdf

    try:
        reader = pypdf.PdfReader(source if isinstance(source, Path) else io.BytesIO(source), strict=False)
        if reader.is_encrypted:
            return encrypted_error()
        if len(reader.pages) == 0:
            return Unprocessable("the PDF has no pages")
    except Exception:  # noqa: S110 - any failure here means the same: damaged
        pass
    return damaged_error(exc)


def encrypted_error() -> Unprocessable:
    return Unprocessable("the PDF is encrypted or password-protected; remove the protection and upload it again")


def damaged_error(exc: Exception) -> Unprocessable:
    return Unprocessable("the PDF is damaged and cannot be read", details={"reason": str(exc)})


def as_unprocessable(error: UnsupportedMediaType) -> Unprocessable:
    """The same refusal as `Unprocessable`, for callers whose contract names one error for all bad input."""
    return Unprocessable(error.message, details=error.details)


def page_size(pdf: pypdfium2.PdfDocument, index: int) -> tuple[float, float]:
    """Width and height of page `index` (0-based) in points, as shown (after its /Rotate)."""
    with PDFIUM:
        page = pdf[index]
        try:
            width, height = page.get_size()
            return float(width), float(height)
        finally:
            page.close()
