"""The records pages (accounts, contracts, documents) in real Chromium against devhost."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import APIRequestContext, Page, expect

from tests.e2e.conftest import CANDIDATE_COUNTS, SEEDED_CONTRACT, SEEDED_SYSTEM
from tests.e2e.test_auth_ui import sign_in, static_web_app_headers  # noqa: F401 (the CSP of Static Web Apps, autouse)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = os.environ.get("PACT_E2E_SCREENSHOTS")  # a folder: pages are photographed there to look at


def snap(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


class Api:
    """The operator's calls to the API, for what a test does behind the page's back."""

    def __init__(self, request: APIRequestContext, base_url: str, account) -> None:
        self.request = request
        self.base = f"{base_url}/api/v1"
        login = request.post(f"{self.base}/auth/login", data={"email": account.email, "password": account.password})
        assert login.ok, login.text()
        self.headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}

    def call(self, method: str, path: str, *, json=None, headers=None, multipart=None):
        response = self.request.fetch(f"{self.base}{path}", method=method, data=json, multipart=multipart,
                                      headers={**self.headers, **(headers or {})})
        assert response.ok, f"{method} {path}: {response.status} {response.text()}"
        return response


def a_pdf(text: str) -> bytes:
    """A one-page PDF with a coloured band and a line of text (Helvetica, not embedded)."""
    stream = f"0.05 0.36 0.68 rg 72 640 468 80 re f BT /F1 24 Tf 0 0 0 rg 72 580 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_an_account_created_through_the_form_is_found_by_search(pact_site, page):
    number = f"RCH-{uuid.uuid4().hex[:6]}"
    page.goto(pact_site.base_url + "/#/accounts")
    sign_in(page, pact_site.operator)
    expect(page.locator("#accounts-table")).to_have_attribute("data-loaded", "true")
    snap(page, "accounts-list")

    # GIVEN the new-account form, filled with an address the server refuses and a number already taken
    page.get_by_role("link", name="New account").click()
    expect(page.get_by_role("heading", name="New account")).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Riverside Community Hospital")
    page.get_by_label("Account number").fill(SEEDED_SYSTEM[0])
    page.get_by_label("Type").select_option("hospital")
    page.get_by_label("City").fill("Eugene")
    page.get_by_label("Contact e-mail").fill("olive@localhost")
    page.get_by_role("button", name="Create account").click()

    # THEN the server's field error is shown on the field
    email = page.get_by_label("Contact e-mail")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-field='contact_email'] .field-error")).to_be_visible()
    snap(page, "account-form-errors")

    # WHEN the e-mail is fixed, the duplicate number is named
    email.fill("olive@riverside.example.org")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert").first).to_have_text("Another account already has this number.")
    expect(page.get_by_label("Account number")).to_have_attribute("aria-invalid", "true")

    # WHEN the number is a new one, the account is created and shown
    page.get_by_label("Account number").fill(number)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Riverside Community Hospital")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text(number)

    # AND the list finds it by the server's search
    page.get_by_role("link", name="Back to accounts").click()
    table = page.locator("#accounts-table")
    page.get_by_label("Search").fill(number)
    rows = table.locator(".tabulator-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Riverside Community Hospital")
    expect(rows.first).to_contain_text("Hospital")

    # AND the export holds what the search selects
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert len(lines) == 2 and number in lines[1], lines


def test_an_account_is_edited_and_a_stale_edit_is_refused(pact_site, page):
    api = Api(page.request, pact_site.base_url, pact_site.operator)
    created = api.call("POST", "/accounts", json={"name": "Lakeside Pharmacy", "number": f"LP-{uuid.uuid4().hex[:6]}",
                                                  "account_type": "pharmacy", "city": "Medford"}).json()["data"]
    page.goto(f"{pact_site.base_url}/#/accounts/{created['id']}")
    sign_in(page, pact_site.operator)

    # WHEN they edit it
    expect(page.get_by_role("heading", name="Lakeside Pharmacy")).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("City").fill("Ashland")
    page.get_by_role("button", name="Save changes").click()

    # THEN the account shows the change
    expect(page.get_by_role("heading", name="Lakeside Pharmacy")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Ashland")

    # GIVEN the edit form open while someone else changes the account
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("City")).to_have_value("Ashland")
    current = api.call("GET", f"/accounts/{created['id']}")
    api.call("PATCH", f"/accounts/{created['id']}", json={"city": "Bend"},
             headers={"If-Match": current.headers["etag"]})

    # WHEN they save their own change
    page.get_by_label("Phone").fill("541-555-0100")
    page.get_by_role("button", name="Save changes").click()

    # THEN they are told, and a reload shows the other change
    expect(page.get_by_role("alert").first).to_contain_text("changed by someone else")
    snap(page, "account-stale-edit")
    page.get_by_role("button", name="Reload account").click()
    expect(page.get_by_label("City")).to_have_value("Bend")
    page.get_by_label("Phone").fill("541-555-0100")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".facts")).to_contain_text("541-555-0100")
    expect(page.locator(".facts")).to_contain_text("Bend")


def test_an_accounts_children_and_candidates_show_in_its_tabs(pact_site, page):
    page.goto(pact_site.base_url + "/#/accounts")
    sign_in(page, pact_site.operator)
    page.get_by_label("Search").fill(SEEDED_SYSTEM[0])
    rows = page.locator("#accounts-table .tabulator-row")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name=SEEDED_SYSTEM[1]).click()

    page.get_by_role("tab", name="Child accounts").click()
    children = page.locator("#account-children .tabulator-row")
    expect(children).to_have_count(10)  # the first page of the 12 clinics
    snap(page, "account-detail-children")

    children.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile(r"Northwind Clinic \d\d"))).to_be_visible()
    page.get_by_role("tab", name="Candidates").click()
    expect(page.locator("#account-candidates .tabulator-row")).to_have_count(1)
    expect(page.locator("#account-candidates .tabulator-row").first).to_contain_text(SEEDED_CONTRACT[1])


def test_the_contract_detail_shows_candidate_counts(pact_site, page):
    page.goto(pact_site.base_url + "/#/contracts")
    sign_in(page, pact_site.operator)
    page.get_by_label("Search").fill(SEEDED_CONTRACT[0])
    rows = page.locator("#contracts-table .tabulator-row")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name=SEEDED_CONTRACT[1]).click()

    # THEN the counts by status are shown, as figures and as a bar
    counts = page.locator("#candidate-counts")
    expect(page.locator("#candidate-total")).to_have_text(str(sum(CANDIDATE_COUNTS.values())))
    for status, count in CANDIDATE_COUNTS.items():
        expect(counts.locator(f"li[data-status='{status}'] .figure-count")).to_have_text(str(count))
    expect(counts.locator(".count-bar .segment")).to_have_count(len(CANDIDATE_COUNTS))
    candidates = page.locator("#contract-candidates .tabulator-row")
    expect(candidates).to_have_count(sum(CANDIDATE_COUNTS.values()))
    snap(page, "contract-detail")

    # WHEN a figure is chosen, the candidates list shows that status only
    counts.get_by_role("button", name=re.compile(r"^Activated: 2")).click()
    expect(candidates).to_have_count(CANDIDATE_COUNTS["activated"])
    expect(candidates.first).to_contain_text("Activated")


def test_an_uploaded_pdf_is_listed_and_previewed(pact_site, page):
    title = f"Participation form {uuid.uuid4().hex[:6]}"
    pdf = {"name": "participation.pdf", "mimeType": "application/pdf", "buffer": a_pdf(title)}
    page.goto(pact_site.base_url + "/#/documents/upload")
    sign_in(page, pact_site.operator)

    # WHEN they drop in a PDF, give it a title and type, and upload it
    expect(page.get_by_role("heading", name="Upload documents")).to_be_visible()
    page.set_input_files("#upload-files", files=[pdf])
    expect(page.locator("#upload-list li")).to_have_count(1)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Document type").select_option("participation_form")
    page.get_by_role("button", name="Upload").click()

    # THEN its progress reaches the end and it can be opened
    row = page.locator("#upload-list li").first
    expect(row.locator(".percent")).to_have_text("Uploaded")
    expect(row.locator("progress")).to_have_attribute("value", "100")
    snap(page, "document-uploaded")

    # AND the same file again, dropped on the drop zone, is reported as a duplicate
    page.locator("#dropzone").dispatch_event("drop", {"dataTransfer": page.evaluate_handle(
        """([name, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, { type: "application/pdf" }));
            return transfer;
        }""", [pdf["name"], list(pdf["buffer"])])})
    expect(page.locator("#upload-list li")).to_have_count(2)
    page.get_by_role("button", name="Upload").click()
    again = page.locator("#upload-list li").nth(1)
    expect(again.locator(".percent")).to_have_text("Uploaded")
    expect(again.locator(".warning")).to_contain_text("The same file was uploaded before")

    # AND the documents list finds it, and its page draws the PDF
    page.get_by_role("link", name="Back to documents").click()
    page.get_by_label("Search", exact=True).fill(title)
    rows = page.locator("#documents-table .tabulator-row")
    expect(rows).to_have_count(2)
    rows.first.get_by_role("link", name=title).click()
    expect(page.locator("#document-preview")).to_have_attribute("data-rendered", "true")
    canvas = page.get_by_role("img", name="Page 1 of 1")
    expect(canvas).to_be_visible()
    inked = page.evaluate("""(canvas) => {
        const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
        let inked = 0;
        for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3] > 0 && (data[i] < 200 || data[i + 1] < 200)) inked += 1;
        }
        return inked;
    }""", canvas.element_handle())
    assert inked > 1000, "the preview canvas is blank"
    snap(page, "document-preview")


def test_a_bundle_is_made_and_its_documents_ordered(pact_site, page):
    api = Api(page.request, pact_site.base_url, pact_site.operator)
    titles = [f"Bundle page {n} {uuid.uuid4().hex[:6]}" for n in (1, 2)]
    for title in titles:
        api.call("POST", "/documents/upload", multipart={
            "title": title, "file": {"name": "page.pdf", "mimeType": "application/pdf", "buffer": a_pdf(title)}})
    page.goto(pact_site.base_url + "/#/bundles/new")
    sign_in(page, pact_site.operator)

    # WHEN they create a bundle and add two documents
    page.get_by_label("Name", exact=True).fill("Northwind returns")
    page.get_by_role("button", name="Create bundle").click()
    expect(page.get_by_role("heading", name="Northwind returns")).to_be_visible()
    add = page.get_by_label("Add a document", exact=True)
    for title in titles:
        page.get_by_label("Search documents").fill(title)
        expect(add.locator("option", has_text=title)).to_have_count(1)
        add.select_option(label=title)
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.locator("#bundle-documents li", has_text=title)).to_be_visible()

    # AND put the second first, and save
    page.get_by_role("button", name=f"Move {titles[1]} up").click()
    page.get_by_role("button", name="Save order").click()
    expect(page.get_by_role("status").filter(has_text="Order saved.")).to_be_visible()
    snap(page, "bundle")

    # THEN the bundle keeps that order
    page.reload()
    expect(page.locator("#bundle-documents li")).to_have_text([re.compile(re.escape(t)) for t in reversed(titles)])
