"""The batch pages in real Chromium against devhost: the new-batch wizard (template, contract, candidates, a
preview of the first document, confirm), the batch's page following the `generate` queue trigger until the
batch completes, its documents listed and opened, failed documents with their reasons, and the batch list."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SEEDED_CONTRACT
from tests.e2e.test_auth_ui import sign_in, static_web_app_headers  # noqa: F401 (the CSP of Static Web Apps, autouse)
from tests.e2e.test_records_ui import Api, snap
from tests.e2e.test_templates_ui import upload_indexed

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BATCH_TIMEOUT = 60_000  # ms: devhost polls the `generate` queue on Azurite, then makes the documents
CONTRACT = f"{SEEDED_CONTRACT[1]} ({SEEDED_CONTRACT[0]})"
ELIGIBLE = [f"Northwind Clinic {n:02d}" for n in range(1, 5)]  # conftest: the first four clinics are eligible
ELIGIBLE_ROWS = [f"{clinic} (NW-{n:03d})" for n, clinic in enumerate(ELIGIBLE, 1)]  # as pickers and tables name them
# Where "Account Name: ____" is blank on the test form (test_templates_ui.blank_form), in PDF points.
NAME_BLANK = {"page": 1, "x0": 160, "y0": 615, "x1": 420, "y1": 633}




def indexed_template(api: Api, name: str, fields: list[dict]) -> str:
    """A test form uploaded through the API and indexed, with `fields` added; its id."""
    upload_indexed(api, {name: "gpo"})
    found = api.call("GET", f"/templates?q={name}").json()["data"]
    (template,) = [row for row in found if row["name"] == name]
    for field in fields:
        api.call("POST", f"/templates/{template['id']}/fields?version=1", json=field)
    return template["id"]


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def next_step(page: Page, step: str) -> None:
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".wizard-step legend")).to_contain_text(step)


def test_a_batch_made_with_the_wizard_completes_and_lists_its_documents(pact_site, page):
    api = Api(page.request, pact_site.base_url, pact_site.operator)
    name = f"Welcome letter {uuid.uuid4().hex[:6]}"
    indexed_template(api, name, [{"name": "account_name", "binding": "account.name", "required": True, **NAME_BLANK}])

    page.goto(pact_site.base_url + "/#/batches")
    sign_in(page, pact_site.operator)
    expect(page.get_by_role("heading", name="Batches")).to_be_visible()
    page.get_by_role("link", name="New batch").click()

    # WHEN the operator chooses the template; a Next without a choice is refused in words first
    expect(page.locator(".wizard-step legend")).to_have_text("Step 1 of 5: Template")
    expect(page.locator(".wizard-steps li[aria-current=step]")).to_have_text("Template")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_have_text("Choose a template.")
    page.get_by_label("Search templates").fill(name)
    page.get_by_label("Template", exact=True).select_option(label=f"{name} (version 1)")
    next_step(page, "Contract")

    # AND the contract, whose candidates then show by status with their counts
    page.get_by_label("Search contracts").fill(SEEDED_CONTRACT[0])
    page.get_by_label("Contract", exact=True).select_option(label=CONTRACT)
    next_step(page, "Accounts")
    status = page.get_by_label("Candidates in status")
    expect(status.locator("option:checked")).to_have_text("Eligible (4)")
    expect(page.locator("#batch-candidate-names li")).to_have_text(ELIGIBLE_ROWS)
    status.select_option("declined")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("The contract has no declined candidates"))
    status.select_option("eligible")
    snap(page, "batch-wizard-accounts")

    # THEN the preview shows the first document, filled for the first candidate by name
    next_step(page, "Preview")
    expect(page.locator("#batch-preview-pages")).to_have_attribute("data-rendered", "true", timeout=30_000)
    expect(page.locator("#batch-preview-note")).to_contain_text(f"The first document, for {ELIGIBLE_ROWS[0]}: 1 page")
    preview = page.get_by_role("img", name=f"Page 1 of 1, filled with {ELIGIBLE[0]}'s data")
    expect(preview).to_be_visible()
    assert preview.evaluate("image => image.naturalWidth") > 800  # a letter page at 100 DPI, drawn
    snap(page, "batch-wizard-preview")

    # WHEN they confirm what the summary says
    next_step(page, "Confirm")
    summary = page.locator("#batch-summary")
    for fact in (f"{name} (version 1)", CONTRACT, "4 eligible candidates of the contract", "Print"):
        expect(summary).to_contain_text(fact)
    page.get_by_role("button", name="Create batch").click()

    # THEN the batch's page follows the work until all four documents are made
    expect(page).to_have_url(re.compile(r"#/batches/[0-9a-f-]{36}$"))
    batch_id = page.url.rsplit("/", 1)[1]
    expect(page.locator("#batch-progress")).to_be_visible()
    expect(page.locator("#batch-done")).to_have_text("The batch is completed.", timeout=BATCH_TIMEOUT)
    expect(page.locator(".page-head .badge")).to_have_text("Completed")
    expect(page.locator("#batch-progress progress")).to_have_attribute("value", "4")
    expect(page.locator("#batch-progress")).to_contain_text("4 of 4 made")
    expect(page.locator("#batch-failures")).to_have_text("None.")
    expect(page.locator("#batch-summary")).to_contain_text(name)
    rows = page.locator("#batch-documents .tabulator-row")
    expect(rows).to_have_count(4)
    expect(rows.locator("[tabulator-field=account_id]")).to_have_text(ELIGIBLE_ROWS)
    expect(rows.get_by_role("link", name="Open document")).to_have_count(4)
    snap(page, "batch-completed")

    # AND each document is the account's own, as the API holds it
    detail = api.call("GET", f"/batches/{batch_id}").json()["data"]
    assert detail["status"] == "completed" and detail["progress"]["generated"] == 4, detail
    first = detail["documents"][0]
    assert ELIGIBLE[0] in pdf_text(api.call("GET", f"/documents/{first['document_id']}/content").body())

    # WHEN they make print files with a cover sheet before each document
    printing = page.locator("#batch-print")
    expect(printing.locator("#batch-print-files")).to_have_text("None made yet.")
    printing.get_by_label("Cover sheets").check()
    printing.get_by_role("button", name="Make print files").click()
    expect(printing.get_by_role("status")).to_have_text("1 print file.")
    link = printing.locator("#batch-print-files a")
    expect(link).to_have_count(1)
    expect(printing.locator("#batch-print-files li")).to_contain_text("4 documents, 8 pages")
    # THEN its link (to the storage account) downloads the documents in print order, each after its cover sheet
    with page.expect_download() as started:
        link.click()
    printed = pdf_text(open(started.value.path(), "rb").read())
    order = [printed.index(clinic) for clinic in ELIGIBLE]
    assert order == sorted(order), printed

    # WHEN they release the batch; THEN its candidates are sent, and a second release is refused in words
    page.get_by_role("button", name="Release batch").click()
    page.get_by_role("button", name="Yes").click()
    expect(page.locator("#batch-released")).to_have_text(re.compile(r"^Released .+: \d+ candidates? moved to sent\.$"))
    counts = api.call("GET", f"/contracts/{detail['contract_id']}/candidate-counts").json()["data"]
    assert (counts["eligible"], counts["sent"]) == (0, 6), counts
    page.reload()
    page.get_by_role("button", name="Release batch").click()
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("alert").filter(has_text="released already")).to_have_text(
        re.compile("^the batch was released already, at ")
    )
    snap(page, "batch-released")

    # AND a document opens from the list
    rows.first.get_by_role("link", name="Open document").click()
    expect(page).to_have_url(re.compile(f"#/documents/{first['document_id']}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(ELIGIBLE[0])

    # AND the batch list shows it, newest first, with a link back to its page
    page.goto(pact_site.base_url + "/#/batches")
    table = page.locator("#batches-table")
    expect(table).to_have_attribute("data-loaded", "true")
    row = table.locator(".tabulator-row").first
    expect(row.locator("[tabulator-field=template_id]")).to_have_text(name)
    expect(row.locator("[tabulator-field=status]")).to_have_text("Completed")
    expect(row).to_contain_text("4 of 4 made")
    page.get_by_label("Status").select_option("failed")
    expect(table.locator(".tabulator-row")).to_have_count(0)
    page.get_by_label("Status").select_option("completed")
    expect(table.locator(".tabulator-row")).to_have_count(1)
    table.locator(".tabulator-row").first.locator("[tabulator-field=created_at] a").click()
    expect(page).to_have_url(re.compile(f"#/batches/{batch_id}$"))
    snap(page, "batch-list")


def test_chosen_accounts_without_required_data_fail_with_the_reason(pact_site, page):
    api = Api(page.request, pact_site.base_url, pact_site.operator)
    name = f"Address letter {uuid.uuid4().hex[:6]}"
    indexed_template(
        api,
        name,
        [
            {"name": "account_name", "binding": "account.name", "required": True, **NAME_BLANK},
            {
                "name": "street",
                "binding": "account.address_line1",
                "required": True,
                "page": 1,
                "x0": 160,
                "y0": 555,
                "x1": 420,
                "y1": 573,
            },
        ],
    )
    addressed = api.call(
        "POST",
        "/accounts",
        json={
            "number": f"AD-{uuid.uuid4().hex[:6]}",
            "name": "Harbor Pharmacy",
            "account_type": "pharmacy",
            "address_line1": "12 Quay Street",
            "city": "Astoria",
            "state": "OR",
        },
    ).json()["data"]

    page.goto(pact_site.base_url + "/#/batches/new")
    sign_in(page, pact_site.operator)
    page.get_by_label("Search templates").fill(name)
    page.get_by_label("Template", exact=True).select_option(label=f"{name} (version 1)")
    next_step(page, "Contract")
    page.get_by_label("Contract", exact=True).select_option(label=CONTRACT)
    next_step(page, "Accounts")

    # WHEN the operator chooses two accounts by hand, the one with an address first (keyboard only for the mode)
    page.get_by_label("Accounts I choose").check()
    expect(page.get_by_label("Candidates in status")).to_be_hidden()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_have_text("Add at least one account.")
    for search, account in (
        (addressed["number"], f"Harbor Pharmacy ({addressed['number']})"),
        ("NW-007", "Northwind Clinic 07 (NW-007)"),
    ):
        page.get_by_label("Search accounts").fill(search)
        page.get_by_label("Account", exact=True).select_option(label=account)
        page.get_by_role("button", name="Add account").click()
        expect(page.locator("#batch-picked-accounts li").last).to_contain_text(account)
    expect(page.locator("#batch-picked-accounts li")).to_have_count(2)

    next_step(page, "Preview")
    expect(page.locator("#batch-preview-note")).to_contain_text(
        "The first document, for Harbor Pharmacy", timeout=30_000
    )
    next_step(page, "Confirm")
    expect(page.locator("#batch-summary")).to_contain_text("2 chosen accounts")
    page.get_by_role("button", name="Create batch").click()

    # THEN one document is made and the other fails, named with its reason
    expect(page.locator("#batch-done")).to_have_text("The batch is completed.", timeout=BATCH_TIMEOUT)
    expect(page.locator("#batch-progress")).to_contain_text("1 of 2 made, 1 failed")
    failure = page.locator("#batch-failures li")
    expect(failure).to_have_count(1)
    expect(failure).to_contain_text("Northwind Clinic 07 (NW-007)")
    expect(failure).to_contain_text(re.compile("missing required data", re.I))
    rows = page.locator("#batch-documents .tabulator-row")
    expect(rows.locator("[tabulator-field=status]")).to_have_text(["Generated", "Failed"])
    expect(rows.get_by_role("link", name="Open document")).to_have_count(1)
    snap(page, "batch-failures")


def test_a_viewer_sees_batches_but_cannot_start_one(pact_site, page):
    page.goto(pact_site.base_url + "/#/batches")
    sign_in(page, pact_site.viewer)
    expect(page.get_by_role("heading", name="Batches")).to_be_visible()
    expect(page.locator("#batches-table")).to_have_attribute("data-loaded", "true")
    expect(page.get_by_role("link", name="New batch")).to_have_count(0)
    page.goto(pact_site.base_url + "/#/batches/new")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
