"""Documents in real Chromium against devhost: a large file goes from the page straight to blob storage
(CORS on Azurite, the blob endpoint in the page's CSP), and a status moves with a reason into the history."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator

import pytest
from azure.storage.blob import BlobServiceClient
from playwright.sync_api import Page, Route, expect

from shared_code.documents.browser_uploads import allow_browser_uploads, origin_of, static_web_app_config
from tests.e2e.test_auth_ui import SWA_HEADERS, sign_in
from tests.e2e.test_records_ui import Api, a_pdf
from tests.support.services import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SWA_CONFIG = REPO / "web" / "staticwebapp.config.json"
# Above this size the upload page sends a file through an upload link (web/pages/document-upload.js).
_UPLOAD_PAGE = (REPO / "web" / "pages" / "document-upload.js").read_text()
DIRECT_LIMIT = int(re.search(r"const DIRECT_LIMIT = (\d+) \* 1024 \* 1024;", _UPLOAD_PAGE).group(1)) * 1024 * 1024


@pytest.fixture(scope="module")
def blob_service(azurite_connection_string) -> BlobServiceClient:
    return BlobServiceClient.from_connection_string(azurite_connection_string)


@pytest.fixture(scope="module")
def storage_allows_the_site(pact_site, blob_service) -> Iterator[None]:
    """Azurite's CORS rule for the site's origin, as `pact storage cors` sets it at `make run`."""
    before = blob_service.get_service_properties().get("cors") or []
    allow_browser_uploads(blob_service, [pact_site.base_url])
    yield
    blob_service.set_service_properties(cors=before)


def serve_with_headers(page: Page, site: str, headers: dict[str, str]) -> None:
    """Every file of the web app reaches the browser with `headers`, as Static Web Apps adds them. Only the
    site's own files: the PUT to storage must leave the browser itself (with its CORS preflight)."""

    def with_headers(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, **headers})

    page.route(re.compile("^" + re.escape(site) + r"/(?!api/)"), with_headers)
    # A page answered by the test (not by devhost) has no address, so Chromium counts it as public and
    # would ask before it reaches a loopback one (Azurite). Served by devhost, page and Azurite are both
    # loopback; in Azure, both public: no question either way.
    page.context.grant_permissions(["local-network-access"], origin=site)


@pytest.fixture
def deployed_headers(blob_service) -> dict[str, str]:
    """The headers `pact web config` writes for this storage account: its blob endpoint in connect-src."""
    return static_web_app_config(SWA_CONFIG, blob_endpoint=blob_service.url)["globalHeaders"]


@pytest.fixture
def large_pdf(tmp_path) -> tuple[str, bytes]:
    from bench.upload import write_padded_pdf

    path = tmp_path / "large scan.pdf"
    write_padded_pdf(path, DIRECT_LIMIT + 512 * 1024)
    return str(path), path.read_bytes()


def test_a_large_file_goes_from_the_page_straight_to_storage(
    pact_site, page, storage_allows_the_site, deployed_headers, blob_service, large_pdf
):
    serve_with_headers(page, pact_site.base_url, deployed_headers)
    path, data = large_pdf
    blob_origin = origin_of(blob_service.url)
    sent = []
    page.on("request", lambda request: sent.append((request.method, request.url)))
    page.goto(pact_site.base_url + "/#/documents/upload")
    sign_in(page, pact_site.operator)

    # WHEN the operator chooses a file over the direct limit and uploads it
    expect(page.get_by_role("heading", name="Upload documents")).to_be_visible()
    page.set_input_files("#upload-files", files=[path])
    page.get_by_role("button", name="Upload").click()

    # THEN it arrives: the page says so and links to the new document
    row = page.locator("#upload-list li").first
    expect(row.locator(".percent")).to_have_text("Uploaded", timeout=60_000)
    expect(row.locator("progress")).to_have_attribute("value", "100")
    # AND its bytes went straight to blob storage, not through the API
    assert [m for m, url in sent if url.startswith(blob_origin)].count("PUT") == 1
    assert not [url for m, url in sent if m == "POST" and url.endswith("/api/v1/documents/upload")]

    # AND the document is exactly the file, and its history says how it came
    row.get_by_role("link", name=re.compile("^Open ")).click()
    document_id = page.url.rsplit("/", 1)[-1]
    api = Api(page.request, pact_site.base_url, pact_site.operator)
    stored = api.call("GET", f"/documents/{document_id}").json()["data"]
    assert (stored["size_bytes"], stored["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    expect(page.locator("#document-history li").first).to_contain_text("uploaded through an upload link")


def test_without_the_blob_endpoint_in_its_csp_the_page_cannot_reach_storage(
    pact_site, browser, storage_allows_the_site, large_pdf
):
    # The policy as it is in the repository (connect-src 'self'): the browser refuses the PUT itself.
    context = browser.new_context()
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    serve_with_headers(page, pact_site.base_url, SWA_HEADERS)
    page.goto(pact_site.base_url + "/#/documents/upload")
    sign_in(page, pact_site.operator)
    page.set_input_files("#upload-files", files=[large_pdf[0]])
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-list li .percent")).to_have_text("Failed")
    assert any("Content Security Policy" in text and "connect-src" in text for text in console), console
    context.close()


def test_a_status_moves_with_a_reason_and_shows_in_the_history(pact_site, page, deployed_headers):
    serve_with_headers(page, pact_site.base_url, deployed_headers)
    api = Api(page.request, pact_site.base_url, pact_site.operator)
    title = f"Returned form {uuid.uuid4().hex[:6]}"
    document = api.call(
        "POST",
        "/documents/upload",
        multipart={"title": title, "file": {"name": "form.pdf", "mimeType": "application/pdf", "buffer": a_pdf(title)}},
    ).json()["data"]
    page.goto(f"{pact_site.base_url}/#/documents/{document['id']}")
    sign_in(page, pact_site.operator)
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    history = page.locator("#document-history li")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Uploaded by Olive Operator")

    # WHEN they choose Review without saying why, the form asks for a reason
    status = page.get_by_role("form", name="Change status")
    status.get_by_label("New status").select_option("review")
    status.get_by_role("button", name="Change status").click()
    expect(status.get_by_text("Reason is required.")).to_be_visible()

    # WHEN they give one
    status.get_by_label("Reason").fill("The code on page 2 cannot be read")
    status.get_by_role("button", name="Change status").click()

    # THEN the document is in review, and the history says who moved it and why
    expect(page.locator(".badge.status-review")).to_have_text("Review")
    expect(history).to_have_count(2)
    expect(history.nth(1)).to_contain_text("Uploaded → Review by Olive Operator")
    expect(history.nth(1).locator(".history-reason")).to_have_text("The code on page 2 cannot be read")

    # AND a move made elsewhere meanwhile is not overwritten: the page says so and offers a reload
    api.call("POST", f"/documents/{document['id']}/status", json={"status": "processing", "reason": "re-scan"})
    status = page.get_by_role("form", name="Change status")
    status.get_by_label("New status").select_option("completed")
    status.get_by_label("Reason").fill("Checked by hand")
    status.get_by_role("button", name="Change status").click()
    expect(status.get_by_role("alert")).to_contain_text("changed by someone else")
    status.get_by_role("button", name="Reload document").click()
    expect(page.locator(".badge.status-processing")).to_have_text("Processing")
    expect(page.locator("#document-history li")).to_have_count(3)
