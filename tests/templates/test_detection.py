"""Field detection: every place the corpus's templates are filled in is proposed (lines after labels, lines
with labels under them, labelled boxes, table cells, check boxes; a scanned template through OCR), with
the type and binding its label suggests; AcroForm widgets as the form says; underscores and glyph boxes;
and POST /templates/{id}/detect-fields, proposing and storing without duplicates."""

from __future__ import annotations

import io

import pytest

from shared_code.templates.detection import detect_fields
from shared_code.templates.labels import guess_binding, guess_type, humanise
from tests.support.corpus import template_pdf, template_specs
from tests.templates.client import run_trigger
from tests.templates.corpus_fields import corpus_fields
from tests.templates.forms import form_pdf

SPECS = template_specs()


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width, height = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    shared = width * height
    return shared / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - shared)


def drawn_blank(spec) -> bytes:
    """The blank template as drawn, without AcroForm widgets (an image-only one as the scan it is)."""
    from reportlab.pdfgen import canvas as pdf_canvas

    from tests.support.corpus_layouts import draw_page

    if spec.image_only:
        return template_pdf(spec)
    out = io.BytesIO()
    canvas = pdf_canvas.Canvas(out, pagesize=spec.size, invariant=1)
    for number in range(1, len(spec.pages) + 1):
        draw_page(canvas, spec, number, acroform=False)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def found():
    """For every corpus template drawn without a form: its slots, and the proposals detection made."""
    return [(spec, corpus_fields(spec), detect_fields(drawn_blank(spec))) for spec in SPECS]


def test_every_place_a_corpus_form_is_filled_in_is_proposed(found):
    slots = missed = proposals = extra = 0
    for spec, fields, proposed in found:
        for field in fields:
            kind = {"checkbox": "checkbox", "signature": "signature"}.get(field.type)
            rect = (field.x0, field.y0, field.x1, field.y1)
            match = [
                p
                for p in proposed
                if p.page == field.page
                and iou(p.rect, rect) >= 0.5
                and (p.type == kind if kind else p.type not in ("checkbox", "signature"))
            ]
            slots, missed = slots + 1, missed + (not match)
        proposals += len(proposed)
        extra += sum(
            not any(p.page == f.page and iou(p.rect, (f.x0, f.y0, f.x1, f.y1)) >= 0.5 for f in fields) for p in proposed
        )
    print(f"\n{slots - missed}/{slots} slots found; {extra} of {proposals} proposals match no slot")
    assert slots >= 300 and missed <= 0.05 * slots and extra <= 0.05 * proposals


def test_labels_give_names_types_and_bindings(found):
    proposed = {(spec.key, p.name): p for spec, _, props in found for p in props}
    expect = {
        ("participation", "Account number"): ("text", "account.number"),
        ("participation", "Facility name"): ("text", "account.name"),
        ("participation", "Email"): ("text", "account.contact_email"),
        ("participation", "Start date 3"): ("date", None),  # a table cell: its column's header and its row
        ("price_activation", "Contract number"): ("text", "contract.number"),
        ("price_activation", "Quantity 2"): ("number", None),
        ("termination", "Signature"): ("signature", None),
        ("termination", "Date"): ("date", "today"),
        ("tax", "Organisation"): ("text", "account.name"),  # a label in the box's corner
        ("tax", "Religious"): ("checkbox", None),
        ("vendor", "Signature of member"): ("signature", None),  # the label under the line
        ("vendor", "Title 2"): ("text", None),  # a name met twice is numbered
        ("contact_update", "Account number"): ("text", "account.number"),  # a scanned template, read by OCR
    }
    assert {key: (proposed[key].type, proposed[key].binding) for key in expect} == expect
    assert all(p.source == "detected" and 0 < p.confidence < 1 for p in proposed.values())


@pytest.mark.parametrize(
    ("label", "kind", "binding"),
    [
        ("Account No.", "text", "account.number"),
        ("Customer #", "text", "account.number"),
        ("Facility Name:", "text", "account.name"),
        ("Contract Number", "text", "contract.number"),
        ("Date", "date", "today"),
        ("Date signed", "date", "today"),
        ("Authorized Signature", "signature", None),
        ("E-mail", "text", "account.contact_email"),
        ("Phone", "text", "account.phone"),
        ("ZIP code", "text", "account.postal_code"),
        ("Address", "text", "account.address"),
        ("Contract start date", "date", "contract.starts_on"),
        ("Number of beds", "number", None),
        ("Printed name", "text", None),
        ("DEA number", "text", "account.dea"),
    ],
)
def test_a_label_suggests_a_type_and_a_binding(label, kind, binding):
    assert (guess_type(label), guess_binding(label)) == (kind, binding)


def test_field_names_read_as_labels():
    assert [humanise(n) for n in ("p1_3_account_number", "ACCOUNT NUMBER:", "contactEmail", "Tax ID")] == [
        "Account number",
        "Account number",
        "Contact email",
        "Tax ID",
    ]


def test_acroform_widgets_are_proposed_as_the_form_says():
    proposals = detect_fields(form_pdf())
    widgets = [p for p in proposals if p.source == "acroform"]
    assert [(p.name, p.type, p.confidence) for p in widgets] == [
        ("account_name", "text", 1.0),
        ("agree", "checkbox", 1.0),
        ("tier", "checkbox", 1.0),
        ("tier#2", "checkbox", 1.0),
    ]
    assert widgets[0].binding == "account.name" and widgets[0].rect == (160.0, 476.0, 400.0, 494.0)
    # The line drawn under the widget is not proposed again.
    assert not [p for p in proposals if p.source == "detected" and p.page == 1 and p.y0 > 470 and p.y1 < 500]


def test_typed_underscores_and_box_glyphs_are_fields():
    from reportlab.pdfgen import canvas as pdf_canvas

    out = io.BytesIO()
    canvas = pdf_canvas.Canvas(out, pagesize=(612, 792), invariant=1)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(72, 700, "Contract Number: ______________________________")
    canvas.drawString(72, 660, "Member name:_________________________")
    canvas.setFont("ZapfDingbats", 11)
    canvas.drawString(72, 620, "o")  # a box glyph
    canvas.setFont("Helvetica", 10)
    canvas.drawString(88, 620, "I agree to the terms")
    canvas.save()
    proposals = {p.name: p for p in detect_fields(out.getvalue())}
    assert set(proposals) == {"Contract Number", "Member name", "I agree to the terms"}
    assert (proposals["Contract Number"].binding, proposals["Member name"].binding) == (
        "contract.number",
        "account.name",
    )
    assert proposals["I agree to the terms"].type == "checkbox"
    line = proposals["Contract Number"]
    assert 150 < line.x0 < 170 and line.x1 > 300 and 697 < line.y0 < 702 and line.y1 - line.y0 >= 10


# -- the route ------------------------------------------------------------------------------------


@pytest.fixture
def template(admin_app, tenant, manager) -> dict:
    spec = next(s for s in SPECS if s.key == "termination")
    created = manager.upload(template_pdf(spec), "termination.pdf", name=spec.name).data
    run_trigger(admin_app, f"{tenant.id}/{created['id']}/v1.pdf")
    return created


def test_detect_fields_proposes_then_stores_without_duplicating(admin_app, tenant, manager, template):
    path = f"/templates/{template['id']}/detect-fields"
    proposed = manager.client.post(path)
    assert proposed.status == 200, proposed.body
    names = [p["name"] for p in proposed.data["proposals"]]
    assert names == ["Facility name", "Account number", "Effective date", "Reason", "Signature", "Date"]
    assert proposed.data["applied"] == [] and manager.fields(template["id"]).data["fields"] == []
    reason = {k: proposed.data["proposals"][3][k] for k in ("x0", "y0", "x1", "y1")}
    manager.add_field(template["id"], {"name": "Reason", "page": 1, **reason})  # a person drew it first
    applied = manager.client.call("POST", path, params={"apply": "true"})
    assert applied.status == 200, applied.body
    stored = {f["name"]: f for f in applied.data["applied"]}
    assert set(stored) == set(names) - {"Reason"} and applied.data["skipped"] == ["Reason"]
    assert {f["source"] for f in stored.values()} == {"detected"}
    assert (stored["Account number"]["binding"], stored["Signature"]["type"], stored["Date"]["binding"]) == (
        "account.number",
        "signature",
        "today",
    )
    again = manager.client.call("POST", path, params={"apply": "true"}).data
    assert again["applied"] == [] and len(again["skipped"]) == len(names)  # a second run stores nothing new
    assert len(manager.fields(template["id"]).data["fields"]) == len(names)


def test_detect_fields_refuses_what_it_cannot_do(admin_app, tenant, manager, template):
    pending = manager.upload(form_pdf("Pending"), name="Pending").data  # never indexed
    assert manager.client.post(f"/templates/{pending['id']}/detect-fields").status == 200  # proposing reads the file
    refused = manager.client.call("POST", f"/templates/{pending['id']}/detect-fields", params={"apply": "true"})
    assert (refused.status, refused.error_code) == (409, "conflict")
    assert (
        manager.client.call("POST", f"/templates/{template['id']}/detect-fields", params={"version": 2}).status == 404
    )
    manager.client.delete(f"/templates/{template['id']}")
    retired = manager.client.call("POST", f"/templates/{template['id']}/detect-fields", params={"apply": "true"})
    assert retired.status == 404
