"""Account lifecycle use cases against a migrated SQLite database, real Redis and a real SMTP server.

Every flow goes the way a person would: the e-mail arrives, the test takes the link out of it and
follows it. Addresses are unique per test, because rate limits and lockouts live in the shared Redis.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from shared_code.auth import accounts
from shared_code.auth.accounts import (
    accept_invitation,
    change_password,
    forgot_password,
    get_profile,
    register,
    reset_password,
    send_invitation,
    update_profile,
    verify_email,
)
from shared_code.auth.authn import RequestAuthorizer, revoked_before_key
from shared_code.auth.limits import lockout_subject
from shared_code.auth.models import OneTimeToken, RefreshToken, Tenant, User
from shared_code.auth.one_time import INVALID_LINK
from shared_code.auth.passwords import hash_password, verify_password
from shared_code.auth.principal import Principal
from shared_code.auth.sessions import Client, login
from shared_code.auth.tokens import issue_token
from shared_code.core.audit import AuditLog
from shared_code.core.bootstrap import Container
from shared_code.core.config import Settings
from shared_code.core.errors import Conflict, InvalidInput, PermissionDenied, RateLimited, Unauthenticated
from shared_code.core.mail import MailError
from shared_code.core.seed import find_role
from tests.support.smtp import REFUSED_DOMAIN, first_url, text_body

PUBLIC_URL = "https://pact.test"
OLD_PASSWORD = "granite-Harbour-violet-31"
NEW_PASSWORD = "saffron-Glacier-pylon-62"
JWT_KEYS = "t1:" + "k" * 40


@pytest.fixture(autouse=True)
def quick_floor(monkeypatch):
    """A shorter minimum duration for the anonymous flows; the timing test sets the real one."""
    monkeypatch.setattr(accounts, "RESPONSE_FLOOR_SECONDS", 0.05)


@pytest.fixture
def app(migrated_sqlite_url, redis_url, smtp_server):
    environ = {
        "PACT_ENV": "test",
        "AzureWebJobsStorage": "UseDevelopmentStorage=true",
        "PACT_DATABASE_URL": migrated_sqlite_url,
        "PACT_REDIS_URL": redis_url,
        "PACT_PUBLIC_URL": PUBLIC_URL,
        "PACT_JWT_KEYS": JWT_KEYS,
        **smtp_server.environ(),
    }
    container = Container(Settings.from_environ(environ))
    yield container
    container.close()


def new_tenant(app: Container, *, allow_self_registration: bool) -> Tenant:
    with app.unit_of_work() as uow:
        tenant = Tenant(
            slug=f"acme-{uuid.uuid4().hex[:8]}",
            name="Acme Purchasing",
            settings={"allow_self_registration": allow_self_registration, "mfa_required_roles": []},
        )
        uow.session.add(tenant)
        uow.commit()
    return tenant


@pytest.fixture
def tenant(app) -> Tenant:
    return new_tenant(app, allow_self_registration=True)


def address(name: str = "ada") -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}@example.com"


def add_user(app: Container, tenant: Tenant, *, email: str | None = None, status: str = "active",
             password: str | None = OLD_PASSWORD, verified: bool = True) -> User:
    with app.unit_of_work(tenant_id=tenant.id) as uow:
        user = User(
            email=email or address(),
            display_name="Ada Lovelace",
            password_hash=hash_password(password) if password else None,
            status=status,
            email_verified_at=datetime.now(UTC) if verified else None,
            roles=[find_role(uow.session, tenant_id=tenant.id, name="User")],
        )
        uow.session.add(user)
        uow.commit()
    return user


def reload(app: Container, email: str) -> User | None:
    with app.unit_of_work() as uow:
        user = uow.session.scalars(sa.select(User).where(User.email == email)).one_or_none()
        if user is not None:
            _ = user.roles
        return user


def token_from(url: str, route: str) -> str:
    fragment = urlsplit(url).fragment
    assert url.startswith(f"{PUBLIC_URL}/#/{route}?"), url
    return parse_qs(fragment.split("?", 1)[1])["token"][0]


def audit_actions(app: Container, user_id) -> list[AuditLog]:
    with app.unit_of_work() as uow:
        return list(uow.session.scalars(
            sa.select(AuditLog).where(AuditLog.entity_id == str(user_id)).order_by(AuditLog.occurred_at)
        ))


def count(app: Container, model) -> int:
    with app.unit_of_work() as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(model))


def a_client() -> Client:
    """A caller of its own: sign-in limits per IP live in the shared Redis."""
    return Client(ip=f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")


def principal_of(user: User) -> Principal:
    return Principal("user", user.id, user.tenant_id, frozenset())


def invite(app: Container, tenant: Tenant, email: str) -> User:
    """What POST /users does: an invited user without a password, and the invitation e-mail."""
    with app.unit_of_work(tenant_id=tenant.id, actor_id=uuid.uuid4()) as uow:
        user = User(email=email, display_name="New Colleague", status="invited",
                    roles=[find_role(uow.session, tenant_id=tenant.id, name="User")])
        uow.session.add(user)
        uow.session.flush()
        send_invitation(app, uow.session, user, inviter_name="Helen Carter")
        uow.commit()
    return user


# --- invitation -------------------------------------------------------------------------------


def test_an_invitation_is_mailed_and_accepting_it_activates_the_user(app, tenant, smtp_server):
    email = address("grace")
    invited = invite(app, tenant, email)

    [mail] = smtp_server.messages_to(email)
    assert mail["Subject"] == "You are invited to Acme Purchasing on PACT"
    assert "Helen Carter has invited you" in text_body(mail)
    token = token_from(first_url(mail), "accept-invitation")

    accept_invitation(app, token=token, password=NEW_PASSWORD, display_name="Grace Hopper", ip="10.0.0.9")

    user = reload(app, email)
    assert (user.status, user.display_name) == ("active", "Grace Hopper")
    assert user.email_verified_at is not None and user.password_changed_at is not None
    assert verify_password(NEW_PASSWORD, user.password_hash)
    entries = {e.action: e for e in audit_actions(app, invited.id)}
    assert "user.invite" in entries
    accepted = entries["user.accept_invitation"]
    assert (accepted.actor_type, accepted.actor_id, accepted.ip) == ("user", invited.id, "10.0.0.9")
    assert accepted.changes["status"] == {"before": "invited", "after": "active"}
    assert accepted.changes["password_hash"] == {"before": None, "after": "***"}
    assert NEW_PASSWORD not in str([e.changes for e in entries.values()])


def test_an_invitation_link_works_once(app, tenant, smtp_server):
    email = address()
    invite(app, tenant, email)
    token = token_from(first_url(smtp_server.messages_to(email)[0]), "accept-invitation")
    accept_invitation(app, token=token, password=NEW_PASSWORD)

    with pytest.raises(InvalidInput, match=INVALID_LINK):
        accept_invitation(app, token=token, password="another-Strong-pass-88")
    assert verify_password(NEW_PASSWORD, reload(app, email).password_hash)


def test_an_expired_invitation_is_refused(app, tenant, smtp_server):
    email = address()
    user = invite(app, tenant, email)
    token = token_from(first_url(smtp_server.messages_to(email)[0]), "accept-invitation")
    with app.unit_of_work() as uow:
        uow.session.execute(sa.update(OneTimeToken).where(OneTimeToken.user_id == user.id)
                            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        uow.commit()

    with pytest.raises(InvalidInput, match=INVALID_LINK):
        accept_invitation(app, token=token, password=NEW_PASSWORD)
    assert reload(app, email).status == "invited"


def test_a_weak_password_is_refused_with_advice_and_the_link_still_works(app, tenant, smtp_server):
    email = address()
    invite(app, tenant, email)
    token = token_from(first_url(smtp_server.messages_to(email)[0]), "accept-invitation")

    with pytest.raises(InvalidInput) as caught:
        accept_invitation(app, token=token, password="password1234")
    assert caught.value.details and all(d["field"] == "password" for d in caught.value.details)
    assert reload(app, email).status == "invited"

    accept_invitation(app, token=token, password=NEW_PASSWORD)
    assert reload(app, email).status == "active"


def test_an_invitation_of_a_user_disabled_since_is_refused(app, tenant, smtp_server):
    email = address()
    user = invite(app, tenant, email)
    token = token_from(first_url(smtp_server.messages_to(email)[0]), "accept-invitation")
    with app.unit_of_work() as uow:
        uow.session.get(User, user.id).status = "disabled"
        uow.commit()

    with pytest.raises(InvalidInput, match=INVALID_LINK):
        accept_invitation(app, token=token, password=NEW_PASSWORD)
    assert reload(app, email).status == "disabled"


def test_a_new_invitation_replaces_the_earlier_link(app, tenant, smtp_server):
    email = address()
    user = invite(app, tenant, email)
    with app.unit_of_work(tenant_id=tenant.id) as uow:
        send_invitation(app, uow.session, uow.session.get(User, user.id), inviter_name="Helen Carter")
        uow.commit()
    first, second = (token_from(first_url(m), "accept-invitation") for m in smtp_server.messages_to(email))

    with pytest.raises(InvalidInput, match=INVALID_LINK):
        accept_invitation(app, token=first, password=NEW_PASSWORD)
    accept_invitation(app, token=second, password=NEW_PASSWORD)


def test_an_active_user_cannot_be_invited_again(app, tenant):
    user = add_user(app, tenant)
    with app.unit_of_work(tenant_id=tenant.id) as uow, pytest.raises(Conflict):
        send_invitation(app, uow.session, uow.session.get(User, user.id), inviter_name="Helen Carter")


def test_an_invitation_that_cannot_be_mailed_fails_and_leaves_no_token(app, tenant):
    with pytest.raises(MailError):
        invite(app, tenant, f"nobody-{uuid.uuid4().hex[:8]}@{REFUSED_DOMAIN}")
    assert count(app, OneTimeToken) == 0


# --- self-registration ------------------------------------------------------------------------


def test_registration_is_verified_by_mail_and_then_the_user_can_sign_in(app, tenant, smtp_server):
    email = address("sofia")
    register(app, tenant=tenant.slug, email=email.upper(), password=NEW_PASSWORD, display_name="Sofia Alvarez")

    user = reload(app, email)
    assert (user.status, user.email_verified_at, user.tenant_id) == ("invited", None, tenant.id)
    assert [r.name for r in user.roles] == ["User"]
    with pytest.raises(Unauthenticated):  # not before the address is confirmed
        login(app, email=email, password=NEW_PASSWORD, client=a_client())

    [mail] = smtp_server.messages_to(email)
    assert mail["Subject"] == "Confirm your e-mail address for PACT"
    verify_email(app, token=token_from(first_url(mail), "verify-email"))

    user = reload(app, email)
    assert user.status == "active" and user.email_verified_at is not None
    assert login(app, email=email, password=NEW_PASSWORD, client=a_client()).access_token
    actions = [e.action for e in audit_actions(app, user.id)]
    assert actions.index("user.register") < actions.index("user.verify_email")


@pytest.mark.parametrize("tenant_exists", [True, False])
def test_registration_where_it_is_not_allowed_creates_nothing_and_sends_nothing(app, smtp_server, tenant_exists):
    closed = new_tenant(app, allow_self_registration=False)
    before = (count(app, User), count(app, OneTimeToken), count(app, AuditLog))

    result = register(app, tenant=closed.slug if tenant_exists else "no-such-tenant", email=address(),
                      password=NEW_PASSWORD, display_name="Tom Becker")

    assert result is None
    assert (count(app, User), count(app, OneTimeToken), count(app, AuditLog)) == before
    assert smtp_server.messages == []


def test_registering_a_known_address_changes_nothing_and_sends_nothing(app, tenant, smtp_server):
    user = add_user(app, tenant)
    register(app, tenant=tenant.slug, email=user.email, password=NEW_PASSWORD, display_name="Mallory")

    again = reload(app, user.email)
    assert (again.password_hash, again.display_name, again.status) == (user.password_hash, "Ada Lovelace", "active")
    assert smtp_server.messages == []


def test_registering_again_before_verifying_replaces_the_password_and_the_link(app, tenant, smtp_server):
    email = address()
    register(app, tenant=tenant.slug, email=email, password=OLD_PASSWORD, display_name="First Try")
    register(app, tenant=tenant.slug, email=email, password=NEW_PASSWORD, display_name="Second Try")
    first, second = (token_from(first_url(m), "verify-email") for m in smtp_server.messages_to(email))

    with pytest.raises(InvalidInput, match=INVALID_LINK):
        verify_email(app, token=first)
    verify_email(app, token=second)

    user = reload(app, email)
    assert (user.status, user.display_name) == ("active", "Second Try")
    assert verify_password(NEW_PASSWORD, user.password_hash) and not verify_password(OLD_PASSWORD, user.password_hash)


def test_a_weak_password_is_refused_at_registration_before_anything_is_created(app, tenant, smtp_server):
    email = address()
    with pytest.raises(InvalidInput) as caught:
        register(app, tenant=tenant.slug, email=email, password=email.split("@")[0], display_name="Ada")
    assert caught.value.details
    assert reload(app, email) is None and smtp_server.messages == []


# --- forgot / reset ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [None, "invited", "disabled"])
def test_forgot_password_mails_nobody_unless_the_account_is_active(app, tenant, smtp_server, status):
    email = address()
    if status is not None:
        add_user(app, tenant, email=email, status=status)

    assert forgot_password(app, email=email) is None
    assert smtp_server.messages == []
    assert count(app, OneTimeToken) == 0


def test_forgot_and_reset_change_the_password_end_every_session_and_lift_the_lockout(app, tenant, smtp_server):
    user = add_user(app, tenant)
    pair = login(app, email=user.email, password=OLD_PASSWORD, client=a_client())
    earlier_access, _ = issue_token(app.key_ring, user_id=user.id, tenant_id=tenant.id, ttl=timedelta(minutes=15),
                                    now=datetime.now(UTC) - timedelta(seconds=2))
    subject = lockout_subject(user.email)
    while not app.lockout.record_failure(subject):
        pass
    with pytest.raises(RateLimited):
        app.lockout.check(subject)

    forgot_password(app, email=f"  {user.email.upper()} ")
    [mail] = smtp_server.messages_to(user.email)
    assert mail["Subject"] == "Reset your PACT password"
    token = token_from(first_url(mail), "reset-password")
    reset_password(app, token=token, password=NEW_PASSWORD, ip="10.2.2.2")

    again = reload(app, user.email)
    assert verify_password(NEW_PASSWORD, again.password_hash) and not verify_password(OLD_PASSWORD, again.password_hash)
    assert app.cache.get(revoked_before_key(user.id)) is not None
    assert 0 < app.cache.ttl(revoked_before_key(user.id)) <= app.settings.access_token_ttl
    with pytest.raises(Unauthenticated, match="revoked"):
        RequestAuthorizer(app).principal_from_token(earlier_access)
    with app.unit_of_work() as uow:
        refresh_rows = list(uow.session.scalars(sa.select(RefreshToken).where(RefreshToken.user_id == user.id)))
    assert refresh_rows and all(row.revoked_at is not None for row in refresh_rows)
    from shared_code.auth.sessions import refresh

    with pytest.raises(Unauthenticated):
        refresh(app, refresh_token=pair.refresh_token, client=a_client())
    app.lockout.check(subject)  # lifted: no RateLimited
    assert login(app, email=user.email, password=NEW_PASSWORD, client=a_client()).access_token
    notice = smtp_server.messages_to(user.email)[-1]
    assert notice["Subject"] == "Your PACT password was changed"
    actions = [e.action for e in audit_actions(app, user.id)]
    assert "user.request_password_reset" in actions and "user.reset_password" in actions
    with pytest.raises(InvalidInput, match=INVALID_LINK):
        reset_password(app, token=token, password="another-Strong-pass-88")


def test_a_reset_link_for_an_account_disabled_since_is_refused(app, tenant, smtp_server):
    user = add_user(app, tenant)
    forgot_password(app, email=user.email)
    token = token_from(first_url(smtp_server.messages_to(user.email)[0]), "reset-password")
    with app.unit_of_work() as uow:
        uow.session.get(User, user.id).status = "disabled"
        uow.commit()

    with pytest.raises(InvalidInput, match=INVALID_LINK):
        reset_password(app, token=token, password=NEW_PASSWORD)
    assert verify_password(OLD_PASSWORD, reload(app, user.email).password_hash)


def test_reset_requests_are_limited_per_address_whether_or_not_it_has_an_account(app, tenant, smtp_server):
    known, unknown = add_user(app, tenant).email, address()
    for email in (known, unknown):
        for _ in range(accounts.MAIL_REQUESTS_PER_HOUR):
            forgot_password(app, email=email)
        with pytest.raises(RateLimited) as caught:
            forgot_password(app, email=email)
        assert caught.value.retry_after > 0
    assert len(smtp_server.messages_to(known)) == accounts.MAIL_REQUESTS_PER_HOUR


@pytest.mark.parametrize("flow", ["register", "forgot"])
def test_registration_and_reset_requests_are_limited_per_client_ip(app, tenant, flow):
    ip = a_client().ip

    def ask(email: str) -> None:
        if flow == "register":
            register(app, tenant=tenant.slug, email=email, password=NEW_PASSWORD, display_name="Ada", ip=ip)
        else:
            forgot_password(app, email=email, ip=ip)

    for _ in range(app.settings.login_rate_limit_per_ip):  # one machine, address after address
        ask(address())
    with pytest.raises(RateLimited) as caught:
        ask(address())
    assert caught.value.retry_after > 0
    forgot_password(app, email=address(), ip=a_client().ip)  # another machine is not held back


def test_a_reset_mail_that_cannot_be_sent_is_not_reported(app, tenant, smtp_server):
    user = add_user(app, tenant, email=f"ada-{uuid.uuid4().hex[:8]}@{REFUSED_DOMAIN}")
    assert forgot_password(app, email=user.email) is None
    assert count(app, OneTimeToken) == 1


def test_known_and_unknown_addresses_take_as_long(app, tenant, smtp_server, monkeypatch):
    monkeypatch.setattr(accounts, "RESPONSE_FLOOR_SECONDS", 0.5)
    import time

    known = add_user(app, tenant).email
    durations = {}
    for label, email in (("known", known), ("unknown", address())):
        started = time.perf_counter()
        forgot_password(app, email=email)
        durations[label] = time.perf_counter() - started
    assert len(smtp_server.messages) == 1
    assert min(durations.values()) >= 0.5
    assert abs(durations["known"] - durations["unknown"]) < 0.1, durations


# --- change password, profile -----------------------------------------------------------------


def test_changing_the_password_needs_the_current_one(app, tenant, smtp_server):
    user = add_user(app, tenant)

    with pytest.raises(InvalidInput) as caught:
        change_password(app, principal_of(user), current_password="not-my-password", new_password=NEW_PASSWORD)
    assert caught.value.details == [{"field": "current_password", "message": "does not match your password"}]
    assert verify_password(OLD_PASSWORD, reload(app, user.email).password_hash)
    assert app.cache.get(f"fail:{lockout_subject(user.email)}") == b"1"  # counts towards the lockout
    assert "user.change_password_failed" in [e.action for e in audit_actions(app, user.id)]

    change_password(app, principal_of(user), current_password=OLD_PASSWORD, new_password=NEW_PASSWORD)

    assert verify_password(NEW_PASSWORD, reload(app, user.email).password_hash)
    assert app.cache.get(revoked_before_key(user.id)) is not None
    assert smtp_server.messages_to(user.email)[-1]["Subject"] == "Your PACT password was changed"


def test_a_locked_out_account_cannot_change_its_password(app, tenant):
    user = add_user(app, tenant)
    for _ in range(app.settings.lockout_threshold):
        with pytest.raises(InvalidInput):
            change_password(app, principal_of(user), current_password="wrong-guess", new_password=NEW_PASSWORD)
    with pytest.raises(RateLimited):
        change_password(app, principal_of(user), current_password=OLD_PASSWORD, new_password=NEW_PASSWORD)


@pytest.mark.parametrize("new", ["password1234", OLD_PASSWORD])
def test_the_new_password_must_be_strong_and_new(app, tenant, new):
    user = add_user(app, tenant)
    with pytest.raises(InvalidInput) as caught:
        change_password(app, principal_of(user), current_password=OLD_PASSWORD, new_password=new)
    assert {d["field"] for d in caught.value.details} == {"new_password"}
    assert app.cache.get(revoked_before_key(user.id)) is None


def test_an_api_key_has_no_password_or_profile(app, tenant):
    key = Principal("api_key", uuid.uuid4(), tenant.id, frozenset({"users:read"}))
    with pytest.raises(PermissionDenied):
        get_profile(app, key)
    with pytest.raises(PermissionDenied):
        change_password(app, key, current_password=OLD_PASSWORD, new_password=NEW_PASSWORD)


def test_the_profile_is_read_and_its_name_changed_with_an_audit_entry(app, tenant):
    user = add_user(app, tenant)

    profile = get_profile(app, principal_of(user))
    assert (profile.id, profile.email, profile.status) == (user.id, user.email, "active")
    assert profile.display_name == "Ada Lovelace"
    assert [r.name for r in profile.roles] == ["User"] and profile.email_verified

    updated = update_profile(app, principal_of(user), display_name="Augusta Ada King")

    assert updated.display_name == reload(app, user.email).display_name == "Augusta Ada King"
    assert updated.updated_at >= profile.updated_at
    entry = audit_actions(app, user.id)[-1]
    assert entry.action == "user.update_profile"
    assert entry.changes == {"display_name": {"before": "Ada Lovelace", "after": "Augusta Ada King"}}


def test_a_disabled_user_has_no_profile(app, tenant):
    user = add_user(app, tenant, status="disabled")
    with pytest.raises(Unauthenticated):
        get_profile(app, principal_of(user))
