"""A template version's fields: listed (AcroForm fields found by indexing, then whatever people add),
added, changed and removed with validation of type, page, rectangle and binding; If-Match honoured."""

from __future__ import annotations

import pytest

from tests.templates.client import run_trigger
from tests.templates.forms import form_pdf

BOX = {"x0": 72.0, "y0": 300.0, "x1": 300.0, "y1": 320.0}


@pytest.fixture
def template(admin_app, tenant, manager) -> dict:
    template = manager.upload(form_pdf(pages=2), name="Participation").data
    run_trigger(admin_app, f"{tenant.id}/{template['id']}/v1.pdf")
    return template


def test_fields_are_added_changed_and_removed(admin_app, tenant, manager, reader, template):
    added = manager.add_field(
        template["id"],
        {"name": "Contract number", "type": "text", "page": 2, **BOX, "required": True, "binding": "contract.number"},
    )
    assert added.status == 201, added.body
    field = added.data
    assert (field["source"], field["confidence"], field["revision"], added.headers["etag"]) == (
        "manual",
        None,
        1,
        '"1"',
    )
    listed = reader.fields(template["id"]).data
    assert (listed["version"], len(listed["fields"])) == (1, 5)  # four from the AcroForm, and this one
    assert [f["name"] for f in listed["fields"] if f["page"] == 2] == ["Contract number"]
    moved = manager.change_field(
        template["id"],
        field["id"],
        {"page": 1, "y0": 500, "y1": 530, "type": "date", "binding": "today"},
        if_match='"1"',
    )
    assert moved.status == 200, moved.body
    assert (
        moved.data["page"],
        moved.data["y0"],
        moved.data["type"],
        moved.data["binding"],
        moved.data["revision"],
    ) == (1, 500.0, "date", "today", 2)
    stale = manager.change_field(template["id"], field["id"], {"required": False}, if_match='"1"')
    assert (stale.status, stale.error_code) == (412, "precondition_failed")
    unbound = manager.change_field(template["id"], field["id"], {"binding": None})
    assert unbound.status == 200 and unbound.data["binding"] is None
    assert manager.remove_field(template["id"], field["id"], if_match='"1"').status == 412
    assert manager.remove_field(template["id"], field["id"], if_match='"3"').status == 200
    assert len(reader.fields(template["id"]).data["fields"]) == 4
    assert manager.remove_field(template["id"], field["id"]).status == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "a", "page": 1, **BOX, "binding": "account.shoe_size"}, "binding"),
        ({"name": "a", "page": 1, **BOX, "binding": "fixed:"}, "binding"),
        ({"name": "a", "page": 1, **BOX, "type": "colour"}, "type"),
        ({"name": "a", "page": 1, **BOX, "x1": 10}, "body"),
        ({"name": "a", "page": 1, **BOX, "y0": -5}, "y0"),
        ({"name": "a", "page": 3, **BOX}, "page"),
        ({"name": "a", "page": 1, **BOX, "x1": 700}, "x1"),
        ({"name": "", "page": 1, **BOX}, "name"),
        ({"name": "a", "page": 1, **BOX, "source": "acroform"}, "source"),
    ],
    ids=[
        "unknown-binding",
        "empty-fixed",
        "type",
        "inverted",
        "negative",
        "no-such-page",
        "off-the-page",
        "no-name",
        "source-is-pacts",
    ],
)
def test_bad_fields_are_400_naming_what_is_wrong(admin_app, tenant, manager, template, body, field):
    reply = manager.add_field(template["id"], body)
    assert (reply.status, reply.error_code) == (400, "validation_error"), reply.body
    assert field in {item["field"] for item in reply.json["error"]["details"]}


def test_fixed_values_and_catalogue_bindings_are_accepted(admin_app, tenant, manager, reader, template):
    catalogue = reader.client.get("/templates/bindings").data
    keys = {b["key"] for b in catalogue["bindings"]}
    assert {"account.name", "account.address", "contract.number", "today"} <= keys
    assert catalogue["fixed"] == "fixed:<text>"
    for number, binding in enumerate(["fixed:Acme Health", *sorted(keys)]):
        reply = manager.add_field(template["id"], {"name": f"f{number}", "page": 1, **BOX, "binding": binding})
        assert reply.status == 201, (binding, reply.body)


def test_a_changed_rectangle_must_stay_a_rectangle_on_its_page(admin_app, tenant, manager, template):
    field = manager.add_field(template["id"], {"name": "a", "page": 1, **BOX}).data
    inverted = manager.change_field(template["id"], field["id"], {"x0": 400})
    assert (inverted.status, inverted.error_code) == (400, "validation_error")
    off_page = manager.change_field(template["id"], field["id"], {"page": 9})
    assert (off_page.status, off_page.error_code) == (400, "validation_error")
    nulls = manager.change_field(template["id"], field["id"], {"page": None})
    assert (nulls.status, nulls.error_code) == (400, "validation_error")
    [kept] = [f for f in manager.fields(template["id"]).data["fields"] if f["id"] == field["id"]]
    assert kept == field  # refused changes changed nothing


def test_names_are_unique_within_a_version(admin_app, tenant, manager, template):
    reply = manager.add_field(template["id"], {"name": "account_name", "page": 1, **BOX})
    assert (reply.status, reply.error_code) == (409, "conflict")


def test_fields_belong_to_a_version(admin_app, tenant, manager, template):
    manager.add_version(template["id"], form_pdf(pages=1, acroform=False, seed=7))
    pending = manager.add_field(template["id"], {"name": "a", "page": 1, **BOX})
    assert (pending.status, pending.error_code) == (409, "conflict")  # v2 is not indexed yet
    assert "pending" in pending.json["error"]["message"]
    on_v1 = manager.add_field(template["id"], {"name": "a", "page": 2, **BOX}, version=1)
    assert on_v1.status == 201
    run_trigger(admin_app, f"{tenant.id}/{template['id']}/v2.pdf")
    assert manager.fields(template["id"]).data == {"template_id": template["id"], "version": 2, "fields": []}
    assert len(manager.fields(template["id"], version=1).data["fields"]) == 5
    assert manager.fields(template["id"], version=3).status == 404
    other = manager.upload(form_pdf("Other"), name="Other").data
    # A field is found only under its own template.
    assert manager.change_field(other["id"], on_v1.data["id"], {"required": True}).status == 404
    assert manager.remove_field(other["id"], on_v1.data["id"]).status == 404


def test_a_retired_templates_fields_are_read_not_changed(admin_app, tenant, manager, template):
    field = manager.add_field(template["id"], {"name": "a", "page": 1, **BOX}).data
    manager.client.delete(f"/templates/{template['id']}")
    assert len(manager.fields(template["id"]).data["fields"]) == 5
    assert manager.change_field(template["id"], field["id"], {"required": True}).status == 404
    assert manager.add_field(template["id"], {"name": "b", "page": 1, **BOX}).status == 404
