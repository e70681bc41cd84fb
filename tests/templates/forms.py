"""Small template PDFs drawn with reportlab for the API tests: a title, some body text (a text layer),
label lines, and optionally AcroForm fields. Recognition tests use the corpus (tests/support/corpus.py)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import letter

WORDS = (
    "supply",
    "agreement",
    "facility",
    "member",
    "pricing",
    "distributor",
    "contract",
    "signature",
    "hospital",
    "purchase",
    "category",
    "effective",
    "tier",
    "rebate",
    "account",
    "program",
)


def form_pdf(title: str = "Participation Form", *, pages: int = 1, acroform: bool = True, seed: int = 0) -> bytes:
    """A blank form: `title` and body text on every page; with `acroform`, fields on page 1:
    a text field `account_name`, a check box `agree` and a two-button radio group `tier`."""
    from reportlab.pdfgen import canvas as pdf_canvas

    out = io.BytesIO()
    canvas = pdf_canvas.Canvas(out, pagesize=letter, invariant=1)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica-Bold", 18)
        canvas.drawString(72, 720, f"{title} - page {number}")
        canvas.setFont("Helvetica", 10)
        for line in range(12):
            words = [WORDS[(seed * 7 + number * 5 + line * 3 + k) % len(WORDS)] for k in range(11)]
            canvas.drawString(72, 690 - 14 * line, " ".join(words))
        canvas.drawString(72, 480, "Account name:")
        canvas.line(160, 478, 400, 478)
        if acroform and number == 1:
            form = canvas.acroForm
            form.textfield(name="account_name", x=160, y=476, width=240, height=18, borderWidth=0)
            form.checkbox(name="agree", x=72, y=440, size=12)
            for value, x in (("one", 72), ("two", 120)):
                form.radio(name="tier", value=value, selected=value == "one", x=x, y=400, size=12)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
