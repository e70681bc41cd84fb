"""The corpus's templates, drawn with reportlab: what each page holds, and the drawing of it.

A page is a list of blocks (letterhead, title, paragraphs, labelled lines, boxes, check boxes, tables,
signature lines). Drawing a page records its *slots*, the places a filled copy writes into, so the same
layout draws the blank template, its AcroForm fields and any filled copy.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import landscape, letter

LEFT, RIGHT_MARGIN, TOP = 64.0, 64.0, 56.0

_SENTENCES = [
    "The member agrees to purchase the products listed in the schedule through the designated distributor",
    "Pricing under this agreement takes effect on the first day of the month following activation",
    "This letter confirms the commitment of the facility named below to the contract categories selected",
    "Participation may be withdrawn with ninety days written notice to the group purchasing organisation",
    "Rebates are calculated quarterly on eligible purchases and credited to the member account",
    "The authorised signatory certifies that the information provided on this form is complete and accurate",
    "Facilities that share a tax identification number may be enrolled together on a single form",
    "Changes to the ship-to address must be reported within thirty days of taking effect",
    "The distributor will load contract pricing within ten business days of receiving this designation",
    "Membership fees are waived for the first contract year for facilities enrolling before the deadline",
    "All purchases remain subject to the terms and conditions of the master supplier agreement",
    "Dental and laboratory supplies are governed by a separate schedule attached to this agreement",
    "The member shall maintain records of purchases for a period of no less than four years",
    "Either party may terminate this commitment for material breach after a cure period of sixty days",
    "Please return the completed form by mail or upload a scanned copy through the member portal",
    "Pharmacy purchases are excluded unless the pharmacy addendum has been signed and returned",
    "Compliance with the committed volume is reviewed at the end of each contract year",
    "Local agreements in effect on the activation date continue until their stated expiry",
    "The supplier reserves the right to verify eligibility before activating contract pricing",
    "Questions regarding this form should be directed to member services at the number shown above",
    "Contract pricing applies only to the locations listed in section two of this document",
    "Freight terms follow the distributor agreement unless the supplier states otherwise in writing",
    "The facility designates the distributor below as its primary source for the categories marked",
    "An officer of the organisation must countersign commitments above the tier three threshold",
]


@dataclass(frozen=True)
class Block:
    kind: str  # letterhead | title | para | lines | boxes | checks | table | signature | note | spacer
    args: tuple = ()


@dataclass(frozen=True)
class TemplateSpec:
    key: str
    name: str
    pages: tuple[tuple[Block, ...], ...]
    acroform: bool = False
    version: int = 1
    size: tuple[float, float] = letter
    font: str = "Helvetica"
    image_only: bool = False  # delivered as a scan of the blank form (no text layer): indexed by OCR


@dataclass
class Slot:
    name: str
    kind: str  # text | check | signature
    rect: tuple[float, float, float, float]  # x0, y0, x1, y1 in points


@dataclass
class DrawnPage:
    slots: list[Slot] = field(default_factory=list)


def paragraph(seed: int, sentences: int) -> str:
    rng = random.Random(seed)
    return ". ".join(rng.sample(_SENTENCES, sentences)) + "."


LETTERHEADS = {
    "northwind": (
        "Northwind Purchasing Alliance",
        "400 Harbor Way, Suite 12, Portland OR 97201  ·  (503) 555-0140",
        "circle",
    ),
    "summit": ("Summit Health Cooperative", "88 Ridge Road, Denver CO 80202  ·  members@summit.example", "triangle"),
    "keystone": ("Keystone Supply Network", "1200 Market Street, Philadelphia PA 19107", "square"),
    "bayline": ("Bayline Care Partners", "77 Ocean Avenue, San Diego CA 92101  ·  (619) 555-0199", "bars"),
}


def draw_page(canvas, spec: TemplateSpec, number: int, *, acroform: bool) -> DrawnPage:
    """Draw page `number` (1-based) of `spec` on `canvas` (one page); returns its slots."""
    width, height = spec.size
    drawn = DrawnPage()
    state = _State(canvas, spec, number, width, height - TOP, drawn, acroform)
    for block in spec.pages[number - 1]:
        getattr(state, f"_{block.kind}")(*block.args)
    canvas.setFont(spec.font, 8)
    canvas.drawString(LEFT, 30, f"{spec.name} · form {spec.key.upper()} rev {spec.version}")
    canvas.drawRightString(width - RIGHT_MARGIN, 30, f"Page {number} of {len(spec.pages)}")
    return drawn


@dataclass
class _State:
    canvas: object
    spec: TemplateSpec
    number: int
    width: float
    y: float
    drawn: DrawnPage
    acroform: bool

    @property
    def right(self) -> float:
        return self.width - RIGHT_MARGIN

    def _letterhead(self, family: str) -> None:
        name, address, mark = LETTERHEADS[family]
        c, top = self.canvas, self.y
        c.setLineWidth(2)
        if mark == "circle":
            c.circle(LEFT + 18, top - 14, 16, stroke=1, fill=1)
        elif mark == "triangle":
            path = c.beginPath()
            path.moveTo(LEFT, top - 30), path.lineTo(LEFT + 36, top - 30), path.lineTo(LEFT + 18, top)
            path.close()
            c.drawPath(path, stroke=1, fill=1)
        elif mark == "square":
            c.rect(LEFT, top - 30, 32, 32, stroke=1, fill=1)
        else:
            for i in range(4):
                c.rect(LEFT + i * 9, top - 30, 6, 32 - i * 6, stroke=0, fill=1)
        c.setFont("Helvetica-Bold", 17)
        c.drawString(LEFT + 48, top - 16, name)
        c.setFont("Helvetica", 8.5)
        c.drawString(LEFT + 48, top - 29, address)
        c.setLineWidth(1.2)
        c.line(LEFT, top - 40, self.right, top - 40)
        self.y = top - 64

    def _title(self, text: str, size: float = 15) -> None:
        self.canvas.setFont("Helvetica-Bold", size)
        self.canvas.drawString(LEFT, self.y, text)
        self.y -= size + 12

    def _para(self, seed: int, sentences: int, size: float = 10) -> None:
        from reportlab.lib.utils import simpleSplit

        for line in simpleSplit(paragraph(seed, sentences), self.spec.font, size, self.right - LEFT):
            self.canvas.setFont(self.spec.font, size)
            self.canvas.drawString(LEFT, self.y, line)
            self.y -= size * 1.35
        self.y -= 8

    def _note(self, text: str, size: float = 9) -> None:
        self.canvas.setFont(self.spec.font, size)
        self.canvas.drawString(LEFT, self.y, text)
        self.y -= size + 10

    def _lines(self, labels: tuple[str, ...], columns: int = 1) -> None:
        """Labelled blank lines ("Account name: ______"), in one or two columns."""
        column_width = (self.right - LEFT) / columns
        for index, label in enumerate(labels):
            column = index % columns
            x = LEFT + column * column_width
            self.canvas.setFont(self.spec.font, 10)
            self.canvas.drawString(x, self.y, f"{label}:")
            start = x + self.canvas.stringWidth(f"{label}:", self.spec.font, 10) + 6
            end = x + column_width - 14
            self.canvas.setLineWidth(0.7)
            self.canvas.line(start, self.y - 2, end, self.y - 2)
            self._slot(label, "text", (start, self.y - 1, end, self.y + 12))
            if column == columns - 1 or index == len(labels) - 1:
                self.y -= 26

    def _boxes(self, labels: tuple[str, ...], per_row: int = 2, box_height: float = 30) -> None:
        """Labelled boxes: the label small in the box's top-left corner, the value below it."""
        box_width = (self.right - LEFT) / per_row
        for index, label in enumerate(labels):
            column = index % per_row
            x = LEFT + column * box_width
            self.canvas.setLineWidth(0.8)
            self.canvas.rect(x, self.y - box_height, box_width, box_height)
            self.canvas.setFont(self.spec.font, 7)
            self.canvas.drawString(x + 3, self.y - 9, label.upper())
            self._slot(label, "text", (x + 4, self.y - box_height + 3, x + box_width - 4, self.y - 11))
            if column == per_row - 1 or index == len(labels) - 1:
                self.y -= box_height
        self.y -= 18

    def _checks(self, labels: tuple[str, ...], per_row: int = 2) -> None:
        column_width = (self.right - LEFT) / per_row
        for index, label in enumerate(labels):
            column = index % per_row
            x = LEFT + column * column_width
            self.canvas.setLineWidth(0.8)
            self.canvas.rect(x, self.y - 2, 10, 10)
            self.canvas.setFont(self.spec.font, 10)
            self.canvas.drawString(x + 16, self.y, label)
            self._slot(label, "check", (x, self.y - 2, x + 10, self.y + 8))
            if column == per_row - 1 or index == len(labels) - 1:
                self.y -= 20
        self.y -= 6

    def _table(self, headers: tuple[str, ...], rows: int, row_height: float = 20) -> None:
        widths = (self.right - LEFT) / len(headers)
        self.canvas.setLineWidth(0.8)
        self.canvas.setFont("Helvetica-Bold", 9)
        for column, header in enumerate(headers):
            self.canvas.drawString(LEFT + column * widths + 3, self.y - 13, header)
        top = self.y
        for row in range(rows + 2):
            self.canvas.line(LEFT, top - row * row_height, self.right, top - row * row_height)
        for column in range(len(headers) + 1):
            self.canvas.line(LEFT + column * widths, top, LEFT + column * widths, top - (rows + 1) * row_height)
        for row in range(rows):
            for column, header in enumerate(headers):
                y0 = top - (row + 2) * row_height
                self._slot(
                    f"{header} {row + 1}",
                    "text",
                    (LEFT + column * widths + 3, y0 + 4, LEFT + (column + 1) * widths - 3, y0 + row_height - 4),
                )
        self.y = top - (rows + 1) * row_height - 22

    def _signature(self, labels: tuple[str, ...] = ("Signature", "Date")) -> None:
        self.y -= 18
        widths = [(self.right - LEFT) * 0.55, (self.right - LEFT) * 0.35]
        x = LEFT
        for label, width in zip(labels, widths, strict=False):
            self.canvas.setLineWidth(0.8)
            self.canvas.line(x, self.y, x + width, self.y)
            self.canvas.setFont(self.spec.font, 8)
            self.canvas.drawString(x, self.y - 11, label)
            kind = "signature" if label.lower().startswith("sign") else "text"
            self._slot(label, kind, (x + 4, self.y + 1, x + width - 4, self.y + 22))
            x += width + (self.right - LEFT) * 0.1
        self.y -= 34

    def _spacer(self, height: float) -> None:
        self.y -= height

    def _slot(self, label: str, kind: str, rect: tuple[float, float, float, float]) -> None:
        name = f"p{self.number}_{len(self.drawn.slots)}_{label.lower().replace(' ', '_')}"
        self.drawn.slots.append(Slot(name, kind, rect))
        if self.acroform and kind in ("text", "check"):
            x0, y0, x1, y1 = rect
            form = self.canvas.acroForm
            if kind == "text":
                form.textfield(
                    name=name,
                    x=x0,
                    y=y0,
                    width=x1 - x0,
                    height=y1 - y0,
                    borderWidth=0,
                    fillColor=None,
                    borderColor=None,
                    fontSize=10,
                    fontName="Helvetica",
                )
            else:
                form.checkbox(
                    name=name, x=x0, y=y0, size=y1 - y0, borderWidth=0, fillColor=None, borderColor=None, fieldFlags=""
                )


def _b(kind: str, *args) -> Block:
    return Block(kind, args)


_CONTACT = ("Facility name", "Account number", "Street address", "City, state, ZIP")
_PERSON = ("Contact name", "Title", "Telephone", "Email")


def _participation(version: int) -> TemplateSpec:
    first = [
        _b("letterhead", "northwind"),
        _b("title", "Participation Form"),
        _b("para", 11, 3),
        _b("lines", _CONTACT),
        _b("lines", _PERSON, 2),
        _b("para", 12, 2),
        _b("checks", ("Medical surgical", "Laboratory", "Food service", "Environmental services")),
    ]
    if version == 2:  # the second revision asks for a distributor and adds a category
        first[-1] = _b(
            "checks",
            ("Medical surgical", "Laboratory", "Food service", "Environmental services", "Pharmacy", "Imaging"),
        )
        first.insert(5, _b("lines", ("Primary distributor",)))
    second = [
        _b("title", "Participation Form (continued)", 12),
        _b("para", 13, 4),
        _b("table", ("Location", "Ship-to number", "Start date"), 6),
        _b("signature"),
        _b("lines", ("Printed name",)),
    ]
    return TemplateSpec(
        "participation", "Participation Form", (tuple(first), tuple(second)), acroform=True, version=version
    )


def _commitment(version: int) -> TemplateSpec:
    body = [
        _b("letterhead", "northwind"),
        _b("title", "Letter of Commitment"),
        _b("para", 21, 4),
        _b("para", 22, 3),
        _b("lines", ("Facility name", "Contract category", "Committed annual volume")),
        _b("para", 23, 2),
    ]
    if version == 2:
        body.insert(4, _b("para", 24, 3))
    body += [
        _b("signature"),
        _b("lines", ("Printed name", "Title")),
    ]
    return TemplateSpec("commitment", "Letter of Commitment", (tuple(body),), version=version)


def _two_page(key: str, name: str, family: str, first_seed: int, second: tuple[Block, ...], code: str) -> TemplateSpec:
    """Two templates built with this share page 1's body (only the title differs) and differ on page 2."""
    first = (
        _b("letterhead", family),
        _b("title", name),
        _b("note", code),
        _b("para", first_seed, 4),
        _b("boxes", (*_CONTACT, "Tax ID", "Group number")),
        _b("para", first_seed + 1, 3),
        _b("lines", _PERSON, 2),
    )
    return TemplateSpec(key, name, (first, second), acroform=True)


def catalogue() -> list[TemplateSpec]:
    """Every template of the corpus (each version separately), in a fixed order."""
    return [
        _participation(1),
        _participation(2),
        _commitment(1),
        _commitment(2),
        TemplateSpec(
            "pharmacy",
            "Pharmacy Addendum",
            (
                (
                    _b("letterhead", "northwind"),
                    _b("title", "Pharmacy Addendum"),
                    _b("para", 31, 5),
                    _b("boxes", ("Pharmacy name", "NCPDP number", "DEA number", "State license"), 2),
                    _b("checks", ("Retail", "Long-term care", "Specialty", "Mail order"), 4),
                    _b("para", 32, 2),
                    _b("signature"),
                ),
            ),
            acroform=True,
        ),
        TemplateSpec(
            "termination",
            "Notice of Termination",
            (
                (
                    _b("letterhead", "northwind"),
                    _b("title", "Notice of Termination"),
                    _b("para", 41, 2),
                    _b("lines", ("Facility name", "Account number", "Effective date", "Reason")),
                    _b("para", 42, 5),
                    _b("para", 43, 3),
                    _b("signature"),
                ),
            ),
        ),
        _two_page(
            "membership",
            "Membership Application",
            "summit",
            51,
            (
                _b("title", "Schedule A: Medical Facilities", 12),
                _b("para", 53, 3),
                _b("table", ("Department", "Beds", "Annual spend", "Contact"), 8),
                _b("signature"),
            ),
            "Form SHC-100 · for hospitals and clinics",
        ),
        _two_page(
            "membership_dental",
            "Membership Application (Dental)",
            "summit",
            51,
            (
                _b("title", "Schedule B: Dental Practices", 12),
                _b("para", 55, 5),
                _b(
                    "checks",
                    ("General dentistry", "Orthodontics", "Oral surgery", "Periodontics", "Pediatric", "Endodontics"),
                ),
                _b("boxes", ("Number of chairs", "Hygienists"), 2),
                _b("signature"),
            ),
            "Form SHC-200 · for dental practices",
        ),
        TemplateSpec(
            "vendor",
            "Vendor Agreement",
            (
                (
                    _b("letterhead", "summit"),
                    _b("title", "Vendor Agreement"),
                    _b("para", 61, 5),
                    _b("para", 62, 5),
                    _b("para", 63, 4),
                    _b("para", 64, 4),
                ),
                (_b("title", "Terms and Conditions", 12), _b("para", 65, 6), _b("para", 66, 6), _b("para", 67, 5)),
                (
                    _b("title", "Signatures", 12),
                    _b("para", 68, 2),
                    _b("signature", ("Signature of vendor", "Date")),
                    _b("lines", ("Printed name", "Title")),
                    _b("signature", ("Signature of member", "Date")),
                    _b("lines", ("Printed name ", "Title ")),
                ),
            ),
        ),
        TemplateSpec(
            "distributor",
            "Distributor Designation",
            (
                (
                    _b("letterhead", "keystone"),
                    _b("title", "Distributor Designation"),
                    _b("para", 71, 3),
                    _b("lines", ("Facility name", "Account number"), 2),
                    _b("table", ("Category", "Distributor", "Customer number", "Effective"), 10),
                    _b("signature"),
                ),
            ),
            font="Times-Roman",
        ),
        TemplateSpec(
            "rebate",
            "Rebate Enrollment",
            (
                (
                    _b("letterhead", "keystone"),
                    _b("title", "Rebate Enrollment"),
                    _b("para", 81, 3),
                    _b(
                        "boxes",
                        ("Legal name", "Tax ID", "Remit-to address", "Bank name", "Routing number", "Account number"),
                        2,
                    ),
                    _b("checks", ("ACH", "Check", "Credit memo"), 3),
                ),
                (
                    _b("title", "Eligible Purchases", 12),
                    _b("para", 82, 4),
                    _b(
                        "checks",
                        ("Capital equipment", "Disposables", "Pharmaceuticals", "Services", "Freight", "Software"),
                        3,
                    ),
                    _b("para", 83, 3),
                    _b("signature"),
                ),
            ),
            acroform=True,
            font="Times-Roman",
        ),
        TemplateSpec(
            "tax",
            "Tax Exemption Certificate",
            (
                (
                    _b("title", "Tax Exemption Certificate", 18),
                    _b("note", "Complete all boxes. Attach proof of status."),
                    _b(
                        "boxes",
                        (
                            "Organisation",
                            "Exemption number",
                            "Address",
                            "State",
                            "Issuing authority",
                            "Expiry date",
                            "Type of organisation",
                            "Purchaser",
                        ),
                        2,
                        36,
                    ),
                    _b("checks", ("Non-profit hospital", "Government", "Educational", "Religious"), 2),
                    _b("para", 91, 3),
                    _b("signature"),
                ),
            ),
            font="Courier",
        ),
        TemplateSpec(
            "authorization",
            "Authorization Letter",
            (
                (
                    _b("letterhead", "bayline"),
                    _b("spacer", 20),
                    _b("lines", ("Date",)),
                    _b("title", "Authorization to Share Purchasing Data", 13),
                    _b("para", 101, 4),
                    _b("para", 102, 4),
                    _b("para", 103, 3),
                    _b("signature"),
                    _b("lines", ("Printed name", "Title")),
                ),
            ),
        ),
        TemplateSpec(
            "price_activation",
            "Price Activation Request",
            (
                (
                    _b("letterhead", "bayline"),
                    _b("title", "Price Activation Request"),
                    _b("lines", ("Facility name", "Account number", "Contract number"), 3),
                    _b("table", ("Item", "Description", "Unit", "Price", "Quantity", "Start"), 7),
                    _b("signature"),
                ),
            ),
            size=landscape(letter),
        ),
        TemplateSpec(
            "contact_update",
            "Contact Update",
            (
                (
                    _b("title", "Contact Update", 22),
                    _b("spacer", 10),
                    _b("boxes", ("Facility", "Account number"), 2, 40),
                    _b("boxes", _PERSON, 2, 40),
                    _b("checks", ("Add contact", "Replace contact", "Remove contact"), 3),
                    _b("spacer", 30),
                    _b("signature"),
                ),
            ),
            image_only=True,
        ),
    ]


def _one_page(key: str, name: str, *blocks: Block) -> TemplateSpec:
    return TemplateSpec(key, name, (blocks,))


def foreign_layouts(seed: int) -> list[tuple[TemplateSpec, str]]:
    """Pages that belong to no template: letters (some on a template's letterhead), invoices, near-blank
    pages, and forms in a template's style. Each comes with a kind for reporting."""
    rng = random.Random(seed)
    pages: list[tuple[TemplateSpec, str]] = []
    families = list(LETTERHEADS)
    for index in range(12):
        family = rng.choice(families)
        paragraphs = range(rng.randint(2, 4))
        body = [_b("para", 1000 + seed * 100 + index * 7 + k, rng.randint(2, 5)) for k in paragraphs]
        letter = _one_page(
            f"letter{index}", "Letter", _b("letterhead", family), _b("lines", ("Date",)), *body, _b("signature")
        )
        pages.append((letter, "letter"))
    for index in range(5):
        invoice = _one_page(
            f"invoice{index}",
            "Invoice",
            _b("title", f"INVOICE {rng.randint(1000, 9999)}", 20),
            _b("lines", ("Bill to", "Invoice date"), 2),
            _b("table", ("Item", "Qty", "Unit price", "Amount"), rng.randint(6, 14)),
            _b("note", "Payment due within 30 days. Thank you for your business."),
        )
        pages.append((invoice, "invoice"))
    for index in range(4):
        spacer = _b("spacer", rng.randint(0, 400))
        note = _b("note", rng.choice(["Notes", "This page intentionally left blank", "", "Continued"]))
        pages.append((_one_page(f"blank{index}", "Notes", spacer, note), "near_blank"))
    for index in range(5):
        family = rng.choice(families)
        title = _b("title", rng.choice(["Credit Application", "Change Request", "Site Survey"]))
        boxes = _b("boxes", tuple(rng.sample(list(_CONTACT + _PERSON), 4)), 2)
        form = _one_page(
            f"form{index}",
            "Request Form",
            _b("letterhead", family),
            title,
            _b("para", 2000 + seed * 50 + index, 3),
            boxes,
            _b("checks", ("Yes", "No", "Not applicable"), 3),
            _b("signature"),
        )
        pages.append((form, "similar_form"))
    return pages
