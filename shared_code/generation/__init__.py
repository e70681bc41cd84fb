"""Generation: documents made from a template for each account, with a verifiable code on every page.

`payload` is the code's content: `encode_payload` signs a generation's page, `decode_payload` verifies a
code read from a scan or typed by a person (intake and review use it), `readable_line` is what is
printed under the code. Drawing and reading the symbols is `shared_code.pdf.codes`.
"""
