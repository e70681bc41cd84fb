"""Previews: a template filled from bindings (sample data, a chosen account and contract, values given per
field) to a PDF and page PNGs; and POST /templates/{id}/preview[/image] with the tenant's own records."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pytest
from PIL import Image

from shared_code.pdf.document import open_pdf
from shared_code.pdf.fill import FieldSpec
from shared_code.pdf.text import page_words
from shared_code.templates.preview import SAMPLE_ACCOUNT, FillData, bound_values, render_preview, resolve
from tests.support.api import caller, seed_tenant
from tests.templates.client import run_trigger
from tests.templates.forms import form_pdf


def field(name: str, binding: str | None, rect=(160.0, 476.0, 400.0, 494.0)) -> FieldSpec:
    return FieldSpec(name, "text", 1, *rect, binding)


def text_in(data: bytes, rect: tuple[float, ...], page: int = 1) -> str:
    with open_pdf(data) as pdf:
        words = page_words(pdf, page - 1)
    inside = [
        w
        for w in words
        if rect[0] <= (w.box[0] + w.box[2]) / 2 <= rect[2] and rect[1] <= (w.box[1] + w.box[3]) / 2 <= rect[3]
    ]
    return " ".join(w.text for w in sorted(inside, key=lambda w: (w.line, w.box[0])))


def test_bindings_read_as_they_should_on_paper():
    account = {
        "name": "Cedar Clinic",
        "address_line1": "12 Elm Avenue",
        "city": "Boise",
        "state": "ID",
        "postal_code": "83702",
        "gln": None,
    }
    contract = {"number": "C-77", "starts_on": date(2026, 2, 1)}
    data = FillData(account, contract, {"Override": "given"}, today=date(2026, 3, 9))
    assert resolve("account.address", data) == "12 Elm Avenue\nBoise ID 83702"
    assert (resolve("today", data), resolve("contract.starts_on", data)) == ("03/09/2026", "02/01/2026")
    assert (resolve("fixed:Northwind GPO", data), resolve("account.gln", data), resolve(None, data)) == (
        "Northwind GPO",
        None,
        None,
    )
    fields = [field("Name", "account.name"), field("Override", "account.name"), field("Free", None)]
    assert bound_values(fields, data) == {"Name": "Cedar Clinic", "Override": "given", "Free": None}


def test_a_preview_fills_bound_fields_with_sample_data_and_draws_the_pages():
    name = field("Account name", "account.name")
    address = field("Address", "account.address", rect=(72.0, 300.0, 300.0, 340.0))
    preview = render_preview(form_pdf(pages=2, acroform=False), [name, address], FillData(), dpi=72)
    assert text_in(preview.pdf, (160, 476, 400, 494)) == SAMPLE_ACCOUNT["name"]
    assert text_in(preview.pdf, (72, 300, 300, 340)) == "1200 Harbor Way Suite 300 Springfield IL 62701"
    assert sorted(preview.pngs) == [1, 2]
    image = np.asarray(Image.open(io.BytesIO(preview.pngs[1])).convert("L"))
    assert image.shape == (792, 612)
    assert (image[792 - 494 : 792 - 476, 160:400] < 128).mean() > 0.03  # the name is drawn in the image


def test_a_preview_of_an_acroform_shows_its_values_in_the_images():
    account_name = field("account_name", "account.name")
    preview = render_preview(form_pdf(), [account_name], FillData(), pages=[1], dpi=72)
    from shared_code.pdf.forms import acro_fields

    assert acro_fields(preview.pdf)[0].value == SAMPLE_ACCOUNT["name"]  # still a form
    image = np.asarray(Image.open(io.BytesIO(preview.pngs[1])).convert("L"))
    assert (image[792 - 494 : 792 - 476, 160:400] < 128).mean() > 0.03


# -- the routes -----------------------------------------------------------------------------------


@pytest.fixture
def template(admin_app, tenant, manager) -> dict:
    created = manager.upload(form_pdf(pages=2, acroform=False), name="Participation").data
    run_trigger(admin_app, f"{tenant.id}/{created['id']}/v1.pdf")
    for name, binding, y in (("Account name", "account.name", 476), ("Contract", "contract.number", 440)):
        reply = manager.add_field(
            created["id"], {"name": name, "page": 1, "x0": 160, "y0": y, "x1": 400, "y1": y + 18, "binding": binding}
        )
        assert reply.status == 201, reply.body
    return created


def test_the_preview_routes_answer_a_pdf_and_a_page_image(admin_app, tenant, reader, template):
    path = f"/templates/{template['id']}/preview"
    pdf = reader.client.post(path)
    assert (pdf.status, pdf.content_type) == (200, "application/pdf"), pdf.body[:300]
    assert text_in(pdf.body, (160, 476, 400, 494)) == SAMPLE_ACCOUNT["name"]
    image = reader.client.post(f"{path}/image", {"page": 2, "dpi": 50})
    assert (image.status, image.content_type) == (200, "image/png")
    assert Image.open(io.BytesIO(image.body)).size == (425, 550)


def test_the_preview_fills_from_the_tenants_account_and_contract(admin_app, tenant, manager, reader, template):
    account = manager.client.post("/accounts", {"name": "Lakeshore Dental Group", "number": "L-1"}).data
    category = manager.client.post("/contract-categories", {"code": "MS", "name": "Med-surg"}).data
    contract = manager.client.post("/contracts", {"name": "Gloves", "number": "GPO-9", "category_id": category["id"]})
    assert contract.status == 201, contract.body
    body = {"account_id": account["id"], "contract_id": contract.data["id"], "overrides": {}}
    pdf = reader.client.post(f"/templates/{template['id']}/preview", body).body
    assert (text_in(pdf, (160, 476, 400, 494)), text_in(pdf, (160, 440, 400, 458))) == (
        "Lakeshore Dental Group",
        "GPO-9",
    )
    given = reader.client.post(f"/templates/{template['id']}/preview", {"overrides": {"Contract": "By hand"}}).body
    assert text_in(given, (160, 440, 400, 458)) == "By hand"


def test_bad_preview_requests_are_refused_clearly(admin_app, tenant, reader, template):
    path = f"/templates/{template['id']}/preview"
    unknown = reader.client.post(path, {"overrides": {"Nobody": "x"}})
    assert (unknown.status, unknown.error_code) == (400, "validation_error")
    assert reader.client.post(f"{path}/image", {"page": 3}).status == 400
    too_long = reader.client.post(path, {"overrides": {"Account name": "word " * 300}})
    assert (too_long.status, too_long.error_code) == (422, "unprocessable")
    assert too_long.json["error"]["details"]["field"] == "Account name"
    assert reader.client.post(path, {"account_id": "00000000-0000-4000-8000-000000000000"}).status == 404
    other = seed_tenant(admin_app, "preview-other")
    foreign = caller(admin_app, other.users["Manager"]).post("/accounts", {"name": "Not yours", "number": "X-1"})
    assert reader.client.post(path, {"account_id": foreign.data["id"]}).status == 404  # another tenant's account
