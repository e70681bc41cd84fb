"""`pact user disable|reset-mfa` and `pact apikey create|revoke`, in process, on a migrated SQLite database
with real Redis (where revoked sessions are recorded)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis
import sqlalchemy as sa

from shared_code.auth.api_keys import authenticate_api_key
from shared_code.auth.authn import revoked_before_key
from shared_code.auth.models import ApiKey, MfaCredential, RecoveryCode, RefreshToken, User
from shared_code.cli import build_parser, main
from shared_code.core.audit import AuditLog
from shared_code.core.bootstrap import Container, reset_container
from shared_code.core.errors import Unauthenticated
from tests.support import database
from tests.support.api import SeededUser, seed_tenant

migrated_sqlite_template = database.migrated_sqlite_template  # a fixture
migrated_sqlite_url = database.migrated_sqlite_url  # a fixture


@pytest.fixture
def environ(monkeypatch, tmp_path, migrated_sqlite_url, redis_url) -> Iterator[dict[str, str]]:
    values = {
        "PACT_ENV": "test",
        "PACT_DATABASE_URL": migrated_sqlite_url,
        "PACT_REDIS_URL": redis_url,
        "AzureWebJobsStorage": "UseDevelopmentStorage=true",  # never contacted here
        "PACT_LOCAL_SETTINGS": str(tmp_path / "no-local-settings.json"),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    reset_container()
    yield values
    reset_container()


@pytest.fixture
def app(environ) -> Iterator[Container]:
    container = Container.from_environ(environ)
    yield container
    container.close()


@pytest.fixture
def tenant(app):
    return seed_tenant(app)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    reset_container()  # as a new process would
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_failure(code: int, err: str, *fragments: str) -> None:
    assert code == 2
    assert err.startswith("pact: error: ") and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err, err


def _signed_in(app, user: SeededUser) -> uuid.UUID:
    with app.unit_of_work(tenant_id=user.tenant_id) as uow:
        row = RefreshToken(user_id=user.id, family_id=uuid.uuid4(), token_hash=uuid.uuid4().hex,
                           expires_at=datetime.now(UTC) + timedelta(days=1))
        uow.session.add(row)
        uow.commit()
    return row.id


def _state(app, user: SeededUser, refresh_id: uuid.UUID):
    with app.unit_of_work(tenant_id=user.tenant_id) as uow:
        row = uow.session.get(User, user.id)
        entries = uow.session.scalars(sa.select(AuditLog).where(AuditLog.entity_id == str(user.id))
                                      .order_by(AuditLog.occurred_at)).all()
        return row, uow.session.get(RefreshToken, refresh_id).revoked_at, entries


def test_the_admin_commands_are_registered() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices
    assert {"user", "apikey"} <= set(commands)


def test_user_disable_ends_sessions_even_of_the_last_administrator(capsys, app, tenant, redis_url) -> None:
    admin = tenant.admin
    refresh = _signed_in(app, admin)
    code, out, _ = run(capsys, "user", "disable", "--email", admin.email.upper())
    assert (code, out) == (0, f"disabled {admin.email}; their sessions have ended\n")
    user, revoked_at, entries = _state(app, admin, refresh)
    assert user.status == "disabled" and revoked_at is not None
    assert redis.Redis.from_url(redis_url).get(revoked_before_key(admin.id)) is not None
    assert (entries[-1].action, entries[-1].actor_type, entries[-1].changes["status"]) == (
        "user.update", "system", {"before": "active", "after": "disabled"})


def test_user_reset_mfa_removes_the_authenticator(capsys, app, tenant) -> None:
    user = tenant.users["Manager"]
    with app.unit_of_work(tenant_id=tenant.id) as uow:
        uow.session.add(MfaCredential(user_id=user.id, secret_encrypted="enc", confirmed_at=datetime.now(UTC)))
        uow.session.add(RecoveryCode(user_id=user.id, code_hash="h"))
        uow.session.get(User, user.id).mfa_enabled = True
        uow.commit()
    refresh = _signed_in(app, user)
    code, out, _ = run(capsys, "user", "reset-mfa", "--email", user.email)
    assert code == 0 and out.startswith(f"reset MFA of {user.email}")
    row, revoked_at, entries = _state(app, user, refresh)
    assert row.mfa_enabled is False and revoked_at is not None
    assert entries[-1].action == "user.mfa_reset"
    with app.unit_of_work(tenant_id=tenant.id) as uow:
        assert uow.session.get(MfaCredential, user.id) is None
        assert uow.session.scalars(sa.select(RecoveryCode)).all() == []


@pytest.mark.parametrize("action", ["disable", "reset-mfa"])
def test_user_commands_name_an_unknown_address(capsys, app, tenant, action) -> None:
    code, _, err = run(capsys, "user", action, "--email", "nobody@example.com")
    assert_one_line_failure(code, err, "no user nobody@example.com")


def test_apikey_create_prints_a_working_key_once_and_stores_its_hash(capsys, app, tenant) -> None:
    code, out, _ = run(capsys, "apikey", "create", "--tenant", tenant.slug, "--name", "Scanner",
                       "--permission", "documents:create", "--permission", "documents:read", "--expires-days", "30")
    assert code == 0, out
    key = re.search(r"^key: (pact_\S+)$", out, re.M).group(1)
    key_id = uuid.UUID(re.search(r"created API key (\S+) 'Scanner'", out).group(1))
    assert "documents:create, documents:read" in out and "expires" in out
    principal = authenticate_api_key(app, key)
    assert (principal.id, principal.tenant_id) == (key_id, tenant.id)
    assert principal.permissions == {"documents:create", "documents:read"}
    with app.unit_of_work(tenant_id=tenant.id) as uow:
        stored = uow.session.get(ApiKey, key_id)
        assert key not in (stored.key_hash, stored.prefix, stored.name)
        assert timedelta(days=29) < stored.expires_at - datetime.now(UTC) <= timedelta(days=30)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--tenant", "nowhere", "--name", "K", "--permission", "users:read"], "no tenant 'nowhere'"),
        (["--tenant", "{slug}", "--name", "K", "--permission", "users:fly"], "unknown permissions"),
        (["--tenant", "{slug}", "--name", "K", "--permission", "users:read", "--expires-days", "0"], "--expires-days"),
        (["--tenant", "{slug}", "--name", "", "--permission", "users:read"], "name"),
    ],
)
def test_apikey_create_refuses_bad_requests(capsys, app, tenant, argv, fragment) -> None:
    code, _, err = run(capsys, "apikey", "create", *(a.replace("{slug}", tenant.slug) for a in argv))
    assert_one_line_failure(code, err, fragment)


def test_apikey_revoke_stops_the_key(capsys, app, tenant) -> None:
    _, out, _ = run(capsys, "apikey", "create", "--tenant", tenant.slug, "--name", "Temp", "--permission", "users:read")
    key = re.search(r"^key: (\S+)$", out, re.M).group(1)
    key_id = re.search(r"created API key (\S+) ", out).group(1)
    code, out, _ = run(capsys, "apikey", "revoke", "--id", key_id)
    assert code == 0 and out.startswith(f"revoked API key {key_id} 'Temp'")
    with pytest.raises(Unauthenticated):
        authenticate_api_key(app, key)
    with app.unit_of_work(tenant_id=tenant.id) as uow:
        actions = uow.session.scalars(sa.select(AuditLog.action).where(AuditLog.entity_id == key_id)).all()
    assert sorted(actions) == ["api_key.create", "api_key.revoke"]


@pytest.mark.parametrize(("key_id", "fragment"), [(str(uuid.uuid4()), "no API key"), ("12", "is not a key id")])
def test_apikey_revoke_names_what_is_wrong(capsys, app, tenant, key_id, fragment) -> None:
    code, _, err = run(capsys, "apikey", "revoke", "--id", key_id)
    assert_one_line_failure(code, err, fragment)
