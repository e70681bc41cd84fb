"""The standard REST routes of records, through the real pipeline (accounts stand for every resource;
the other resources share the same code, and a smoke test runs each of them once)."""

from __future__ import annotations

import csv
import io
import json
import threading

import pytest
import requests

from shared_code.accounts.resources import ALL as RECORDS
from tests.support import api, database
from tests.support.api import InProcessApi, caller, seed_tenant, token_for

admin_app = api.admin_app  # a fixture
migrated_sqlite_template = database.migrated_sqlite_template  # a fixture
migrated_sqlite_url = database.migrated_sqlite_url  # a fixture


@pytest.fixture
def tenant(admin_app):
    return seed_tenant(admin_app)


@pytest.fixture
def manager(admin_app, tenant):
    return caller(admin_app, tenant.users["Manager"])


def new_account(client, **fields):
    body = {"name": "Mercy General Hospital", "number": "M-1001", **fields}
    reply = client.post("/accounts", body)
    assert reply.status == 201, reply.json
    return reply


def test_create_get_and_the_etag(manager):
    created = new_account(manager, gln="0614141000012", account_type="hospital", city="Omaha", state="NE")
    account = created.data
    assert account["version"] == 1 and created.headers["etag"] == '"1"'
    got = manager.get(f"/accounts/{account['id']}")
    assert got.status == 200 and got.data["gln"] == "0614141000012" and got.headers["etag"] == '"1"'


def test_create_needs_name_and_number_and_valid_identifiers(manager):
    for body in ({"name": "No number"}, {"number": "N-1"}, {"name": "X", "number": "1", "gln": "123"},
                 {"name": "X", "number": "2", "dea": "12345"}, {"name": "X", "number": "3", "status": "gone"},
                 {"name": "X", "number": "4", "unknown": 1}):
        reply = manager.post("/accounts", body)
        assert reply.status == 400 and reply.error_code == "validation_error", body


def test_the_account_number_is_unique_within_a_tenant_only(admin_app, manager):
    new_account(manager)
    duplicate = manager.post("/accounts", {"name": "Other", "number": "M-1001"})
    assert duplicate.status == 409 and duplicate.error_code == "conflict"
    other_tenant = caller(admin_app, seed_tenant(admin_app).users["Manager"])
    assert new_account(other_tenant).status == 201


def test_patch_honours_if_match_and_a_stale_etag_is_412(manager):
    account = new_account(manager).data
    path = f"/accounts/{account['id']}"
    updated = manager.as_(manager.token, **{"if-match": '"1"'}).patch(path, {"city": "Lincoln"})
    assert updated.status == 200 and updated.data["version"] == 2 and updated.headers["etag"] == '"2"'
    stale = manager.as_(manager.token, **{"if-match": '"1"'}).patch(path, {"city": "Kearney"})
    assert stale.status == 412 and stale.error_code == "precondition_failed"
    assert manager.get(path).data["city"] == "Lincoln"
    # Without If-Match the update applies to whatever is current (last writer wins, knowingly).
    assert manager.patch(path, {"city": "Kearney"}).data["version"] == 3


def test_two_concurrent_updates_with_one_etag_one_wins_no_lost_update(admin_app, tenant):
    manager = caller(admin_app, tenant.users["Manager"])
    account = new_account(manager).data
    path = f"/accounts/{account['id']}"
    replies, start = {}, threading.Barrier(2)

    def writer(city):
        start.wait()
        client = manager.as_(manager.token, **{"if-match": '"1"'})
        replies[city] = client.patch(path, {"city": city})

    threads = [threading.Thread(target=writer, args=(city,)) for city in ("Alpha", "Beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(reply.status for reply in replies.values())
    assert statuses == [200, 412], {c: (r.status, r.json) for c, r in replies.items()}
    winner = next(city for city, reply in replies.items() if reply.status == 200)
    final = manager.get(path).data
    assert final["city"] == winner and final["version"] == 2


def test_soft_delete_and_restore(manager):
    account = new_account(manager).data
    path = f"/accounts/{account['id']}"
    assert manager.as_(manager.token, **{"if-match": '"7"'}).delete(path).status == 412
    deleted = manager.delete(path)
    assert deleted.status == 200 and deleted.data["deleted_at"]
    assert manager.get(path).status == 404
    assert manager.get("/accounts").meta["total"] == 0
    assert manager.get("/accounts", deleted=True).meta["total"] == 1
    restored = manager.post(f"{path}/restore")
    assert restored.status == 200 and restored.data["deleted_at"] is None
    assert manager.get(path).status == 200


def test_list_pages_sorts_searches_and_filters(manager):
    for i, (name, status, state) in enumerate([("Alder Clinic", "active", "NE"), ("Birch Pharmacy", "inactive", "IA"),
                                                ("Cedar Hospital", "active", "NE"), ("Dogwood Care", "prospect", "KS")]):
        new_account(manager, name=name, number=f"N-{i}", status=status, state=state)
    first = manager.get("/accounts", page_size=2, sort="-name")
    assert [a["name"] for a in first.data] == ["Dogwood Care", "Cedar Hospital"]
    assert first.meta == {"page": 1, "page_size": 2, "total": 4}
    second = manager.get("/accounts", page_size=2, page=2, sort="-name")
    assert [a["name"] for a in second.data] == ["Birch Pharmacy", "Alder Clinic"]
    assert [a["name"] for a in manager.get("/accounts", status="active", sort="name").data] == [
        "Alder Clinic", "Cedar Hospital"]
    assert [a["name"] for a in manager.get("/accounts", q="pharm").data] == ["Birch Pharmacy"]
    assert manager.get("/accounts", q="N-3").data[0]["name"] == "Dogwood Care"
    assert manager.get("/accounts", q="100%_").meta["total"] == 0  # wildcards are literal
    assert manager.get("/accounts", state="NE").meta["total"] == 2
    assert manager.get("/accounts", sort="password").status == 400
    assert manager.get("/accounts", page_size=201).status == 400
    assert manager.get("/accounts", created_at_from="2000-01-01").meta["total"] == 4
    assert manager.get("/accounts", created_at_to="2000-01-01").meta["total"] == 0


def test_references_must_name_a_record_of_the_tenant(admin_app, manager):
    parent = new_account(manager).data
    child = manager.post("/accounts", {"name": "Child", "number": "C-1", "parent_id": parent["id"]})
    assert child.status == 201 and child.data["parent_id"] == parent["id"]
    foreign = new_account(caller(admin_app, seed_tenant(admin_app).users["Manager"]), number="F-1").data
    refused = manager.post("/accounts", {"name": "Child 2", "number": "C-2", "parent_id": foreign["id"]})
    assert refused.status == 400 and refused.json["error"]["details"][0]["field"] == "parent_id"


def test_bulk_update_applies_chunks_whole_or_not_at_all(manager):
    ids = [new_account(manager, number=f"B-{i}", name=f"Bulk {i}").data["id"] for i in range(3)]
    done = manager.post("/accounts/bulk", {"action": "update", "ids": ids, "changes": {"status": "inactive"}})
    assert done.status == 200 and done.data["applied"] == 3 and done.data["failed"] == 0
    assert manager.get("/accounts", status="inactive").meta["total"] == 3
    missing = "00000000-0000-4000-8000-000000000000"
    partial = manager.post("/accounts/bulk", {"action": "update", "ids": [*ids, missing],
                                              "changes": {"status": "active"}})
    items = {item["id"]: item for item in partial.data["items"]}
    assert items[missing]["status"] == 404 and not items[missing]["ok"]
    assert all(items[i]["status"] == 424 and not items[i]["ok"] for i in ids)
    assert manager.get("/accounts", status="active").meta["total"] == 0  # nothing of the chunk applied
    deleted = manager.post("/accounts/bulk", {"action": "delete", "ids": ids})
    assert deleted.data["applied"] == 3 and manager.get("/accounts").meta["total"] == 0
    assert manager.post("/accounts/bulk", {"action": "update", "ids": ids, "changes": {"status": "nope"}}).status == 400
    assert manager.post("/accounts/bulk", {"action": "update", "ids": []}).status == 400


def test_bulk_delete_needs_the_delete_permission(admin_app, tenant, manager):
    ids = [new_account(manager).data["id"]]
    updater = InProcessApi(token=token_for(admin_app, tenant.users["User"],
                                           permissions=frozenset({"accounts:read", "accounts:update"})))
    assert updater.post("/accounts/bulk", {"action": "delete", "ids": ids}).status == 403
    assert updater.post("/accounts/bulk", {"action": "update", "ids": ids, "changes": {"city": "X"}}).status == 200
    assert manager.get("/accounts").meta["total"] == 1


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_writes_every_matching_row_and_hands_out_a_link(manager, fmt):
    for i in range(5):
        new_account(manager, number=f"E-{i}", name=f"=Export {i}", status="active" if i % 2 else "inactive")
    reply = manager.get("/accounts/export", format=fmt, status="inactive", sort="number")
    assert reply.status == 200 and reply.data["rows"] == 3
    body = requests.get(reply.data["download_url"], timeout=10)
    assert body.status_code == 200
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body.text)))
        assert [r["number"] for r in rows] == ["E-0", "E-2", "E-4"]
        assert rows[0]["name"] == "'=Export 0"  # a formula is defused
    else:
        assert [r["number"] for r in json.loads(body.text)] == ["E-0", "E-2", "E-4"]
    assert manager.get("/accounts/export", format="xlsx").status == 400


def test_a_viewer_reads_but_cannot_write(admin_app, tenant, manager):
    viewer = caller(admin_app, tenant.users["Viewer"])
    account = new_account(manager).data
    assert viewer.get(f"/accounts/{account['id']}").status == 200
    assert viewer.post("/accounts", {"name": "V", "number": "V-1"}).status == 403
    assert viewer.patch(f"/accounts/{account['id']}", {"city": "X"}).status == 403
    assert viewer.delete(f"/accounts/{account['id']}").status == 403


def test_every_resource_answers_its_standard_routes(manager):
    account = new_account(manager).data
    contract = manager.post("/contracts", {"name": "IV Solutions", "number": "C-100", "status": "active"}).data
    distributor = manager.post("/distributors", {"code": "D-1", "name": "Cardinal"}).data
    category = manager.post("/contract-categories", {"code": "PHARM", "name": "Pharmacy"}).data
    bodies = {
        "candidates": {"account_id": account["id"], "contract_id": contract["id"]},
        "account-distributors": {"account_id": account["id"], "distributor_id": distributor["id"], "territory": "NE"},
        "contract-requirements": {"category_id": category["id"], "document_type": "participation_form"},
    }
    for resource in RECORDS:
        if resource.name in bodies:
            created = manager.post(f"/{resource.name}", bodies[resource.name])
            assert created.status == 201, (resource.name, created.json)
        listed = manager.get(f"/{resource.name}")
        assert listed.status == 200 and listed.meta["total"] >= 1, resource.name
        record = listed.data[0]
        assert manager.get(f"/{resource.name}/{record['id']}").status == 200
        assert manager.delete(f"/{resource.name}/{record['id']}").status == 200
        assert manager.post(f"/{resource.name}/{record['id']}/restore").status == 200
        assert manager.get(f"/{resource.name}/not-a-uuid").status == 404
