"""Real PDFs made by the tests themselves: with PDFium (pages of given sizes and rotations), encrypted
with pypdf, damaged, or not PDFs at all."""

from __future__ import annotations

import io

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LETTER, A4 = (612.0, 792.0), (595.0, 842.0)


def make_pdf(pages: int = 1, *, sizes: list[tuple[float, float]] | None = None, rotations: list[int] | None = None,
             marker: str = "") -> bytes:
    """A valid PDF with `pages` blank pages (letter unless `sizes` says otherwise); `marker` makes its bytes unique."""
    import pypdfium2 as pdfium

    sizes = sizes or [LETTER] * pages
    pdf = pdfium.PdfDocument.new()
    for index, (width, height) in enumerate(sizes):
        page = pdf.new_page(width, height)
        if rotations:
            page.set_rotation(rotations[index])
        page.close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue() + (f"\n% {marker}\n".encode() if marker else b"")


def encrypt(data: bytes, *, user_password: str = "secret", owner_password: str = "owner") -> bytes:
    """`data` encrypted by pypdf (an empty user password still encrypts: anyone may open, not change it)."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def damaged_pdf() -> bytes:
    """Starts like a PDF, but there is no document in it."""
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def truncated_pdf() -> bytes:
    data = make_pdf(3)
    return data[: len(data) // 2]


def not_a_pdf() -> bytes:
    return PNG_MAGIC + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
