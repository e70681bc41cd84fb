"""Sign-in use cases against a migrated SQLite database and real Redis: what a failure gives away."""

from __future__ import annotations

import uuid

import pytest

from shared_code.auth import sessions
from shared_code.auth.principal import Principal
from shared_code.auth.sessions import Client, login, logout
from shared_code.core.errors import PermissionDenied, Unauthenticated
from tests.support.api import seed_tenant


def a_client() -> Client:
    return Client(ip=f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")


def test_an_account_without_a_password_costs_a_verification_like_an_unknown_address(admin_app, monkeypatch) -> None:
    # GIVEN an account that has no password yet (seeded users, like invited ones, have none)
    no_password = seed_tenant(admin_app).users["User"]
    verified: list[str] = []
    real_verify = sessions.verify_password
    monkeypatch.setattr(sessions, "verify_password", lambda p, h: verified.append(h) or real_verify(p, h))

    # WHEN it and an unknown address are tried
    for email in (no_password.email, f"nobody-{uuid.uuid4().hex}@example.com"):
        with pytest.raises(Unauthenticated, match=sessions.BAD_CREDENTIALS):
            login(admin_app, email=email, password="whatever-it-is", client=a_client())

    # THEN both cost an argon2 verification, so neither answers sooner
    assert verified == [sessions._dummy_hash()] * 2


def test_an_api_key_cannot_sign_out(admin_app) -> None:
    key = Principal("api_key", uuid.uuid4(), seed_tenant(admin_app).id, frozenset({"users:read"}))
    with pytest.raises(PermissionDenied):
        logout(admin_app, principal=key, refresh_token=None, client=a_client())
