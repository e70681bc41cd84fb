"""Templates: the blank forms PACT generates documents from and recognises when paper comes back.

`analysis` reads an uploaded template PDF (pages, text, fingerprints, AcroForm fields, thumbnails);
`fingerprint` and `recognition` tell which template page a printed-and-scanned page is.
"""
