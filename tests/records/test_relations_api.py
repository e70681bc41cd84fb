"""The relationship routes of accounts and contracts, and assigning accounts to a contract, through the
real pipeline. Records are made in the tenant's unit of work (tests/records/factories.py)."""

from __future__ import annotations

import uuid

import pytest

from shared_code.accounts.models import CANDIDATE_STATUSES
from shared_code.core.resources import BULK_CHUNK
from tests.records import factories as make
from tests.support import api, database
from tests.support.api import InProcessApi, caller, seed_tenant, token_for

admin_app = api.admin_app  # a fixture
migrated_sqlite_template = database.migrated_sqlite_template  # a fixture
migrated_sqlite_url = database.migrated_sqlite_url  # a fixture

NOWHERE = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def tenant(admin_app):
    return seed_tenant(admin_app)


@pytest.fixture
def manager(admin_app, tenant):
    return caller(admin_app, tenant.users["Manager"])


def _names(reply, key="name"):
    assert reply.status == 200, reply.json
    return [row[key] for row in reply.data]


def test_an_accounts_contracts_carry_its_candidate_status(admin_app, tenant, manager):
    with make.tenant_session(admin_app, tenant) as session:
        mercy, other = make.account(session, "Mercy General"), make.account(session, "St. Luke's")
        saline = make.contract(session, "Saline Solutions", status="active", supplier="Baxter")
        gloves = make.contract(session, "Exam Gloves", status="active", supplier="Medline")
        sutures = make.contract(session, "Sutures", status="expired")
        retired = make.contract(session, "Retired Contract")
        make.candidate(session, mercy, saline, status="invited")
        make.candidate(session, mercy, gloves, status="activated")
        make.candidate(session, mercy, sutures, status="declined")
        make.candidate(session, mercy, retired).mark_deleted(by=None)  # a deleted candidacy is not listed
        make.candidate(session, other, saline, status="eligible")
    path = f"/accounts/{mercy.id}/contracts"
    reply = manager.get(path)
    assert _names(reply) == ["Exam Gloves", "Saline Solutions", "Sutures"] and reply.meta["total"] == 3
    assert {row["name"]: row["candidate"]["status"] for row in reply.data} == {
        "Exam Gloves": "activated", "Saline Solutions": "invited", "Sutures": "declined"}
    assert reply.data[0]["supplier"] == "Medline" and reply.data[0]["number"].startswith("C-")
    assert _names(manager.get(path, candidate_status="invited")) == ["Saline Solutions"]
    assert _names(manager.get(path, status="active", sort="-name")) == ["Saline Solutions", "Exam Gloves"]
    assert _names(manager.get(path, q="glov")) == ["Exam Gloves"]
    page = manager.get(path, page=2, page_size=2)
    assert _names(page) == ["Sutures"] and page.meta == {"page": 2, "page_size": 2, "total": 3}
    assert manager.get(path, sort="password").status == 400


def test_an_accounts_candidates_carry_their_contract(admin_app, tenant, manager):
    with make.tenant_session(admin_app, tenant) as session:
        mercy = make.account(session, "Mercy General")
        saline, gloves = make.contract(session, "Saline Solutions"), make.contract(session, "Exam Gloves")
        make.candidate(session, mercy, saline, status="sent")
        make.candidate(session, mercy, gloves, status="returned")
        make.candidate(session, make.account(session, "Elsewhere"), gloves)
    reply = manager.get(f"/accounts/{mercy.id}/candidates", sort="contract_name")
    assert [(row["contract"]["name"], row["status"]) for row in reply.data] == [
        ("Exam Gloves", "returned"), ("Saline Solutions", "sent")]
    assert all(row["account_id"] == str(mercy.id) for row in reply.data)
    assert manager.get(f"/accounts/{mercy.id}/candidates", status="sent").data[0]["contract_id"] == str(saline.id)


def test_an_accounts_documents_are_its_live_ones_newest_first(admin_app, tenant, manager):
    with make.tenant_session(admin_app, tenant) as session:
        mercy, other = make.account(session, "Mercy General"), make.account(session, "Elsewhere")
        make.document(session, "Participation form", mercy, document_type="participation_form")
        make.document(session, "Letter of commitment", mercy, status="completed")
        make.document(session, "Withdrawn letter", mercy).mark_deleted(by=None)
        make.document(session, "Someone else's form", other)
    reply = manager.get(f"/accounts/{mercy.id}/documents", sort="title")
    assert _names(reply, "title") == ["Letter of commitment", "Participation form"]
    assert reply.data[1]["document_type"] == "participation_form" and reply.data[1]["content_type"] == "application/pdf"
    assert _names(manager.get(f"/accounts/{mercy.id}/documents", status="completed"), "title") == [
        "Letter of commitment"]


def test_an_accounts_distributors_list_the_primary_first_with_territories(admin_app, tenant, manager):
    with make.tenant_session(admin_app, tenant) as session:
        mercy = make.account(session, "Mercy General")
        cardinal, mckesson = make.distributor(session, "Cardinal Health"), make.distributor(session, "McKesson")
        owens = make.distributor(session, "Owens & Minor")
        make.link(session, mercy, cardinal, territory="Midwest")
        make.link(session, mercy, owens, territory="Great Plains", is_primary=True)
        make.link(session, make.account(session, "Elsewhere"), mckesson)
    reply = manager.get(f"/accounts/{mercy.id}/distributors")
    assert [(r["distributor"]["name"], r["territory"], r["is_primary"]) for r in reply.data] == [
        ("Owens & Minor", "Great Plains", True), ("Cardinal Health", "Midwest", False)]
    assert _names(manager.get(f"/accounts/{mercy.id}/distributors", sort="name"), "territory") == [
        "Midwest", "Great Plains"]


def test_an_accounts_children_are_the_level_below_it(admin_app, tenant, manager):
    with make.tenant_session(admin_app, tenant) as session:
        system = make.account(session, "Heartland Health", account_type="health_system")
        north = make.account(session, "Heartland North Hospital", account_type="hospital", parent_id=system.id)
        make.account(session, "Heartland South Hospital", account_type="hospital", parent_id=system.id)
        make.account(session, "Heartland Pharmacy", account_type="pharmacy", parent_id=system.id, status="inactive")
        make.account(session, "North Family Clinic", account_type="clinic", parent_id=north.id)  # a grandchild
    children = manager.get(f"/accounts/{system.id}/children")
    assert _names(children) == ["Heartland North Hospital", "Heartland Pharmacy", "Heartland South Hospital"]
    assert _names(manager.get(f"/accounts/{system.id}/children", account_type="hospital", status="active")) == [
        "Heartland North Hospital", "Heartland South Hospital"]
    assert _names(manager.get(f"/accounts/{north.id}/children")) == ["North Family Clinic"]


def test_a_contracts_candidates_and_their_counts_agree(admin_app, tenant, manager):
    with make.tenant_session(admin_app, tenant) as session:
        saline = make.contract(session, "Saline Solutions")
        statuses = ["eligible", "eligible", "invited", "activated", "activated", "activated"]
        for i, status in enumerate(statuses):
            make.candidate(session, make.account(session, f"Account {i}"), saline, status=status)
        make.candidate(session, make.account(session, "Removed candidacy"), saline).mark_deleted(by=None)
        removed = make.account(session, "Removed account")
        make.candidate(session, removed, saline)
        removed.mark_deleted(by=None)  # its candidacy stays, but is not counted or listed
        make.candidate(session, make.account(session, "Other contract's"), make.contract(session, "Gloves"))
    counts = manager.get(f"/contracts/{saline.id}/candidate-counts")
    assert counts.status == 200
    assert counts.data == {"eligible": 2, "invited": 1, "sent": 0, "returned": 0, "activated": 3, "declined": 0,
                           "expired": 0, "total": 6}
    assert list(counts.data) == [*CANDIDATE_STATUSES, "total"]
    listed = manager.get(f"/contracts/{saline.id}/candidates", page_size=4, sort="account_name")
    assert listed.meta["total"] == counts.data["total"]
    assert [row["account"]["name"] for row in listed.data] == [f"Account {i}" for i in range(4)]
    activated = manager.get(f"/contracts/{saline.id}/candidates", status="activated")
    assert activated.meta["total"] == 3 and {row["status"] for row in activated.data} == {"activated"}
    found = manager.get(f"/contracts/{saline.id}/candidates", q="account 1")  # searches the accounts' names
    assert [row["account"]["name"] for row in found.data] == ["Account 1"]


def test_relationship_routes_answer_404_for_an_unknown_or_deleted_parent(admin_app, tenant, manager):
    with make.tenant_session(admin_app, tenant) as session:
        gone_account = make.account(session, "Closed clinic")
        gone_account.mark_deleted(by=None)
        gone_contract = make.contract(session, "Ended")
        gone_contract.mark_deleted(by=None)
    for parent, ids in (("accounts", (NOWHERE, str(gone_account.id), "not-a-uuid")),
                        ("contracts", (NOWHERE, str(gone_contract.id)))):
        for relation in {"accounts": ("contracts", "candidates", "documents", "distributors", "children"),
                         "contracts": ("candidates", "candidate-counts")}[parent]:
            for record_id in ids:
                reply = manager.get(f"/{parent}/{record_id}/{relation}")
                assert (reply.status, reply.error_code) == (404, "not_found"), (parent, relation, record_id)
    assert manager.post(f"/contracts/{NOWHERE}/candidates/bulk", {"account_ids": [NOWHERE]}).status == 404


def test_each_relationship_needs_the_permission_to_read_what_it_shows(admin_app, tenant):
    with make.tenant_session(admin_app, tenant) as session:
        mercy, saline = make.account(session, "Mercy General"), make.contract(session, "Saline Solutions")
    only_accounts = InProcessApi(token=token_for(admin_app, tenant.users["Viewer"],
                                                 permissions=frozenset({"accounts:read"})))
    assert only_accounts.get(f"/accounts/{mercy.id}/children").status == 200
    assert only_accounts.get(f"/accounts/{mercy.id}/distributors").status == 200
    for path in (f"/accounts/{mercy.id}/contracts", f"/accounts/{mercy.id}/candidates",  # candidates: contracts
                 f"/accounts/{mercy.id}/documents", f"/contracts/{saline.id}/candidate-counts"):
        assert only_accounts.get(path).status == 403, path
    viewer = caller(admin_app, tenant.users["Viewer"])
    assert viewer.get(f"/accounts/{mercy.id}/documents").status == 200
    assert viewer.post(f"/contracts/{saline.id}/candidates/bulk", {"account_ids": [str(mercy.id)]}).status == 403


def _assign(client, contract_id, account_ids):
    reply = client.post(f"/contracts/{contract_id}/candidates/bulk", {"account_ids": [str(i) for i in account_ids]})
    assert reply.status == 200, reply.json
    return reply.data, {item["account_id"]: item for item in reply.data["items"]}


def test_assigning_creates_missing_candidates_and_reports_existing_ones(admin_app, tenant, manager):
    with make.tenant_session(admin_app, tenant) as session:
        saline = make.contract(session, "Saline Solutions")
        already, fresh = make.account(session, "Already a candidate"), make.account(session, "Fresh")
        withdrawn = make.account(session, "Withdrawn")
        make.candidate(session, already, saline, status="activated")
        make.candidate(session, withdrawn, saline, status="declined").mark_deleted(by=None)
    result, items = _assign(manager, saline.id, [fresh.id, already.id, withdrawn.id, fresh.id])
    assert (result["created"], result["existing"], result["restored"], result["failed"]) == (1, 1, 1, 0)
    assert len(result["items"]) == 3  # a repeated id counts once
    assert (items[str(fresh.id)]["status"], items[str(fresh.id)]["outcome"]) == (201, "created")
    assert (items[str(already.id)]["status"], items[str(already.id)]["outcome"]) == (200, "exists")
    assert items[str(withdrawn.id)]["outcome"] == "restored"
    statuses = {row["account_id"]: row["status"] for row in manager.get(f"/contracts/{saline.id}/candidates").data}
    assert statuses == {str(fresh.id): "eligible", str(already.id): "activated", str(withdrawn.id): "declined"}
    assert items[str(fresh.id)]["candidate_id"] in {row["id"] for row in manager.get("/candidates").data}
    again, _ = _assign(manager, saline.id, [fresh.id])
    assert (again["created"], again["existing"]) == (0, 1)


def test_an_unknown_account_fails_its_item_and_leaves_its_chunk_unapplied(admin_app, tenant, manager):
    foreign = seed_tenant(admin_app)
    with make.tenant_session(admin_app, foreign) as session:
        theirs = make.account(session, "Another tenant's")
    with make.tenant_session(admin_app, tenant) as session:
        saline = make.contract(session, "Saline Solutions")
        ours = [make.account(session, f"Account {i:03}", number=f"N-{i:03}") for i in range(BULK_CHUNK + 2)]
        closed = make.account(session, "Closed")
        closed.mark_deleted(by=None)
    # The first chunk is clean; the second holds ours[-2:] and three accounts that are not there for us.
    ids = [a.id for a in ours[:BULK_CHUNK]] + [ours[-2].id, uuid.UUID(NOWHERE), theirs.id, closed.id, ours[-1].id]
    result, items = _assign(manager, saline.id, ids)
    assert (result["created"], result["failed"]) == (BULK_CHUNK, 5)
    assert {items[str(i)]["status"] for i in (NOWHERE, theirs.id, closed.id)} == {404}
    assert items[str(ours[-1].id)]["status"] == items[str(ours[-2].id)]["status"] == 424
    assert all(items[str(a.id)]["ok"] for a in ours[:BULK_CHUNK])
    counts = manager.get(f"/contracts/{saline.id}/candidate-counts").data
    assert counts["total"] == counts["eligible"] == BULK_CHUNK  # nothing of the failed chunk was written


def test_assigning_takes_at_most_a_thousand_accounts(admin_app, tenant, manager):
    with make.tenant_session(admin_app, tenant) as session:
        saline = make.contract(session, "Saline Solutions")
    too_many = [str(uuid.uuid4()) for _ in range(1001)]
    for body in ({"account_ids": too_many}, {"account_ids": []}, {"account_ids": ["x"]}, {}):
        reply = manager.post(f"/contracts/{saline.id}/candidates/bulk", body)
        assert (reply.status, reply.error_code) == (400, "validation_error")
