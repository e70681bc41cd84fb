"""Users administration through the API: list, invite, update, disable, remove and restore, roles, MFA reset."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from shared_code.auth.models import MfaCredential, RecoveryCode, RefreshToken, User
from shared_code.auth.permissions import SYSTEM_ROLES, system_role_id
from shared_code.core.audit import AuditLog
from tests.support import smtp
from tests.support.api import InProcessApi, SeededUser, seed_tenant, token_for
from tests.support.smtp import first_url

smtp_server = smtp.smtp_server  # a fixture

VIEWER, USER, ADMIN = (str(system_role_id(name)) for name in ("Viewer", "User", "Admin"))


def _as(app, tenant, permissions: set[str], roles=("Custom",)) -> InProcessApi:
    """A signed-in user of the tenant holding exactly `permissions` (e.g. through a custom role)."""
    user = SeededUser(tenant.users["Manager"].id, tenant.id, tenant.users["Manager"].email, roles)
    return InProcessApi(token=token_for(app, user, permissions=frozenset(permissions)))


def _audit(app, tenant_id, **where) -> list[AuditLog]:
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        query = sa.select(AuditLog).where(*(getattr(AuditLog, k) == v for k, v in where.items()))
        return list(uow.session.scalars(query.order_by(AuditLog.occurred_at)))


def _session_of(app, user: SeededUser) -> tuple[str, uuid.UUID]:
    """An access token and a live refresh token row, as a sign-in would leave them."""
    with app.unit_of_work(tenant_id=user.tenant_id) as uow:
        row = RefreshToken(user_id=user.id, family_id=uuid.uuid4(), token_hash=uuid.uuid4().hex,
                           expires_at=datetime.now(UTC) + timedelta(days=1))
        uow.session.add(row)
        uow.commit()
    # Issued a second in the past, as a token in use is: revocation refuses tokens issued before it.
    from shared_code.auth.tokens import issue_token

    token, _ = issue_token(app.key_ring, user_id=user.id, tenant_id=user.tenant_id, ttl=timedelta(minutes=15),
                           roles=user.roles, permissions=user.permissions, now=datetime.now(UTC) - timedelta(seconds=2))
    return token, row.id


def _refresh_revoked(app, user: SeededUser, row_id) -> bool:
    with app.unit_of_work(tenant_id=user.tenant_id) as uow:
        return uow.session.get(RefreshToken, row_id).revoked_at is not None


# -- listing -----------------------------------------------------------------------------------


def test_list_pages_sorts_and_filters(admin_app, tenant, admin) -> None:
    page = admin.get("/users", page_size=2, sort="-email")
    assert page.status == 200
    assert page.meta == {"page": 1, "page_size": 2, "total": 4}
    assert [u["email"].split("@")[0] for u in page.data] == ["viewer", "user"]
    second = admin.get("/users", page=2, page_size=2, sort="-email")
    assert [u["email"].split("@")[0] for u in second.data] == ["manager", "admin"]
    assert [u["display_name"] for u in admin.get("/users", q="MANAGER of").data] == [f"Manager of {tenant.slug}"]
    assert [u["email"] for u in admin.get("/users", role="Viewer").data] == [tenant.users["Viewer"].email]
    assert [u["email"] for u in admin.get("/users", role=USER).data] == [tenant.users["User"].email]
    admin.patch(f"/users/{tenant.users['User'].id}", {"status": "disabled"})
    assert [u["status"] for u in admin.get("/users", status="disabled").data] == ["disabled"]


def test_list_answers_the_documented_user_shape_without_secrets(admin) -> None:
    user = admin.get("/users").data[0]
    assert set(user) == {"id", "email", "display_name", "status", "mfa_enabled", "roles", "last_login_at",
                         "created_at", "updated_at", "deleted_at"}
    assert set(user["roles"][0]) == {"id", "name"}


@pytest.mark.parametrize(
    "params",
    [{"sort": "password_hash"}, {"status": "gone"}, {"page_size": 201}, {"colour": "red"}, {"page": 10**20}],
)
def test_bad_list_parameters_are_refused(admin, params) -> None:
    reply = admin.get("/users", **params)
    assert (reply.status, reply.error_code) == (400, "validation_error")


@pytest.mark.parametrize("user_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_user_is_not_found(admin, user_id) -> None:
    assert (admin.get(f"/users/{user_id}").status, admin.patch(f"/users/{user_id}", {}).status) == (404, 404)


# -- invitation --------------------------------------------------------------------------------


def test_invite_creates_an_invited_user_with_roles_and_emails_the_link(
    admin_app, tenant, admin, smtp_server, monkeypatch
) -> None:
    from shared_code.core.bootstrap import reset_container

    for name, value in smtp_server.environ().items():
        monkeypatch.setenv(name, value)
    reset_container()
    body = {"email": " New.Person@Example.com ", "display_name": "New Person", "roles": [VIEWER, USER]}
    reply = admin.post("/users", body)
    assert reply.status == 201, reply.json
    assert reply.data["email"] == "new.person@example.com"
    assert reply.data["status"] == "invited"
    assert [r["name"] for r in reply.data["roles"]] == ["User", "Viewer"]
    [message] = smtp_server.messages_to("new.person@example.com")
    assert "#/accept-invitation?token=" in first_url(message)
    assert f"Admin of {tenant.slug}" in message.get_body(("plain",)).get_content()
    [created] = _audit(admin_app, tenant.id, action="user.create", entity_id=reply.data["id"])
    assert created.actor_id == tenant.admin.id and created.changes["roles"]["after"] == ["User", "Viewer"]


def test_an_address_in_use_in_any_tenant_is_refused(admin_app, tenant, admin) -> None:
    other = seed_tenant(admin_app)
    for email in (tenant.users["Viewer"].email, other.users["Viewer"].email):
        reply = admin.post("/users", {"email": email.upper(), "display_name": "Twin"})
        assert (reply.status, reply.error_code) == (409, "conflict")
        assert reply.json["error"]["message"] == "a user with this e-mail address already exists"


def test_an_unknown_role_is_not_found_and_nothing_is_created(admin_app, tenant, admin) -> None:
    reply = admin.post("/users", {"email": "x@example.com", "display_name": "X", "roles": [str(uuid.uuid4())]})
    assert reply.status == 404
    assert admin.get("/users", q="x@example.com").meta["total"] == 0


def test_nobody_grants_permissions_they_do_not_hold(admin_app, tenant) -> None:
    # A user manager (users:create, roles:update, but not everything) cannot mint administrators.
    grants = {"users:read", "users:create", "roles:update", *SYSTEM_ROLES["Viewer"].permissions}
    manager = _as(admin_app, tenant, grants)
    refused = manager.post("/users", {"email": "boss@example.com", "display_name": "Boss", "roles": [ADMIN]})
    assert (refused.status, refused.error_code) == (403, "forbidden")
    assert "users:delete" in refused.json["error"]["details"]
    promoted = manager.put(f"/users/{tenant.users['Viewer'].id}/roles", {"roles": [ADMIN]})
    assert promoted.status == 403
    demoted = manager.put(f"/users/{tenant.admin.id}/roles", {"roles": [VIEWER]})
    assert demoted.status == 403  # taking away what one does not hold is refused too
    assert manager.put(f"/users/{tenant.users['Viewer'].id}/roles", {"roles": [VIEWER]}).status == 200  # no change


# -- update, disable ---------------------------------------------------------------------------


def test_rename_and_refuse_fields_that_cannot_change(tenant, admin) -> None:
    user_id = tenant.users["Viewer"].id
    assert admin.patch(f"/users/{user_id}", {"display_name": "  Daniel  "}).data["display_name"] == "Daniel"
    for body in ({"email": "other@example.com"}, {"status": "invited"}, {"display_name": ""}):
        reply = admin.patch(f"/users/{user_id}", body)
        assert (reply.status, reply.error_code) == (400, "validation_error"), body


def test_disabling_ends_every_session_of_the_user(admin_app, tenant, admin) -> None:
    viewer = tenant.users["Viewer"]
    token, refresh = _session_of(admin_app, viewer)
    assert InProcessApi(token=token).get("/auth/me").status == 200
    reply = admin.patch(f"/users/{viewer.id}", {"status": "disabled"})
    assert reply.data["status"] == "disabled"
    assert InProcessApi(token=token).get("/auth/me").status == 401
    assert _refresh_revoked(admin_app, viewer, refresh)
    assert admin.patch(f"/users/{viewer.id}", {"status": "active"}).data["status"] == "invited"  # never set a password


def test_an_invited_user_becomes_active_only_by_accepting(tenant, admin) -> None:
    invited = admin.post("/users", {"email": "later@example.com", "display_name": "Later"}).data
    reply = admin.patch(f"/users/{invited['id']}", {"status": "active"})
    assert (reply.status, reply.error_code) == (409, "conflict")


def test_nobody_disables_or_removes_themselves(tenant, admin) -> None:
    itself = f"/users/{tenant.admin.id}"
    for reply in (admin.patch(itself, {"status": "disabled"}), admin.delete(itself)):
        assert (reply.status, reply.error_code) == (409, "conflict")


def test_the_last_active_administrator_is_kept(admin_app, tenant, admin) -> None:
    operator = _as(admin_app, tenant, set(SYSTEM_ROLES["Admin"].permissions), roles=("Admin",))
    for reply in (operator.patch(f"/users/{tenant.admin.id}", {"status": "disabled"}),
                  operator.delete(f"/users/{tenant.admin.id}"),
                  operator.put(f"/users/{tenant.admin.id}/roles", {"roles": [VIEWER]})):
        assert (reply.status, reply.error_code) == (409, "conflict")
        assert "last active administrator" in reply.json["error"]["message"]
    assert admin.put(f"/users/{tenant.users['Manager'].id}/roles", {"roles": [ADMIN]}).status == 200
    assert operator.get("/auth/me").status == 401  # the operator's roles changed: their client refreshes
    operator = _as(admin_app, tenant, set(SYSTEM_ROLES["Admin"].permissions), roles=("Admin",))
    assert operator.put(f"/users/{tenant.admin.id}/roles", {"roles": [VIEWER]}).status == 200


# -- remove and restore ------------------------------------------------------------------------


def test_remove_is_soft_ends_sessions_and_restore_brings_the_user_back(admin_app, tenant, admin) -> None:
    user = tenant.users["User"]
    token, refresh = _session_of(admin_app, user)
    removed = admin.delete(f"/users/{user.id}")
    assert removed.status == 200 and removed.data["deleted_at"] is not None
    assert InProcessApi(token=token).get("/auth/me").status == 401 and _refresh_revoked(admin_app, user, refresh)
    assert user.email not in {u["email"] for u in admin.get("/users").data}
    assert [u["email"] for u in admin.get("/users", deleted=True).data] == [user.email]
    assert admin.get(f"/users/{user.id}").data["deleted_at"] is not None
    assert admin.patch(f"/users/{user.id}", {"display_name": "Ghost"}).status == 409
    assert admin.delete(f"/users/{user.id}").status == 200  # removing twice changes nothing
    restored = admin.post(f"/users/{user.id}/restore")
    assert restored.status == 200 and restored.data["deleted_at"] is None
    assert [r["name"] for r in restored.data["roles"]] == ["User"]
    actions = [e.action for e in _audit(admin_app, tenant.id, entity_id=str(user.id))]
    assert actions[-2:] == ["user.delete", "user.restore"]


# -- roles -------------------------------------------------------------------------------------


def test_setting_roles_audits_names_and_makes_tokens_refresh(admin_app, tenant, admin) -> None:
    viewer = tenant.users["Viewer"]
    token, refresh = _session_of(admin_app, viewer)
    reply = admin.put(f"/users/{viewer.id}/roles", {"roles": [USER, VIEWER, USER]})
    assert [r["name"] for r in reply.data["roles"]] == ["User", "Viewer"]
    [entry] = _audit(admin_app, tenant.id, entity_id=str(viewer.id), action="user.roles_changed")
    assert entry.changes["roles"] == {"before": ["Viewer"], "after": ["User", "Viewer"]}
    assert entry.actor_id == tenant.admin.id
    assert InProcessApi(token=token).get("/auth/me").status == 401  # refresh for the new permissions...
    assert not _refresh_revoked(admin_app, viewer, refresh)  # ...which the session still may
    assert admin.put(f"/users/{viewer.id}/roles", {"roles": []}).data["roles"] == []


# -- MFA reset ---------------------------------------------------------------------------------


def test_mfa_reset_removes_the_authenticator_and_codes_and_ends_sessions(admin_app, tenant, admin) -> None:
    user = tenant.users["Manager"]
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        uow.session.add(MfaCredential(user_id=user.id, secret_encrypted="enc", confirmed_at=datetime.now(UTC)))
        uow.session.add_all(RecoveryCode(user_id=user.id, code_hash=uuid.uuid4().hex) for _ in range(3))
        uow.session.get(User, user.id).mfa_enabled = True
        uow.commit()
    token, refresh = _session_of(admin_app, user)
    reply = admin.post(f"/users/{user.id}/mfa/reset")
    assert reply.status == 200 and reply.data["mfa_enabled"] is False
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        assert uow.session.get(MfaCredential, user.id) is None
        assert uow.session.scalars(sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    assert InProcessApi(token=token).get("/auth/me").status == 401 and _refresh_revoked(admin_app, user, refresh)
    [entry] = _audit(admin_app, tenant.id, entity_id=str(user.id), action="user.mfa_reset")
    assert entry.changes == {"mfa_enabled": {"before": True, "after": False}}
