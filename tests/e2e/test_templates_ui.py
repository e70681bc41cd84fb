"""The templates pages in real Chromium against devhost: a PDF dropped on the upload page is indexed while its
page watches, fields are detected, moved and resized with the mouse and the keyboard, drawn and saved, and
the template is previewed filled with data; the list pages, filters and sorts on the server."""

from __future__ import annotations

import io
import re
import time
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.test_auth_ui import sign_in, static_web_app_headers  # noqa: F401 (the CSP of Static Web Apps, autouse)
from tests.e2e.test_records_ui import Api, snap

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INDEXING_TIMEOUT = 60_000  # ms: devhost polls Azurite, then the version is analysed
LABELS = ("Account Name:", "Contract Number:", "Date:", "Signature:")


def blank_form(title: str) -> bytes:
    """A one-page letter form: a title, a paragraph, and labels followed by blank lines to fill in."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas as pdf_canvas

    out = io.BytesIO()
    canvas = pdf_canvas.Canvas(out, pagesize=letter, invariant=1)
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(72, 720, title)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(72, 690, "Please complete every line below and return this form to your contract manager.")
    for n, text in enumerate(LABELS):
        y = 620 - 60 * n
        canvas.drawString(72, y, f"{text} ________________________________")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def drop_file(page: Page, target: str, name: str, data: bytes) -> None:
    """Drop a file on `target` as a browser does (a drop event carrying a DataTransfer)."""
    page.locator(target).dispatch_event(
        "drop",
        {
            "dataTransfer": page.evaluate_handle(
                """([name, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, { type: "application/pdf" }));
            return transfer;
        }""",
                [name, list(data)],
            )
        },
    )


def drag(page: Page, start: tuple[float, float], delta: tuple[float, float]) -> None:
    """Press the mouse at `start`, move it by `delta` in a few steps, and let go."""
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + delta[0], start[1] + delta[1], steps=5)
    page.mouse.up()


def centre(locator: Locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def field_box(page: Page, name: str) -> Locator:
    """The box drawn for the field called `name`."""
    return page.locator(".field-box").filter(
        has=page.locator(".field-box-name", has_text=re.compile(f"^{re.escape(name)}$"))
    )


def on_stage(page: Page, name: str) -> tuple[float, float, float, float]:
    """Where the field's box is drawn over its page: left, top, width, height in CSS pixels."""
    box = field_box(page, name).bounding_box()
    stage = page.locator(".field-stage").first.bounding_box()
    return box["x"] - stage["x"], box["y"] - stage["y"], box["width"], box["height"]


def upload_indexed(api: Api, names: dict[str, str]) -> None:
    """Templates uploaded through the API ({name: category}), once they are all indexed."""
    ids = [
        api.call(
            "POST",
            "/templates",
            multipart={
                "name": name,
                "category": category,
                "file": {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": blank_form(name)},
            },
        ).json()["data"]["id"]
        for name, category in names.items()
    ]
    deadline = time.monotonic() + INDEXING_TIMEOUT / 1000
    while any(api.call("GET", f"/templates/{i}").json()["data"]["status"] == "pending" for i in ids):
        assert time.monotonic() < deadline, "not indexed in time"
        time.sleep(0.5)


def test_the_coordinate_conversion_keeps_points_and_the_page_image_in_step(pact_site, page):
    # The editor's conversions between PDF points (bottom-left origin) and the page image (top-left), in the browser.
    page.goto(pact_site.base_url + "/#/health")
    results = page.evaluate("""async () => {
        const g = await import("/field-geometry.js");
        const page = { width: 612, height: 792 };
        const rect = { x0: 72, y0: 600, x1: 272, y1: 620 };
        const box = g.toBox(rect, page);
        // the box's corners, on an image shown at 306 x 396 pixels, back in points
        const shown = { width: 306, height: 396 };
        const topLeft = g.toPoint(box.left * 306, box.top * 396, page, shown);
        const bottomRight = g.toPoint((box.left + box.width) * 306, (box.top + box.height) * 396, page, shown);
        return {
            box,
            back: g.spanned(topLeft, bottomRight, page),
            moved: g.moved(rect, 10, -5, page),
            pinned: g.moved(rect, 1000, 1000, page),
            grown: g.resized(rect, "se", 30, -10, page),
            shrunk: g.resized(rect, "nw", 500, -500, page),
            centred: g.centred(page),
        };
    }""")
    assert results["box"] == pytest.approx({"left": 72 / 612, "top": 172 / 792, "width": 200 / 612, "height": 20 / 792})
    assert results["back"] == {"x0": 72, "y0": 600, "x1": 272, "y1": 620}
    assert results["moved"] == {"x0": 82, "y0": 595, "x1": 282, "y1": 615}
    assert results["pinned"] == {"x0": 412, "y0": 772, "x1": 612, "y1": 792}  # kept whole on the page
    assert results["grown"] == {"x0": 72, "y0": 590, "x1": 302, "y1": 620}  # the bottom right corner out and down
    assert results["shrunk"] == {"x0": 268, "y0": 600, "x1": 272, "y1": 604}  # no smaller than 4 points a side
    assert results["centred"] == {"x0": 231, "y0": 386, "x1": 381, "y1": 406}


def test_a_template_is_uploaded_indexed_mapped_and_previewed(pact_site, page):
    name = f"Participation form {uuid.uuid4().hex[:6]}"
    api = Api(page.request, pact_site.base_url, pact_site.operator)
    page.goto(pact_site.base_url + "/#/templates/upload")
    sign_in(page, pact_site.operator)

    # WHEN the operator drops a PDF on the upload page, names it and uploads it
    expect(page.get_by_role("heading", name="Upload a template")).to_be_visible()
    drop_file(page, "#template-dropzone", "participation.pdf", blank_form(name))
    expect(page.locator("#upload-list li")).to_have_count(1)
    expect(page.get_by_label("Name", exact=True)).to_have_value("participation")  # taken from the file
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Category", exact=True).fill("gpo")
    page.get_by_role("button", name="Upload template").click()

    # THEN its page opens while it is being indexed (analysing a page takes most of a second), and shows the
    # indexing end by itself: nobody reloads the page
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    template_id = page.url.rsplit("/", 1)[-1]
    status = page.locator(".facts [data-status]")
    expect(status).to_have_text("Pending")
    expect(page.locator("#template-watch")).to_contain_text("This page updates by itself.")
    expect(status).to_have_text("Indexed", timeout=INDEXING_TIMEOUT)
    expect(page.locator("#template-done")).to_have_text("Indexing ended: the template is indexed.")
    expect(page.locator("#template-watch")).to_be_empty()
    expect(page.locator("#template-pages")).to_have_attribute("data-rendered", "true")
    expect(page.locator("#template-pages").get_by_role("img", name="Page 1 of 1")).to_be_visible()
    expect(page.locator("#template-versions tbody tr")).to_have_count(1)
    snap(page, "template-indexed")

    # WHEN they open the field editor and ask for the fields to be detected
    page.get_by_role("link", name="Edit fields").click()
    expect(page.locator("#field-pages")).to_have_attribute("data-rendered", "true")
    page.get_by_role("button", name="Detect fields").click()

    # THEN a field is found at each labelled blank, stored as detected, and drawn over the page
    boxes = page.locator(".field-stage .field-box")
    expect(boxes).to_have_count(len(LABELS), timeout=30_000)
    expect(page.get_by_role("status").filter(has_text=f"{len(LABELS)} fields detected and added.")).to_be_visible()
    detected = {f["name"]: f for f in api.call("GET", f"/templates/{template_id}/fields").json()["data"]["fields"]}
    assert len(detected) == len(LABELS) and {f["source"] for f in detected.values()} == {"detected"}, detected
    snap(page, "template-fields-detected")

    # AND move the first field with the mouse, then resize it by its bottom right corner
    first = min(detected.values(), key=lambda f: -f["y1"])  # the top one: Account Name
    box = field_box(page, first["name"])
    stage = page.locator(".field-stage").first
    scale = 612 / stage.bounding_box()["width"]  # points per CSS pixel
    drag(page, centre(box), (40, 30))
    corner = box.locator(".handle-se").bounding_box()
    drag(page, (corner["x"] + corner["width"] / 2, corner["y"] + corner["height"] / 2), (60, 10))
    # AND nudge it with the keyboard: three points right, then two points taller (Alt+Down)
    box.focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowRight", "Alt+ArrowDown", "Alt+ArrowDown"):
        page.keyboard.press(key)
    expect(page.locator("#field-form .field-position")).to_contain_text("Left")
    page.get_by_role("button", name="Save field").click()
    expect(page.get_by_role("status").filter(has_text=f"{first['name']} saved.")).to_be_visible()

    # THEN the API has the rectangle where the mouse and the keys put it (points; the page is y-up)
    saved = api.call("GET", f"/templates/{template_id}/fields").json()["data"]["fields"]
    moved = next(f for f in saved if f["id"] == first["id"])
    assert moved["x0"] == pytest.approx(first["x0"] + 40 * scale + 3, abs=0.3)
    assert moved["y1"] == pytest.approx(first["y1"] - 30 * scale, abs=0.3)
    assert moved["x1"] == pytest.approx(first["x1"] + 100 * scale + 3, abs=0.3)
    assert moved["y0"] == pytest.approx(first["y0"] - 40 * scale - 2, abs=0.3)

    # WHEN they draw a new field on an empty part of the page, and give it a name, a type and a fixed value
    stage_box = stage.bounding_box()
    drag(page, (stage_box["x"] + stage_box["width"] * 0.55, stage_box["y"] + stage_box["height"] * 0.85), (120, 25))
    form = page.get_by_role("form", name="Field settings")
    expect(form.get_by_label("Name")).to_be_focused()
    form.get_by_label("Name").fill("program_code")
    form.get_by_label("Type").select_option("text")
    form.get_by_label("Required").check()
    form.get_by_label("Filled from").select_option("fixed")
    form.get_by_label("Fixed value").fill("GPO-2024")
    form.get_by_role("button", name="Add field").click()
    expect(page.get_by_role("status").filter(has_text="program_code saved.")).to_be_visible()

    # THEN after a reload the editor shows every field where it was saved, and so does the API
    drawn = on_stage(page, first["name"])
    page.reload()
    expect(page.locator("#field-pages")).to_have_attribute("data-rendered", "true")
    expect(boxes).to_have_count(len(LABELS) + 1)
    assert on_stage(page, first["name"]) == pytest.approx(drawn, abs=1)
    fields = {f["name"]: f for f in api.call("GET", f"/templates/{template_id}/fields").json()["data"]["fields"]}
    assert (
        fields["program_code"]["binding"],
        fields["program_code"]["required"],
        fields["program_code"]["source"],
    ) == ("fixed:GPO-2024", True, "manual")
    assert fields["program_code"]["x1"] - fields["program_code"]["x0"] == pytest.approx(120 * scale, abs=0.3)
    snap(page, "template-fields-saved")

    # WHEN they preview the template filled with sample data
    page.get_by_role("button", name="Show preview").click()

    # THEN the filled page is shown as an image
    preview = page.locator("#template-preview-pages img")
    expect(preview).to_have_count(1, timeout=20_000)
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 100", preview.element_handle())
    snap(page, "template-preview")


def test_the_list_is_searched_sorted_and_filtered_by_the_server_and_a_template_retired(pact_site, page):
    tag = uuid.uuid4().hex[:6]
    names = {f"{tag} Alpha": "gpo", f"{tag} Bravo": "idn", f"{tag} Charlie": "gpo"}
    upload_indexed(Api(page.request, pact_site.base_url, pact_site.operator), names)
    page.goto(pact_site.base_url + "/#/templates")
    sign_in(page, pact_site.operator)
    table = page.locator("#templates-table")
    rows = table.locator(".tabulator-row")
    expect(table).to_have_attribute("data-loaded", "true")

    # WHEN the list is searched, it shows those templates by name; a click on the header turns the order
    page.get_by_label("Search").fill(tag)
    expect(rows).to_have_count(3)
    expect(rows.locator("[tabulator-field=name]")).to_have_text(list(names))
    expect(rows.first).to_contain_text("Indexed")
    table.locator(".tabulator-col[tabulator-field=name]").click()
    expect(rows.locator("[tabulator-field=name]")).to_have_text(list(reversed(names)))

    # AND the category and status filters narrow it on the server
    page.get_by_label("Category").fill("gpo")
    page.get_by_label("Category").press("Enter")
    expect(rows).to_have_count(2)
    page.get_by_label("Status").select_option("failed")
    expect(table.locator(".tabulator-placeholder")).to_be_visible()
    page.get_by_label("Status").select_option("indexed")
    expect(rows).to_have_count(2)
    snap(page, "templates-list")

    # WHEN a template's category is changed on its page, and it is retired
    rows.get_by_role("link", name=f"{tag} Alpha").click()
    expect(page.get_by_role("heading", name=f"{tag} Alpha")).to_be_visible()
    details = page.get_by_role("form", name="Edit template")
    details.get_by_label("Category", exact=True).fill("regional")
    details.get_by_role("button", name="Save details").click()
    expect(page.locator("#template-done")).to_have_text("The details were saved.")
    expect(page.get_by_role("form", name="Edit template").get_by_label("Category", exact=True)).to_have_value(
        "regional"
    )
    page.get_by_role("button", name="Retire template").click()
    page.get_by_role("button", name="Yes").click()

    # THEN the page says so; the list leaves it out, but shows it among the "Retired", whence it is restored
    expect(page.locator("#template-done")).to_have_text("The template was retired.")
    expect(page.get_by_role("heading", name="Retired")).to_be_visible()
    expect(page.get_by_role("form", name="Edit template")).to_have_count(0)
    page.get_by_role("link", name="Back to templates").click()
    page.get_by_label("Search").fill(tag)
    expect(rows).to_have_count(2)
    page.get_by_label("Status").select_option("deleted")
    expect(rows).to_have_count(1)
    restore = rows.get_by_role("button", name=re.compile("^Restore "))
    expect(restore).to_have_count(1)
    expect(restore).to_have_accessible_name(f"Restore {tag} Alpha")
    expect(rows.filter(has=page.get_by_role("button", name=re.compile("^Restore ")))).to_contain_text("regional")
    restore.click()
    expect(restore).to_have_count(0)
    page.get_by_label("Status").select_option("")
    expect(rows).to_have_count(3)


def test_a_file_that_is_not_a_pdf_is_refused_with_the_servers_reason(pact_site, page):
    page.goto(pact_site.base_url + "/#/templates/upload")
    sign_in(page, pact_site.operator)
    page.set_input_files(
        "#template-file", files=[{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"just some notes"}]
    )
    page.get_by_role("button", name="Upload template").click()
    expect(page.locator("#upload-list .percent")).to_have_text("Failed")
    alert = page.get_by_role("form", name="Upload a template").get_by_role("alert").first
    expect(alert).to_contain_text("PDF")
    expect(page).to_have_url(re.compile(r"#/templates/upload$"))


def test_a_viewer_sees_the_fields_without_changing_them(pact_site, page):
    name = f"Viewer form {uuid.uuid4().hex[:6]}"
    api = Api(page.request, pact_site.base_url, pact_site.operator)
    upload_indexed(api, {name: "gpo"})
    template = api.call("GET", f"/templates?q={name}").json()["data"][0]
    api.call("POST", f"/templates/{template['id']}/detect-fields?apply=true")
    page.goto(f"{pact_site.base_url}/#/templates/{template['id']}")
    sign_in(page, pact_site.viewer)

    page.get_by_role("link", name="View fields").click()
    expect(page.locator("#field-pages")).to_have_attribute("data-rendered", "true")
    boxes = page.locator(".field-stage .field-box")
    expect(boxes).to_have_count(len(LABELS))
    expect(page.get_by_role("button", name="Detect fields")).to_have_count(0)
    boxes.first.click()
    form = page.get_by_role("form", name="Field settings")
    expect(form.get_by_label("Name")).to_be_disabled()
    expect(form.get_by_role("button")).to_have_count(0)
    expect(page.locator(".handle")).to_have_count(0)


def test_a_new_version_is_indexed_while_its_page_watches_and_a_field_is_deleted(pact_site, page):
    name = f"Versioned form {uuid.uuid4().hex[:6]}"
    api = Api(page.request, pact_site.base_url, pact_site.operator)
    upload_indexed(api, {name: "gpo"})
    template = api.call("GET", f"/templates?q={name}").json()["data"][0]
    page.goto(f"{pact_site.base_url}/#/templates/{template['id']}")
    sign_in(page, pact_site.operator)

    # WHEN a second version is dropped on the page and uploaded
    expect(page.locator("#template-versions tbody tr")).to_have_count(1)
    drop_file(page, "#version-dropzone", "revised.pdf", blank_form(f"{name} (revised)"))
    page.get_by_role("button", name="Upload version").click()

    # THEN the page watches it being indexed, and lists both versions, newest first
    expect(page.locator("#template-done")).to_have_text(re.compile("^Version 2 was uploaded|^Indexing ended"))
    expect(page.locator("#template-done")).to_have_text(
        "Indexing ended: the template is indexed.", timeout=INDEXING_TIMEOUT
    )
    expect(page.locator("#template-versions tbody tr")).to_have_count(2)
    expect(page.locator("#template-versions tbody tr").first).to_contain_text("revised.pdf")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download version 1").click()
    assert download.value.suggested_filename == f"{name}.pdf"

    # WHEN a field is added from the keyboard in the editor, then deleted
    page.get_by_role("link", name="Edit fields").click()
    expect(page.locator("#field-pages")).to_have_attribute("data-rendered", "true")
    page.get_by_role("button", name="New field").click()
    form = page.get_by_role("form", name="Field settings")
    form.get_by_label("Name").fill("reference")
    form.get_by_role("button", name="Add field").click()
    expect(page.get_by_role("status").filter(has_text="reference saved.")).to_be_visible()
    fields = api.call("GET", f"/templates/{template['id']}/fields").json()["data"]
    assert fields["version"] == 2 and [f["name"] for f in fields["fields"]] == ["reference"]
    page.get_by_role("button", name="Delete field").click()
    page.get_by_role("button", name="Yes").click()

    # THEN it is gone from the page and from the version
    expect(page.locator(".field-box")).to_have_count(0)
    assert api.call("GET", f"/templates/{template['id']}/fields").json()["data"]["fields"] == []
