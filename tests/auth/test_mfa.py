"""MFA use cases against a migrated SQLite database and real Redis: a code is spent once, even by two
requests racing with it, and a half-done sign-in ends with the user's sessions."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from cryptography.fernet import Fernet

from shared_code.auth import mfa, tokens
from shared_code.auth.authn import expire_access_tokens
from shared_code.auth.models import MfaCredential, User
from shared_code.auth.principal import Principal
from shared_code.auth.sessions import Client
from shared_code.core.bootstrap import Container
from shared_code.core.config import Settings
from shared_code.core.errors import Unauthenticated
from tests.support.api import SeededUser, seed_tenant


@pytest.fixture
def app(migrated_sqlite_url, redis_url):
    environ = {
        "PACT_ENV": "test",
        "AzureWebJobsStorage": "UseDevelopmentStorage=true",  # never contacted here
        "PACT_DATABASE_URL": migrated_sqlite_url,
        "PACT_REDIS_URL": redis_url,
        "PACT_JWT_KEYS": "t1:" + "k" * 40,
        "PACT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    container = Container(Settings.from_environ(environ))
    yield container
    container.close()


def a_client() -> Client:
    return Client(ip=f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")


def step_token(app, user: SeededUser, kind: str, *, issued_ago: timedelta = timedelta(seconds=2)) -> str:
    return tokens.issue_token(app.key_ring, user_id=user.id, tenant_id=user.tenant_id, ttl=timedelta(minutes=5),
                              token_type=kind, now=datetime.now(UTC) - issued_ago)[0]


def enrolled(app, user: SeededUser) -> pyotp.TOTP:
    """The user with MFA enabled (confirmed with the current step's code); their authenticator."""
    principal = Principal("user", user.id, user.tenant_id, frozenset())
    totp = pyotp.TOTP(mfa.enrol(app, principal).secret)
    mfa.confirm_enrol(app, principal, totp.now())
    return totp


def test_a_code_raced_by_two_requests_is_spent_by_one(app) -> None:
    user = seed_tenant(app).users["User"]
    totp = enrolled(app, user)
    code = totp.at(time.time() + 30)  # the next step's code, unused so far
    with app.unit_of_work() as uow:  # GIVEN a request that read the credential ...
        stale, who = uow.session.get(MfaCredential, user.id), uow.session.get(User, user.id)
        uow.commit()

    # ... WHEN another request spends the code first
    mfa.complete_login(app, mfa_token=step_token(app, user, tokens.MFA_CHALLENGE), code=code, recovery_code=None,
                       client=a_client())

    # THEN the first one, going on with what it read, is refused
    with app.unit_of_work() as uow, pytest.raises(Unauthenticated, match="not valid"):
        mfa._check_code(app, uow.session, stale, code, who)
    with app.unit_of_work() as uow:
        assert uow.session.get(MfaCredential, user.id).last_used_step == int(time.time() + 30) // 30


def test_a_replayed_code_is_refused_at_sign_in(app) -> None:
    user = seed_tenant(app).users["User"]
    code = enrolled(app, user).at(time.time() + 30)

    def sign_in():
        return mfa.complete_login(app, mfa_token=step_token(app, user, tokens.MFA_CHALLENGE), code=code,
                                  recovery_code=None, client=a_client())

    assert sign_in().access_token
    with pytest.raises(Unauthenticated, match="not valid"):
        sign_in()


def test_a_sign_in_half_done_before_the_sessions_ended_cannot_be_finished(app) -> None:
    admin = seed_tenant(app).admin  # the tenant requires MFA of administrators, who have not enrolled
    token = step_token(app, admin, tokens.MFA_ENROLMENT)
    assert mfa.setup_during_login(app, mfa_token=token).secret  # the password step was done

    expire_access_tokens(app, [admin.id])  # what a password reset, disabling or an MFA reset does

    with pytest.raises(Unauthenticated, match="revoked"):
        mfa.setup_during_login(app, mfa_token=token)
    with pytest.raises(Unauthenticated, match="revoked"):
        mfa.confirm_setup_during_login(app, mfa_token=token, code="000000", client=a_client())
