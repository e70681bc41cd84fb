"""X-API-Key authentication through the request authoriser, on a migrated database and real Redis."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from shared_code.auth.api_keys import create_api_key, revoke_api_key
from shared_code.auth.authn import RequestAuthorizer
from shared_code.auth.models import ApiKey, Tenant
from shared_code.core.audit import AuditLog
from shared_code.core.bootstrap import Container
from shared_code.core.errors import InvalidInput, PermissionDenied, Unauthenticated
from shared_code.core.http.request import ApiRequest, Headers
from shared_code.core.seed import seed_defaults


@pytest.fixture
def app(migrated_sqlite_url, redis_url):
    container = Container.from_environ({
        "AzureWebJobsStorage": "UseDevelopmentStorage=true",
        "PACT_DATABASE_URL": migrated_sqlite_url,
        "PACT_REDIS_URL": redis_url,
        "PACT_JWT_KEYS": f"t:{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "PACT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "PACT_ADMIN_PASSWORD": "correct horse battery staple 42",
    })
    seed_defaults(container, container.settings)
    yield container
    container.close()


def new_key(app, *, permissions=("accounts:read",), expires_at=None):
    with app.unit_of_work() as uow:
        tenant = uow.session.scalars(sa.select(Tenant)).first()
    with app.unit_of_work(tenant_id=tenant.id) as uow:
        created = create_api_key(uow.session, name="erp", permissions=list(permissions), expires_at=expires_at,
                                 grantable=frozenset({"accounts:read", "accounts:create"}))
        uow.commit()
    return tenant, created


def request_with(key: str) -> ApiRequest:
    return ApiRequest("GET", "http://x/api/v1/accounts", Headers({"X-API-Key": key, "X-Forwarded-For": "10.9.9.9"}))


def test_a_valid_key_authenticates_with_its_own_permissions(app):
    tenant, created = new_key(app)
    request = request_with(created.secret)
    RequestAuthorizer(app)(request, "accounts:read")
    assert request.principal.kind == "api_key" and request.principal.tenant_id == tenant.id
    with pytest.raises(PermissionDenied):
        RequestAuthorizer(app)(request_with(created.secret), "accounts:create")


def test_only_the_hash_is_stored_and_use_is_audited_once_a_minute(app):
    _, created = new_key(app)
    for _ in range(3):
        RequestAuthorizer(app)(request_with(created.secret), "accounts:read")
    with app.unit_of_work() as uow:
        row = uow.session.get(ApiKey, created.key.id)
        assert created.secret not in (row.key_hash, row.prefix) and row.last_used_at is not None
        uses = uow.session.scalars(sa.select(AuditLog).where(AuditLog.action == "api_key.use",
                                                             AuditLog.entity_id == str(row.id))).all()
        assert len(uses) == 1 and uses[0].actor_type == "api_key"


@pytest.mark.parametrize("mangle", [
    lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),
    lambda key: "pact_000000000000_" + key.split("_", 2)[2],
    lambda key: "not-a-key",
])
def test_wrong_or_malformed_keys_are_refused(app, mangle):
    _, created = new_key(app)
    with pytest.raises(Unauthenticated):
        RequestAuthorizer(app)(request_with(mangle(created.secret)), "accounts:read")


def test_revoked_and_expired_keys_are_refused(app):
    tenant, created = new_key(app)
    with app.unit_of_work(tenant_id=tenant.id) as uow:
        revoke_api_key(uow.session, created.key.id)
        uow.commit()
    with pytest.raises(Unauthenticated):
        RequestAuthorizer(app)(request_with(created.secret), "accounts:read")
    _, soon = new_key(app, expires_at=datetime.now(UTC) + timedelta(seconds=1))
    with app.unit_of_work() as uow:
        uow.session.execute(sa.update(ApiKey).where(ApiKey.id == soon.key.id)
                            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        uow.commit()
    with pytest.raises(Unauthenticated):
        RequestAuthorizer(app)(request_with(soon.secret), "accounts:read")


def test_a_key_cannot_hold_more_than_its_creator(app):
    with pytest.raises(InvalidInput):
        new_key(app, permissions=("users:delete",))
