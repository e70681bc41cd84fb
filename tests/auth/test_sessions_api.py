"""Sign-in over real HTTP (devhost, SQLite, real Redis): tokens, refresh rotation, logout, lockout,
rate limits and the MFA step."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa

from shared_code.auth.models import RefreshToken, User
from shared_code.auth.tokens import issue_token
from tests.support.auth_server import PASSWORD, running_auth_server
from tests.support.http_api import ApiClient


@pytest.fixture(scope="module")
def server(tmp_path_factory, azurite_connection_string, redis_url):
    with running_auth_server(
        tmp_path_factory.mktemp("auth"),
        azurite_connection_string=azurite_connection_string,
        redis_url=redis_url,
        extra={"PACT_LOGIN_RATE_LIMIT_PER_IP": "12", "PACT_RATE_LIMIT_PER_USER": "40"},
    ) as running:
        yield running


@pytest.fixture
def client(server):
    return ApiClient(server.base_url)


def login(client, email, password=PASSWORD):
    return client.post("/auth/login", {"email": email, "password": password})


def test_login_answers_tokens_and_me_describes_the_caller(server, client):
    user = server.make_user(role="Manager")
    reply = login(client, user.email)
    assert reply.status == 200, reply.body
    assert reply.data["token_type"] == "Bearer" and reply.data["expires_in"] == 900
    me = client.get("/auth/me", token=reply.data["access_token"])
    assert me.status == 200
    assert me.data["user"]["email"] == user.email
    assert me.data["roles"] == ["Manager"]
    assert "accounts:read" in me.data["permissions"] and "settings:update" not in me.data["permissions"]
    assert me.data["tenant"]["slug"] == "default"


def test_wrong_password_unknown_email_and_disabled_account_look_alike(server, client):
    user = server.make_user()
    disabled = server.make_user(status="disabled")
    replies = [
        login(client, user.email, "wrong password"),
        login(client, f"nobody-{uuid.uuid4().hex}@example.com"),
        login(client, disabled.email),
    ]
    assert {r.status for r in replies} == {401}
    assert len({(r.error_code, r.body["error"]["message"]) for r in replies}) == 1


def test_protected_routes_need_a_valid_token(server, client):
    user = server.make_user()
    assert client.get("/auth/me").status == 401
    assert client.get("/auth/me", token="not-a-token").status == 401
    fresh = server.mint_token(user, permissions=frozenset(), ttl=timedelta(seconds=60))
    assert client.get("/auth/me", token=fresh).status == 200
    expired = issue_token(server.key_ring, user_id=user.id, tenant_id=user.tenant_id, ttl=timedelta(minutes=1),
                          now=datetime.now(UTC) - timedelta(minutes=5))[0]
    reply = client.get("/auth/me", token=expired)
    assert reply.status == 401 and reply.headers["WWW-Authenticate"].startswith("Bearer")


def test_refresh_rotates_and_reuse_revokes_the_whole_family(server, client):
    user = server.make_user()
    first = login(client, user.email).data
    second = client.post("/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert second.status == 200 and second.data["refresh_token"] != first["refresh_token"]
    third = client.post("/auth/refresh", {"refresh_token": second.data["refresh_token"]})
    assert third.status == 200

    # The spent first token comes back: theft. It is refused, and so is the newest one of its family.
    replay = client.post("/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert replay.status == 401
    assert client.post("/auth/refresh", {"refresh_token": third.data["refresh_token"]}).status == 401
    with server.session() as session:
        rows = session.scalars(sa.select(RefreshToken).where(RefreshToken.user_id == user.id)).all()
        assert len(rows) == 3 and all(row.revoked_at is not None for row in rows)
        assert len({row.family_id for row in rows}) == 1
        assert all(len(row.token_hash) == 64 and row.token_hash != first["refresh_token"] for row in rows)


def test_logout_denies_the_access_token_and_revokes_the_refresh_token(server, client):
    user = server.make_user()
    tokens = login(client, user.email).data
    assert client.get("/auth/me", token=tokens["access_token"]).status == 200
    out = client.post("/auth/logout", {"refresh_token": tokens["refresh_token"]}, token=tokens["access_token"])
    assert out.status == 200
    assert client.get("/auth/me", token=tokens["access_token"]).status == 401
    assert client.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]}).status == 401


def test_revoking_a_users_sessions_refuses_tokens_issued_before(server, client):
    import redis

    user = server.make_user()
    token = login(client, user.email).data["access_token"]
    redis.Redis.from_url(server.environ["PACT_REDIS_URL"]).set(
        f"auth:revoked-before:{user.id}", str(int(time.time()) + 1), ex=900)
    assert client.get("/auth/me", token=token).status == 401


def test_five_failures_lock_the_account_even_for_the_right_password(server, client):
    user = server.make_user()
    for _ in range(5):
        assert login(client, user.email, "wrong").status == 401
    locked = login(client, user.email)
    assert locked.status == 429 and locked.error_code == "rate_limited"
    assert 0 < int(locked.headers["Retry-After"]) <= 900
    # An unknown address locks the same way, so lockout tells nothing about who has an account.
    ghost = f"ghost-{uuid.uuid4().hex}@example.com"
    for _ in range(5):
        login(client, ghost)
    assert login(client, ghost).status == 429


def test_login_attempts_per_ip_are_limited(server):
    client = ApiClient(server.base_url)
    run = uuid.uuid4().hex[:8]
    replies = [login(client, f"x{i}-{run}@example.com").status for i in range(13)]
    assert replies[:12] == [401] * 12
    assert replies[12] == 429


def test_requests_per_user_are_limited(server, client):
    user = server.make_user()
    token = login(client, user.email).data["access_token"]
    statuses = [client.get("/auth/me", token=token).status for _ in range(41)]
    assert statuses[:40] == [200] * 40 and statuses[40] == 429


def _code_for_next_step(secret: str, used: list[int]) -> str:
    """A code for a step after every step used so far: the server accepts one step ahead of its clock,
    so a test needs no waiting for the next 30-second window."""
    step = max(used[-1] + 1, int(time.time()) // 30) if used else int(time.time()) // 30
    used.append(step)
    return pyotp.TOTP(secret).at(step * 30)


def test_admin_must_enrol_mfa_then_signs_in_with_totp_and_recovery_codes(server, client):
    admin = server.make_user(role="Admin")
    challenge = login(client, admin.email).data
    assert challenge["mfa_required"] and challenge["enrolment_required"] and not challenge["access_token"]
    # The enrolment token is not an access token.
    assert client.get("/auth/me", token=challenge["mfa_token"]).status == 401

    setup = client.post("/auth/mfa/setup", {"mfa_token": challenge["mfa_token"]})
    assert setup.status == 200 and setup.data["qr_svg"].lstrip().startswith("<svg")
    assert setup.data["otpauth_uri"].startswith("otpauth://totp/")
    used: list[int] = []
    assert client.post("/auth/mfa/setup/confirm", {"mfa_token": challenge["mfa_token"], "code": "000000"}).status == 401
    done = client.post("/auth/mfa/setup/confirm",
                       {"mfa_token": challenge["mfa_token"], "code": _code_for_next_step(setup.data["secret"], used)})
    assert done.status == 200, done.body
    recovery = done.data["recovery_codes"]
    assert len(recovery) == 10 and client.get("/auth/me", token=done.data["access_token"]).data["user"]["mfa_enabled"]

    # Next sign-in: password, then a code; a replayed code is refused.
    step = login(client, admin.email).data
    assert step["mfa_required"] and not step["enrolment_required"]
    code = _code_for_next_step(setup.data["secret"], used)
    assert client.post("/auth/mfa/verify", {"mfa_token": step["mfa_token"], "code": code}).status == 200
    step = login(client, admin.email).data
    assert client.post("/auth/mfa/verify", {"mfa_token": step["mfa_token"], "code": code}).status == 401

    # A recovery code works once.
    step = login(client, admin.email).data
    assert client.post("/auth/mfa/verify", {"mfa_token": step["mfa_token"], "recovery_code": recovery[0]}).status == 200
    step = login(client, admin.email).data
    assert client.post("/auth/mfa/verify", {"mfa_token": step["mfa_token"], "recovery_code": recovery[0]}).status == 401
    with server.session() as session:
        assert session.get(User, admin.id).mfa_enabled


def test_voluntary_enrolment_from_a_signed_in_session(server, client):
    user = server.make_user(role="User")
    token = login(client, user.email).data["access_token"]
    enrolment = client.post("/auth/mfa/enrol", token=token)
    assert enrolment.status == 200
    confirmed = client.post("/auth/mfa/enrol/confirm", {"code": pyotp.TOTP(enrolment.data["secret"]).now()}, token=token)
    assert confirmed.status == 200 and len(confirmed.data["recovery_codes"]) == 10
    assert client.post("/auth/mfa/enrol", token=token).status == 409
    assert login(client, user.email).data["mfa_required"] is True


@pytest.mark.parametrize(
    "body",
    [{"email": "a@b.c"}, {"email": "a@b.c", "password": "x", "extra": 1}, {"email": 5, "password": "x"}],
)
def test_malformed_login_bodies_are_400(server, client, body):
    reply = client.post("/auth/login", body)
    assert reply.status == 400 and reply.error_code == "validation_error"
