"""Tenant isolation through the API: a caller of tenant A gets 404 (not 403, not data) for every kind
of object of tenant B, on every route that names one, and lists never show B's rows.

The routes come from the registry: a new route with a path parameter fails this suite until the
kind of object it names is added to `OBJECT_OF_ROUTE`, so isolation is proven for it too.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shared_code.auth import api_key_admin, roles, tenant_settings, users
from shared_code.auth import schemas as s
from shared_code.auth.api_keys import create_api_key
from shared_code.auth.models import ApiKey, Role, User
from shared_code.auth.permissions import ALL_CODES
from shared_code.core.audit import AuditLog
from tests.support import api, database
from tests.support.api import InProcessApi, caller, routes, seed_tenant

admin_app = api.admin_app  # a fixture
migrated_sqlite_template = database.migrated_sqlite_template  # a fixture
migrated_sqlite_url = database.migrated_sqlite_url  # a fixture

# The first segment of a route with a path parameter → the kind of B's object it is called with.
OBJECT_OF_ROUTE = {"users": "user", "roles": "role", "api-keys": "api_key"}
# Bodies valid enough to get past validation, so a 404 can only come from scoping.
BODIES = {
    "users_update": {"display_name": "Taken over", "status": "disabled"},
    "users_set_roles": {"roles": []},
    "roles_update": {"description": "taken over", "permissions": []},
}


@pytest.fixture
def world(admin_app):
    """Tenants A and B; B has a custom role, an API key, a removed user and audit entries of its own.

    B's objects are made by the use cases in B's unit of work, not through the API, so the tests
    below stand on their own if the API's scoping breaks.
    """
    a, b = seed_tenant(admin_app, "tenant-a"), seed_tenant(admin_app, "tenant-b")
    with admin_app.unit_of_work(tenant_id=b.id, actor_id=b.admin.id) as uow:
        role = roles.create_role(uow.session, None, s.RoleCreate(name="B auditors", permissions=["audit:read"]))
        key = api_key_admin.issue_api_key(uow.session, None, s.ApiKeyCreate(name="B's key", permissions=["users:read"]))
        users.delete_user(admin_app, uow.session, None, b.users["User"].id)
        tenant_settings.update_settings(uow.session, b.id, s.TenantSettingsUpdate(allow_self_registration=True))
        uow.commit()
    objects = {"user": str(b.users["Viewer"].id), "role": str(role.id), "api_key": str(key.id),
               "removed_user": str(b.users["User"].id)}
    return admin_app, a, b, objects


def _a_callers(app, a):
    """A's administrator, signed in, and an API key of A holding every permission."""
    with app.unit_of_work(tenant_id=a.id) as uow:
        key = create_api_key(uow.session, name="A all", permissions=sorted(ALL_CODES), expires_at=None,
                             grantable=ALL_CODES)
        uow.commit()
    return {"a-admin": caller(app, a.admin), "a-key": InProcessApi(headers={"x-api-key": key.secret})}


def _snapshot(app, tenant_id) -> dict:
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        session = uow.session
        return {
            "users": sorted((u.email, u.display_name, u.status, u.deleted_at is None, tuple(r.name for r in u.roles))
                            for u in session.scalars(sa.select(User))),
            "roles": sorted((r.name, r.description, tuple(p.code for p in r.permissions))
                            for r in session.scalars(sa.select(Role).where(Role.tenant_id == tenant_id))),
            "keys": sorted((k.name, k.revoked_at is None) for k in session.scalars(sa.select(ApiKey))),
            "audit": session.scalar(sa.select(sa.func.count(AuditLog.id))),
        }


def _id_routes():
    return [spec for spec in routes() if spec.path_params]


def test_every_route_naming_an_object_is_covered() -> None:
    uncovered = [spec.name for spec in _id_routes() if spec.route.split("/")[0] not in OBJECT_OF_ROUTE]
    assert uncovered == [], "add the kind of object these routes name to OBJECT_OF_ROUTE"
    assert len(_id_routes()) >= 11


def test_another_tenants_objects_are_not_found_on_every_route(world) -> None:
    app, a, b, objects = world
    before = _snapshot(app, b.id)
    answers = {}
    for who, client in _a_callers(app, a).items():
        for spec in _id_routes():
            kind = OBJECT_OF_ROUTE[spec.route.split("/")[0]]
            targets = [objects[kind]] + ([objects["removed_user"]] if kind == "user" else [])
            for target in targets:
                path = spec.route.replace("{id}", target)
                for method in spec.methods:
                    reply = client.call(method, path, BODIES.get(spec.name))
                    answers[(who, spec.name, target)] = (reply.status, reply.error_code)
    assert set(answers.values()) == {(404, "not_found")}, {k: v for k, v in answers.items() if v != (404, "not_found")}
    assert _snapshot(app, b.id) == before  # and nothing of B's changed


def test_another_tenants_roles_cannot_be_given_or_used_as_a_filter(world) -> None:
    app, a, _, objects = world
    a_admin = caller(app, a.admin)
    viewer = str(a.users["Viewer"].id)
    refused = [
        a_admin.put(f"/users/{viewer}/roles", {"roles": [objects["role"]]}),
        a_admin.post("/users", {"email": "s@tenant-a.example.com", "display_name": "S", "roles": [objects["role"]]}),
    ]
    assert [(r.status, r.error_code) for r in refused] == [(404, "not_found")] * 2
    assert a_admin.get(f"/users/{viewer}").data["roles"] == [{"id": str(_system_role_id("Viewer")), "name": "Viewer"}]
    assert a_admin.get("/users", role=objects["role"]).meta["total"] == 0
    assert a_admin.get("/users", q="admin@tenant-a").meta["total"] == 1  # the filter itself works


def test_lists_show_only_the_callers_tenant(world) -> None:
    app, a, b, objects = world
    b_ids = {str(user.id) for user in b.users.values()} | {objects["role"], objects["api_key"]}
    for who, client in _a_callers(app, a).items():
        users = client.get("/users", page_size=200)
        removed = client.get("/users", deleted=True, page_size=200)
        roles = client.get("/roles", page_size=200)
        keys = client.get("/api-keys", page_size=200)
        audit = client.get("/audit", page_size=200)
        listed = {row["id"] for reply in (users, removed, roles, keys) for row in reply.data}
        mentioned = {entry["entity_id"] for entry in audit.data} | {entry["id"] for entry in audit.data}
        assert listed and not listed & b_ids, who
        assert {u["email"] for u in users.data} == {u.email for u in a.users.values()}
        assert {r["name"] for r in roles.data} == {"Admin", "Manager", "User", "Viewer"}
        assert not mentioned & (b_ids | {str(b.id)}), who
        assert client.get("/users", q="tenant-b").meta["total"] == 0
        assert client.get("/audit", entity_id=objects["user"]).meta["total"] == 0
        assert client.get("/tenant/settings").data["allow_self_registration"] is False  # B's is True
        export = client.call("GET", "/audit/export")
        assert export.status == 200 and "tenant-b" not in export.text and objects["user"] not in export.text


def test_b_sees_its_own_objects(world) -> None:
    # The other side of the coin: the 404s above are scoping, not broken routes.
    app, _, b, objects = world
    b_admin = caller(app, b.admin)
    assert b_admin.get(f"/users/{objects['user']}").status == 200
    assert b_admin.get(f"/roles/{objects['role']}").data["name"] == "B auditors"
    assert b_admin.get(f"/api-keys/{objects['api_key']}").status == 200
    assert b_admin.get("/audit", entity_id=objects["role"]).meta["total"] == 1
    assert b_admin.get("/tenant/settings").data["allow_self_registration"] is True


def _system_role_id(name: str):
    from shared_code.auth.permissions import system_role_id

    return system_role_id(name)
