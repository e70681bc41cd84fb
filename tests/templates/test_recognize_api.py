"""POST /recognize: for each page of a PDF or image, the tenant's template, version and page it most
likely is, or unknown; from the indexed versions of the tenant's live templates only, with the
recognizer rebuilt exactly when those change. Templates and scans come from the test corpus."""

from __future__ import annotations

import random

import pytest

from shared_code.templates.recognizing import RECOGNIZERS
from tests.support import corpus_scan
from tests.support.corpus import filled_pdf, template_pdf, template_specs
from tests.support.corpus_layouts import foreign_layouts
from tests.templates.client import run_trigger

SPECS = {(spec.key, spec.version): spec for spec in template_specs()}
INDEXED = (("pharmacy", 1), ("termination", 1), ("membership", 1), ("membership_dental", 1))


def _index(admin_app, tenant, manager, key: str, version: int = 1, template_id: str | None = None) -> str:
    spec = SPECS[(key, version)]
    if template_id is None:
        template_id = manager.upload(template_pdf(spec), f"{key}.pdf", name=spec.name).data["id"]
    else:
        assert manager.add_version(template_id, template_pdf(spec)).status == 202
    run_trigger(admin_app, f"{tenant.id}/{template_id}/v{version}.pdf")
    assert manager.get(template_id).data["status"] == "indexed"
    return template_id


@pytest.fixture
def indexed(admin_app, tenant, manager) -> dict[str, str]:
    return {key: _index(admin_app, tenant, manager, key, version) for key, version in INDEXED}


def _scan(key: str, page: int, seed: int, *, turned: bool = False) -> corpus_scan.Scan:
    rng = random.Random(seed)
    data, _ = filled_pdf(SPECS[(key, 1)], rng)
    scan = corpus_scan.scan_page(data, page - 1, rng, turns=False)
    if not turned:
        return scan
    return corpus_scan.Scan(scan.jpeg, scan.dpi, scan.size, 180, page_rotate=180)  # the scanner turned it


def _foreign(seed: int) -> corpus_scan.Scan:
    rng = random.Random(seed)
    spec, _ = foreign_layouts(seed)[0]
    data, _ = filled_pdf(spec, rng)
    return corpus_scan.scan_page(data, 0, rng, turns=False)


def test_each_page_of_a_scanned_file_is_recognised_or_unknown(admin_app, tenant, reader, indexed):
    scans = [_scan("membership_dental", 2, 11), _foreign(5), _scan("pharmacy", 1, 12, turned=True)]
    reply = reader.recognize(corpus_scan.scans_to_pdf(scans))
    assert reply.status == 200, reply.body
    result = reply.data
    assert result["template_pages"] == 6  # 1 + 1 + 2 + 2
    assert [page["index"] for page in result["pages"]] == [0, 1, 2]
    dental, foreign, pharmacy = result["pages"]
    assert (dental["template_id"], dental["template_version"], dental["template_page"]) == (
        indexed["membership_dental"],
        1,
        2,
    )
    assert dental["confidence"] > 0.5
    assert foreign == {
        "index": 1,
        "template_id": None,
        "template_version": None,
        "template_page": None,
        "rotation": foreign["rotation"],
        "confidence": foreign["confidence"],
        "runner_up": foreign["runner_up"],
    }
    assert (pharmacy["template_id"], pharmacy["template_page"], pharmacy["rotation"]) == (indexed["pharmacy"], 1, 180)
    for page in result["pages"]:
        assert set(page) == {
            "index",
            "template_id",
            "template_version",
            "template_page",
            "rotation",
            "confidence",
            "runner_up",
        }
        if page["runner_up"] is not None:
            assert set(page["runner_up"]) == {"template_id", "confidence"}
            assert page["runner_up"]["template_id"] in indexed.values()
    assert "2 of 3 page(s) recognised" in reply.json["message"]


def test_an_image_is_recognised_too(admin_app, tenant, reader, indexed):
    scan = _scan("termination", 1, 21)
    reply = reader.recognize(scan.jpeg, content_type="image/jpeg", file_name="scan.jpg")
    assert reply.status == 200, reply.body
    [page] = reply.data["pages"]
    assert (page["template_id"], page["template_page"]) == (indexed["termination"], 1)


def test_retired_templates_and_other_tenants_templates_are_not_recognised(admin_app, tenant, manager, reader, indexed):
    from tests.support.api import caller, seed_tenant
    from tests.templates.client import Templates

    page = corpus_scan.scans_to_pdf([_scan("termination", 1, 31)])
    builds = RECOGNIZERS.builds
    assert reader.recognize(page).data["pages"][0]["template_id"] == indexed["termination"]
    assert reader.recognize(page).data["pages"][0]["template_id"] == indexed["termination"]
    assert RECOGNIZERS.builds == builds + 1  # built once, then kept while nothing changes
    manager.client.delete(f"/templates/{indexed['termination']}")
    retired = reader.recognize(page).data
    assert (retired["pages"][0]["template_id"], retired["template_pages"]) == (None, 5)
    manager.client.post(f"/templates/{indexed['termination']}/restore")
    assert reader.recognize(page).data["pages"][0]["template_id"] == indexed["termination"]
    other = Templates(caller(admin_app, seed_tenant(admin_app).users["Viewer"]))
    elsewhere = other.recognize(page)
    assert elsewhere.status == 200
    assert (elsewhere.data["template_pages"], elsewhere.data["pages"][0]["template_id"]) == (0, None)


def test_a_new_version_is_recognised_once_indexed(admin_app, tenant, manager, reader):
    template_id = _index(admin_app, tenant, manager, "commitment", 1)
    _index(admin_app, tenant, manager, "termination", 1)
    rng = random.Random(41)
    data, _ = filled_pdf(SPECS[("commitment", 2)], rng)
    page = corpus_scan.scans_to_pdf([corpus_scan.scan_page(data, 0, rng, turns=False)])
    assert reader.recognize(page).data["pages"][0]["template_version"] != 2  # not indexed yet: not known
    _index(admin_app, tenant, manager, "commitment", 2, template_id=template_id)
    found = reader.recognize(page).data["pages"][0]
    assert (found["template_id"], found["template_version"]) == (template_id, 2)


@pytest.mark.parametrize(
    ("data", "content_type", "status", "code"),
    [
        (b"GIF89a" + b"\x00" * 64, "image/gif", 415, "unsupported_media_type"),
        (b"plain text", "application/pdf", 415, "unsupported_media_type"),
        (b"%PDF-1.7\n%%EOF\n", "application/pdf", 422, "unprocessable"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png", 422, "unprocessable"),
    ],
    ids=["gif", "text", "damaged-pdf", "damaged-png"],
)
def test_files_that_cannot_be_recognised_are_refused(admin_app, tenant, reader, data, content_type, status, code):
    reply = reader.recognize(data, content_type=content_type)
    assert (reply.status, reply.error_code) == (status, code), reply.body
    raw = reader.upload_raw(data, content_type=content_type, path="/recognize")  # the file as the whole body
    assert (raw.status, raw.error_code) == (status, code), raw.body
