"""The audit trail: every create, update and delete written by the flush hook in the same transaction,
secrets masked, named entries for events; read through `GET /audit` and `GET /audit/export`."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from shared_code.auth.models import ApiKey, MfaCredential, Permission, RefreshToken, Role, Tenant, User
from shared_code.core import audit_query
from shared_code.core.audit import AuditLog, mask_changes, record_audit
from shared_code.core.context import correlation_scope
from shared_code.core.uow import UnitOfWork
from tests.support import database
from tests.support.api import InProcessApi, caller, routes
from tests.support.database import unique

migrated_url = database.migrated_url  # a fixture
pg_migrated_url = database.pg_migrated_url  # a fixture
session_factory = database.session_factory  # a fixture

SECRET = "s3cret-value-that-must-not-appear"


@pytest.fixture
def tenant_id(session_factory) -> uuid.UUID:
    with UnitOfWork(session_factory) as uow:
        tenant = Tenant(slug=unique("audit"), name="Audit", settings={})
        uow.session.add(tenant)
        uow.commit()
    return tenant.id


def _entries(factory, tenant_id, **where) -> list[AuditLog]:
    with UnitOfWork(factory, tenant_id=tenant_id) as uow:
        query = sa.select(AuditLog).where(*(getattr(AuditLog, k) == v for k, v in where.items()))
        return list(uow.session.scalars(query.order_by(AuditLog.occurred_at, AuditLog.action)))


def _permission(session, code: str) -> Permission:
    return session.scalars(sa.select(Permission).where(Permission.code == code)).one()


# -- the flush hook ----------------------------------------------------------------------------


def test_create_update_and_delete_each_write_one_entry(session_factory, tenant_id) -> None:
    actor = uuid.uuid4()
    with correlation_scope("req-1"), UnitOfWork(session_factory, tenant_id=tenant_id, actor_id=actor) as uow:
        role = Role(name="Auditors", description="read the trail", permissions=[_permission(uow.session, "audit:read")])
        uow.session.add(role)
        uow.commit()
    with correlation_scope("req-2"), UnitOfWork(session_factory, tenant_id=tenant_id, actor_id=actor) as uow:
        role = uow.session.get(Role, role.id)
        role.description = "read and export the trail"
        role.permissions = [*role.permissions, _permission(uow.session, "audit:export")]
        uow.commit()
    with correlation_scope("req-3"), UnitOfWork(session_factory, tenant_id=tenant_id, actor_id=actor) as uow:
        uow.session.delete(uow.session.get(Role, role.id))
        uow.commit()

    created, updated, deleted = _entries(session_factory, tenant_id, entity_id=str(role.id))
    assert [(e.action, e.entity_type, e.correlation_id) for e in (created, updated, deleted)] == [
        ("role.create", "Role", "req-1"), ("role.update", "Role", "req-2"), ("role.delete", "Role", "req-3")]
    actors = {(e.tenant_id, e.actor_type, e.actor_id) for e in (created, updated, deleted)}
    assert actors == {(tenant_id, "user", actor)}
    assert created.changes == {
        "name": {"before": None, "after": "Auditors"},
        "description": {"before": None, "after": "read the trail"},
        "is_system": {"before": None, "after": False},
        "permissions": {"before": None, "after": ["audit:read"]},
    }
    assert updated.changes == {
        "description": {"before": "read the trail", "after": "read and export the trail"},
        "permissions": {"before": ["audit:read"], "after": ["audit:export", "audit:read"]},
    }
    assert deleted.changes["name"] == {"before": "Auditors", "after": None}
    assert deleted.changes["permissions"] == {"before": ["audit:export", "audit:read"], "after": None}


def test_secrets_are_masked_wherever_they_come_from(session_factory, tenant_id) -> None:
    with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        user = User(email=f"{unique('m')}@example.com", display_name="M", password_hash=SECRET)
        key = ApiKey(name="k", prefix=uuid.uuid4().hex[:12], key_hash=SECRET, permissions=[])
        uow.session.add_all([user, key])
        uow.session.flush()
        uow.session.add(MfaCredential(user_id=user.id, secret_encrypted=SECRET))
        record_audit(uow.session, action="user.secret_things", entity_type="User", entity_id=user.id,
                     changes={"token_hash": {"before": SECRET, "after": None}, "code_hash": SECRET, "note": "kept"})
        uow.commit()
    with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        user.password_hash = SECRET + "2"
        uow.session.merge(user)
        uow.commit()
    entries = _entries(session_factory, tenant_id)
    assert SECRET not in json.dumps([e.changes for e in entries])
    by_action = {e.action: e.changes for e in entries}
    assert by_action["user.create"]["password_hash"] == {"before": None, "after": "***"}
    assert by_action["api_key.create"]["key_hash"] == {"before": None, "after": "***"}
    assert by_action["mfa_credential.create"]["secret_encrypted"] == {"before": None, "after": "***"}
    assert by_action["user.secret_things"] == {"token_hash": {"before": "***", "after": None}, "code_hash": "***",
                                               "note": "kept"}
    assert by_action["user.update"] == {"password_hash": {"before": "***", "after": "***"}}


def test_a_rolled_back_change_leaves_no_entry(session_factory, tenant_id) -> None:
    with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        uow.session.add(Role(name="Doomed"))
        uow.session.flush()  # the entry is written...
        assert uow.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.entity_type == "Role")) == 1
    with pytest.raises(RuntimeError), UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        uow.session.add(Role(name="Doomed too"))
        uow.session.flush()
        raise RuntimeError("the use case failed")
    assert _entries(session_factory, tenant_id, entity_type="Role") == []  # ...and goes with the rollback


def test_a_record_changed_in_two_flushes_gets_one_entry(session_factory, tenant_id) -> None:
    with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        role = Role(name="Drafts", description="one")
        uow.session.add(role)
        uow.commit()
    with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        role = uow.session.get(Role, role.id)
        role.description = "two"
        uow.session.flush()
        role.description = "three"
        role.name = "Drafts 2"
        uow.session.flush()
        role.name = "Drafts"  # back where it was: no longer a change
        uow.commit()
    [update] = _entries(session_factory, tenant_id, action="role.update")
    assert update.changes == {"description": {"before": "one", "after": "three"}}


def test_named_entries_absorb_or_take_over_the_field_diff(session_factory, tenant_id) -> None:
    with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        key = ApiKey(name="svc", prefix=uuid.uuid4().hex[:12], key_hash="h", permissions=["users:read"])
        uow.session.add(key)
        uow.session.flush()
        record_audit(uow.session, action="api_key.create", entity_type="ApiKey", entity_id=key.id,
                     changes={"name": "svc", "reason": "scanner"})  # the same event, named after its flush
        uow.commit()
    with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        key = uow.session.get(ApiKey, key.id)
        key.revoked_at = datetime(2030, 1, 1, tzinfo=UTC)
        record_audit(uow.session, action="api_key.revoke", entity_type="ApiKey", entity_id=key.id)  # before its flush
        uow.commit()
    with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        key = uow.session.get(ApiKey, key.id)
        key.name = "scanner"
        uow.session.flush()
        record_audit(uow.session, action="api_key.rename", entity_type="ApiKey", entity_id=key.id)  # after its flush
        uow.commit()
    entries = _entries(session_factory, tenant_id, entity_id=str(key.id))
    assert [e.action for e in entries] == ["api_key.create", "api_key.revoke", "api_key.rename"]
    create, revoke, rename = (e.changes for e in entries)
    assert create["name"] == {"before": None, "after": "svc"} and create["reason"] == "scanner"
    assert revoke == {"revoked_at": {"before": None, "after": "2030-01-01T00:00:00+00:00"}}
    assert rename == {"name": {"before": "svc", "after": "scanner"}}


def test_soft_delete_and_restore_are_named_as_such(session_factory, tenant_id) -> None:
    with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        user = User(email=f"{unique('soft')}@example.com", display_name="Soft")
        uow.session.add(user)
        uow.commit()
    for change in (lambda u: u.mark_deleted(by=None), lambda u: u.restore()):
        with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
            change(uow.session.get(User, user.id))
            uow.commit()
    assert [e.action for e in _entries(session_factory, tenant_id, entity_id=str(user.id))] == [
        "user.create", "user.delete", "user.restore"]


def test_bookkeeping_is_not_audited(session_factory, tenant_id) -> None:
    with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        user = User(email=f"{unique('busy')}@example.com", display_name="Busy")
        uow.session.add(user)
        uow.commit()
    with UnitOfWork(session_factory, tenant_id=tenant_id) as uow:
        user = uow.session.get(User, user.id)
        user.last_login_at = datetime.now(UTC)  # a usage stamp: the sign-in is audited by name
        uow.session.add(RefreshToken(user_id=user.id, family_id=uuid.uuid4(), token_hash=uuid.uuid4().hex,
                                     expires_at=datetime.now(UTC) + timedelta(days=1)))
        uow.commit()
    assert [e.action for e in _entries(session_factory, tenant_id)] == ["tenant.create", "user.create"]


def test_mask_changes_masks_by_field_name() -> None:
    assert mask_changes({"password": "p", "api_secret": "s", "x_hash": None, "name": "n"}) == {
        "password": "***", "api_secret": "***", "x_hash": None, "name": "n"}


# -- through the API ---------------------------------------------------------------------------


def test_the_trail_is_filtered_sorted_and_paged(admin_app, tenant, admin) -> None:
    viewer = str(tenant.users["Viewer"].id)
    admin.patch(f"/users/{viewer}", {"display_name": "Renamed"})
    admin.put(f"/users/{viewer}/roles", {"roles": []})
    everything = admin.get("/audit", page_size=200)
    assert everything.status == 200 and everything.meta["total"] == len(everything.data) >= 7
    times = [e["occurred_at"] for e in everything.data]
    assert times == sorted(times, reverse=True)
    assert admin.get("/audit", sort="occurred_at", page_size=200).data[0]["action"] == "tenant.create"
    on_viewer = admin.get("/audit", entity_type="User", entity_id=viewer, sort="occurred_at")
    assert [e["action"] for e in on_viewer.data] == ["user.create", "user.update", "user.roles_changed"]
    assert on_viewer.data[1]["changes"] == {"display_name": {"before": f"Viewer of {tenant.slug}", "after": "Renamed"}}
    assert [e["entity_id"] for e in admin.get("/audit", action="user.update").data] == [viewer]
    assert admin.get("/audit", actor_id=str(tenant.admin.id)).meta["total"] == 2
    assert admin.get("/audit", q="ROLES_CHANGED").meta["total"] == 1
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert admin.get("/audit", **{"from": later}).meta["total"] == 0
    assert admin.get("/audit", to=later).meta["total"] == everything.meta["total"]
    total = everything.meta["total"]
    assert admin.get("/audit", page=2, page_size=3).meta == {"page": 2, "page_size": 3, "total": total}
    assert admin.get("/audit", sort="changes").status == 400
    for impossible in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):  # no UTC equivalent
        assert admin.get("/audit", **{"from": impossible}).status == 400
        assert admin.call("GET", "/audit/export", params={"to": impossible}).status == 400


def test_changes_through_an_api_key_are_attributed_to_the_key(admin_app, tenant, admin) -> None:
    key = admin.post("/api-keys", {"name": "Sync", "permissions": ["users:update"]}).data
    service = InProcessApi(headers={"x-api-key": key["key"]})
    assert service.patch(f"/users/{tenant.users['User'].id}", {"display_name": "Synced"}).status == 200
    [entry] = admin.get("/audit", action="user.update").data
    assert (entry["actor_type"], entry["actor_id"]) == ("api_key", key["id"])


def test_the_export_is_csv_of_the_filtered_entries(admin_app, tenant, admin) -> None:
    viewer = str(tenant.users["Viewer"].id)
    admin.patch(f"/users/{viewer}", {"display_name": "=HYPERLINK(\"http://evil\")"})
    reply = admin.call("GET", "/audit/export", params={"entity_id": viewer})
    assert reply.status == 200
    assert reply.content_type == "text/csv"
    assert reply.headers["content-disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert tuple(rows[0]) == audit_query.CSV_COLUMNS
    assert [(r["action"], r["entity_id"]) for r in rows] == [("user.create", viewer), ("user.update", viewer)]
    assert json.loads(rows[1]["changes"])["display_name"]["after"] == '=HYPERLINK("http://evil")'
    everything = list(csv.DictReader(io.StringIO(admin.call("GET", "/audit/export").text)))
    assert len(everything) == admin.get("/audit").meta["total"]


def test_an_oversized_export_asks_for_narrower_filters(admin, monkeypatch) -> None:
    monkeypatch.setattr(audit_query, "EXPORT_MAX_ROWS", 2)
    reply = admin.call("GET", "/audit/export")
    assert (reply.status, reply.error_code) == (422, "unprocessable")


def test_the_export_needs_its_own_permission(admin_app, tenant) -> None:
    manager = caller(admin_app, tenant.users["Manager"])  # reads the trail, may not export it
    assert manager.get("/audit").status == 200
    assert manager.call("GET", "/audit/export").status == 403


def test_nothing_in_the_api_can_change_the_trail() -> None:
    writable = [(s.name, s.methods) for s in routes() if s.route.startswith("audit") and set(s.methods) != {"GET"}]
    assert writable == []
    assert [s.name for s in routes() if s.route.startswith("audit")] == ["audit_list", "audit_export"]
