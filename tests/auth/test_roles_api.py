"""Roles and the permission catalogue through the API: custom roles, read-only system roles."""

from __future__ import annotations

import uuid

import pytest

from shared_code.auth.models import Role, User
from shared_code.auth.permissions import PERMISSIONS, SYSTEM_ROLES
from tests.support.api import InProcessApi, SeededUser, token_for


def _reviewers(admin: InProcessApi, **overrides) -> dict:
    body = {"name": "Reviewers", "description": "Resolve returns", "permissions": ["returns:read", "returns:review"]}
    reply = admin.post("/roles", body | overrides)
    assert reply.status == 201, reply.json
    return reply.data


def test_roles_list_system_roles_and_the_tenants_own(admin) -> None:
    _reviewers(admin)
    roles = admin.get("/roles", sort="name", page_size=200)
    assert [(r["name"], r["is_system"]) for r in roles.data] == [
        ("Admin", True), ("Manager", True), ("Reviewers", False), ("User", True), ("Viewer", True)]
    admin_role = roles.data[0]
    assert set(admin_role["permissions"]) == SYSTEM_ROLES["Admin"].permissions
    assert [r["name"] for r in admin.get("/roles", system=False).data] == ["Reviewers"]
    assert [r["name"] for r in admin.get("/roles", q="resolve").data] == ["Reviewers"]
    assert admin.get("/roles", sort="-name", page_size=1).data[0]["name"] == "Viewer"


def test_a_custom_role_is_created_read_and_changed(admin_app, tenant, admin) -> None:
    role = _reviewers(admin)
    assert role["permissions"] == ["returns:read", "returns:review"] and role["is_system"] is False
    assert admin.get(f"/roles/{role['id']}").data == role
    changed = admin.patch(f"/roles/{role['id']}", {"name": "Return reviewers", "permissions": ["returns:read"]})
    assert changed.status == 200
    assert (changed.data["name"], changed.data["permissions"], changed.data["description"]) == (
        "Return reviewers", ["returns:read"], "Resolve returns")
    assert admin.patch(f"/roles/{role['id']}", {"description": None}).data["description"] is None


def test_a_role_may_change_the_case_of_its_own_name_but_not_take_anothers(admin) -> None:
    role = _reviewers(admin)
    _reviewers(admin, name="Auditors")
    assert admin.patch(f"/roles/{role['id']}", {"name": "REVIEWERS"}).data["name"] == "REVIEWERS"
    for taken in ("ADMIN", "auditors"):
        reply = admin.patch(f"/roles/{role['id']}", {"name": taken})
        assert (reply.status, reply.error_code) == (409, "conflict"), taken


def test_changing_a_roles_permissions_makes_its_holders_refresh(admin_app, tenant, admin) -> None:
    role = _reviewers(admin)
    viewer, other = tenant.users["Viewer"], tenant.users["User"]
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:  # a holder since before their current token
        uow.session.get(User, viewer.id).roles = [uow.session.get(Role, uuid.UUID(role["id"]))]
        uow.commit()
    holder, bystander = (InProcessApi(token=_token_from_before(admin_app, u)) for u in (viewer, other))
    assert holder.get("/auth/me").status == 200
    admin.patch(f"/roles/{role['id']}", {"permissions": ["returns:read"]})
    assert holder.get("/auth/me").status == 401
    assert bystander.get("/auth/me").status == 200


def _token_from_before(app, user) -> str:
    from datetime import UTC, datetime, timedelta

    from shared_code.auth.tokens import issue_token

    return issue_token(app.key_ring, user_id=user.id, tenant_id=user.tenant_id, ttl=timedelta(minutes=5),
                       now=datetime.now(UTC) - timedelta(seconds=2))[0]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "Ops", "permissions": ["returns:fly"]}, 400),
        ({"name": "Ops", "permissions": ["returns"]}, 400),
        ({"name": "admin", "permissions": []}, 409),  # a system role's name, in any case
        ({"name": "Reviewers", "permissions": []}, 409),
        ({"name": "", "permissions": []}, 400),
        ({"name": "Ops", "permissions": [], "is_system": True}, 400),
    ],
)
def test_bad_roles_are_refused(admin, body, status) -> None:
    _reviewers(admin)
    assert admin.post("/roles", body).status == status


def test_system_roles_are_read_only(admin) -> None:
    system = admin.get("/roles", system=True).data
    for role in system:
        assert admin.patch(f"/roles/{role['id']}", {"description": "mine now"}).status == 403
        assert admin.delete(f"/roles/{role['id']}").status == 403
    assert admin.get("/roles", system=True).data == system


def test_a_role_holds_only_permissions_its_creator_holds(admin_app, tenant) -> None:
    holder = SeededUser(tenant.users["Manager"].id, tenant.id, "m@example.com", ("RoleAdmin",))
    role_admin = InProcessApi(token=token_for(admin_app, holder, permissions=frozenset(
        {"roles:read", "roles:create", "roles:update", "returns:read"})))
    refused = role_admin.post("/roles", {"name": "Escalation", "permissions": ["settings:update"]})
    assert (refused.status, refused.json["error"]["details"]) == (403, ["settings:update"])
    allowed = role_admin.post("/roles", {"name": "Readers", "permissions": ["returns:read"]})
    assert allowed.status == 201
    widened = role_admin.patch(f"/roles/{allowed.data['id']}", {"permissions": ["returns:read", "users:delete"]})
    assert widened.status == 403


def test_a_role_in_use_cannot_be_deleted(tenant, admin) -> None:
    role = _reviewers(admin)
    admin.put(f"/users/{tenant.users['User'].id}/roles", {"roles": [role["id"]]})
    admin.delete(f"/users/{tenant.users['User'].id}")  # a removed user still holds it: restoring would give it back
    refused = admin.delete(f"/roles/{role['id']}")
    assert (refused.status, refused.json["error"]["details"]) == (409, {"users": 1})
    admin.post(f"/users/{tenant.users['User'].id}/restore")
    admin.put(f"/users/{tenant.users['User'].id}/roles", {"roles": []})
    assert admin.delete(f"/roles/{role['id']}").status == 200
    assert admin.get(f"/roles/{role['id']}").status == 404
    assert admin.delete(f"/roles/{uuid.uuid4()}").status == 404


def test_the_mfa_policy_follows_a_renamed_or_deleted_role(admin) -> None:
    role = _reviewers(admin)
    admin.patch("/tenant/settings", {"mfa_required_roles": ["Admin", "Reviewers"]})
    admin.patch(f"/roles/{role['id']}", {"name": "Checkers"})
    assert admin.get("/tenant/settings").data["mfa_required_roles"] == ["Admin", "Checkers"]
    admin.delete(f"/roles/{role['id']}")
    assert admin.get("/tenant/settings").data["mfa_required_roles"] == ["Admin"]


def test_the_permission_catalogue_is_listed(admin) -> None:
    everything = admin.get("/permissions", page_size=200)
    assert everything.meta["total"] == len(PERMISSIONS)
    assert [p["code"] for p in everything.data] == [p.code for p in PERMISSIONS]
    assert set(everything.data[0]) == {"code", "resource", "action", "description"}
    assert [p["code"] for p in admin.get("/permissions", q="audit").data] == ["audit:read", "audit:export"]
    assert len(admin.get("/permissions", page=2, page_size=10).data) == 10
