"""PACT's PDF and image toolkit.

Reading: open and validate (`document`), the text layer with word boxes (`text`), page images
(`render`), OCR with word boxes and orientation (`ocr`), the `Word` both give (`words`), AcroForm
fields (`forms`), aligning a scan to its template page (`align`).
Writing: filling fields (`fill`, with `textfit` and `widgets`), page codes drawn and read (`codes`)
in a corner that covers nothing (`placement`).

PDFium is not thread-safe: every call into it goes through `document.PDFIUM`, a process-wide lock.
"""
