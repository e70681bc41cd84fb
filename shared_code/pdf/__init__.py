"""PACT's PDF and image toolkit, reading side: open and validate (`document`), the text layer with word
boxes (`text`), page images (`render`), OCR with word boxes and orientation (`ocr`), the `Word` both give
(`words`), AcroForm fields (`forms`).

PDFium is not thread-safe: every call into it goes through `document.PDFIUM`, a process-wide lock.
"""
