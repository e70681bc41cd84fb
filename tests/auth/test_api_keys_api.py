"""API keys through the API: issued with chosen permissions and expiry, shown once, never their hash,
usable with X-API-Key, revocable."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from shared_code.auth.api_keys import authenticate_api_key, parse_key
from tests.support.api import InProcessApi, SeededUser, token_for


def _issue(admin, **body) -> dict:
    reply = admin.post("/api-keys", {"name": "Scanner", "permissions": ["users:read"]} | body)
    assert reply.status == 201, reply.json
    return reply.data


def test_a_key_is_shown_once_and_works_with_its_permissions_only(admin_app, admin) -> None:
    created = _issue(admin)
    assert created["key"].startswith(f"pact_{created['prefix']}_")
    service = InProcessApi(headers={"x-api-key": created["key"]})
    assert service.get("/users").status == 200
    assert service.get("/roles").status == 403
    listed = admin.get("/api-keys")
    fetched = admin.get(f"/api-keys/{created['id']}")
    for reply in (listed, fetched):
        text = json.dumps(reply.json)
        assert created["key"] not in text and "hash" not in text and "key_hash" not in text
    assert fetched.data["last_used_at"] is not None  # the use above was recorded
    assert {k: v for k, v in created.items() if k not in ("key", "last_used_at")} == {
        k: v for k, v in fetched.data.items() if k != "last_used_at"}


def test_a_revoked_key_stops_working_at_once(admin) -> None:
    created = _issue(admin)
    service = InProcessApi(headers={"x-api-key": created["key"]})
    assert service.get("/users").status == 200
    revoked = admin.post(f"/api-keys/{created['id']}/revoke")
    assert revoked.status == 200 and revoked.data["revoked_at"] is not None
    assert service.get("/users").status == 401
    assert admin.post(f"/api-keys/{created['id']}/revoke").data["revoked_at"] == revoked.data["revoked_at"]
    assert [k["id"] for k in admin.get("/api-keys", status="revoked").data] == [created["id"]]
    assert admin.get("/api-keys", status="active").meta["total"] == 0


def test_an_expired_key_is_refused(admin) -> None:
    created = _issue(admin, expires_at=(datetime.now(UTC) + timedelta(seconds=1)).isoformat())
    import time

    time.sleep(1.2)
    assert InProcessApi(headers={"x-api-key": created["key"]}).get("/users").status == 401
    assert [k["id"] for k in admin.get("/api-keys", status="expired").data] == [created["id"]]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "K", "permissions": ["users:fly"]},
        {"name": "K", "permissions": []},
        {"name": "", "permissions": ["users:read"]},
        {"name": "K", "permissions": ["users:read"], "expires_at": "2001-01-01T00:00:00Z"},
        {"name": "K", "permissions": ["users:read"], "expires_at": "9999-12-31T23:59:59-14:00"},  # no UTC time
        {"name": "K", "permissions": ["users:read"], "key_hash": "mine"},
    ],
)
def test_bad_keys_are_refused(admin, body) -> None:
    assert admin.post("/api-keys", body).status == 400


def test_a_key_holds_only_permissions_its_creator_holds(admin_app, tenant) -> None:
    holder = SeededUser(tenant.users["Manager"].id, tenant.id, "m@example.com", ("KeyAdmin",))
    permissions = frozenset({"settings:update", "users:read"})
    key_admin = InProcessApi(token=token_for(admin_app, holder, permissions=permissions))
    assert key_admin.post("/api-keys", {"name": "K", "permissions": ["users:read"]}).status == 201
    refused = key_admin.post("/api-keys", {"name": "K", "permissions": ["users:delete"]})
    assert refused.status == 400 and refused.json["error"]["details"] == ["users:delete"]


def test_every_key_parses_whatever_its_secret_holds(admin_app, tenant) -> None:
    # The secret is url-safe base64, so about half of all keys contain "_" after the prefix.
    key = "pact_0123456789ab_" + "a_b-" * 10
    assert parse_key(key) == ("0123456789ab", key)
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        from shared_code.auth.api_keys import create_api_key

        secrets = [create_api_key(uow.session, name=f"k{i}", permissions=["users:read"], expires_at=None,
                                  grantable=frozenset({"users:read"})).secret for i in range(24)]
        uow.commit()
    assert any("_" in s.split("_", 2)[2] for s in secrets)
    assert {authenticate_api_key(admin_app, s).tenant_id for s in secrets} == {tenant.id}
