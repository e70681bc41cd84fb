"""Account lifecycle: invitation, self-registration with e-mail verification, password reset and
change, and the signed-in user's profile.

Nothing here tells a caller whether an e-mail address has an account. `register` and
`forgot_password` return nothing whatever the address, and take at least `RESPONSE_FLOOR_SECONDS`
either way, so the work done for a known address (a database write, an e-mail) cannot be timed;
failures to send their e-mail are logged, not reported, for the same reason. Errors that do not
depend on the address (the password policy, the per-address rate limit) are answered at once.

Every change is audited in its own transaction under a name (`user.accept_invitation`, ...); the
unit of work's audit hook adds the changed fields. A token from an e-mailed link identifies the
person, so the anonymous flows record the user as the actor.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared_code.auth.account_schemas import ProfilePublic, RoleRef
from shared_code.auth.limits import lockout_subject
from shared_code.auth.models import Tenant, User
from shared_code.auth.one_time import (
    EMAIL_VERIFICATION,
    INVALID_LINK,
    INVITATION,
    PASSWORD_RESET,
    consume_one_time_token,
    issue_one_time_token,
)
from shared_code.auth.password_policy import check_password
from shared_code.auth.passwords import hash_password, verify_password
from shared_code.auth.permissions import USER
from shared_code.auth.principal import Principal
from shared_code.auth.sessions import load_user, revoke_user_sessions, signed_in
from shared_code.core.audit import record_audit
from shared_code.core.errors import Conflict, InvalidInput
from shared_code.core.mail import EmailMessageSpec, MailError
from shared_code.core.mail_templates import (
    invitation_email,
    password_changed_email,
    password_reset_email,
    public_link,
    verification_email,
)
from shared_code.core.seed import find_role

log = logging.getLogger("pact.auth")

RESPONSE_FLOOR_SECONDS = 0.5  # above a local SMTP hand-off; see docs/SECURITY.md "Account lifecycle"
MAIL_REQUESTS_PER_HOUR = 5  # registrations or reset requests per address: no mail-bombing through us


# --- invitation -------------------------------------------------------------------------------


def send_invitation(app, session: Session, user: User, *, inviter_name: str) -> None:
    """E-mail `user` (status `invited`) a link to choose a password, in the caller's transaction.

    Earlier invitations of the user stop working. The e-mail goes out before the caller commits:
    when it cannot be sent, MailError (503) propagates and the caller's rollback leaves no
    invitation behind that nobody received.
    """
    if user.status != "invited":
        raise Conflict("this user has already accepted an invitation")
    issued = issue_one_time_token(session, user=user, purpose=INVITATION)
    tenant = session.get(Tenant, user.tenant_id)
    record_audit(
        session,
        action="user.invite",
        entity_type="User",
        entity_id=user.id,
        tenant_id=user.tenant_id,
        changes={"email": user.email, "expires_at": issued.expires_at.isoformat()},
    )
    app.mailer.send(
        invitation_email(
            user.email,
            tenant_name=tenant.name,
            inviter_name=inviter_name,
            accept_url=_link(app, "accept-invitation", issued.token),
            expires_at=issued.expires_at,
        )
    )


def accept_invitation(
    app, *, token: str, password: str, display_name: str | None = None, ip: str | None = None
) -> None:
    """Spend an invitation: the user sets a password (and name) and becomes active, address verified."""
    now = datetime.now(UTC)
    with app.unit_of_work() as uow:
        user = _user_of_token(uow.session, token, INVITATION)
        if user.status != "invited":
            raise InvalidInput(INVALID_LINK)
        check_password(password, email=user.email, display_name=display_name or user.display_name)
        _set_password(user, password, now)
        user.display_name = display_name or user.display_name
        user.status = "active"
        user.email_verified_at = user.email_verified_at or now
        _audit(uow.session, user, "user.accept_invitation", ip=ip)
        uow.commit()


# --- self-registration ------------------------------------------------------------------------


def register(app, *, tenant: str, email: str, password: str, display_name: str, ip: str | None = None) -> None:
    """Ask for an account in a tenant that allows self-registration; returns nothing either way.

    A new address gets an `invited` user with the role User and a verification e-mail; verifying
    activates it. A repeated registration of an address that is still unverified replaces its
    password and name and sends a new link (the earlier one stops working). Any other known
    address, an unknown tenant or one that does not take registrations: nothing happens.
    """
    email = _normalise(email)
    _limit_mail_requests(app, "register", email, ip)
    check_password(password, email=email, display_name=display_name)
    with _no_faster_than(RESPONSE_FLOOR_SECONDS):
        password_hash = hash_password(password)  # before any lookup: the same work for every address
        try:
            with app.unit_of_work() as uow:
                user = _registrant(uow.session, tenant, email, display_name, password_hash, ip)
                if user is None:
                    return
                issued = issue_one_time_token(uow.session, user=user, purpose=EMAIL_VERIFICATION)
                uow.commit()
        except IntegrityError:  # a concurrent registration of the same address won
            log.info("registration lost a race for an address; nothing changed")
            return
        _send_quietly(
            app,
            verification_email(
                email, verify_url=_link(app, "verify-email", issued.token), expires_at=issued.expires_at
            ),
        )


def _registrant(
    session: Session, slug: str, email: str, display_name: str, password_hash: str, ip: str | None
) -> User | None:
    """The user to send a verification link to, created or refreshed; None when nothing may happen."""
    tenant = session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).one_or_none()
    if tenant is None or tenant.status != "active" or not tenant.settings.get("allow_self_registration", False):
        log.info("registration refused: tenant %r does not take registrations", slug)
        return None
    existing = session.scalars(sa.select(User).where(User.email == email)).one_or_none()  # unique across tenants
    if existing is None:
        user = User(
            tenant_id=tenant.id,
            email=email,
            display_name=display_name,
            password_hash=password_hash,
            status="invited",
            roles=[find_role(session, tenant_id=tenant.id, name=USER)],
        )
        session.add(user)
        session.flush()
        _audit(session, user, "user.register", ip=ip)
        return user
    if _awaiting_verification(existing, tenant):
        existing.password_hash = password_hash
        existing.display_name = display_name
        _audit(session, existing, "user.register", ip=ip)
        return existing
    log.info("registration for an address that has an account: nothing changed")
    return None


def _awaiting_verification(user: User, tenant: Tenant) -> bool:
    # A self-registered user has a password before verifying; an invited one has none until accepting.
    return (
        user.tenant_id == tenant.id
        and user.status == "invited"
        and user.deleted_at is None
        and user.email_verified_at is None
        and user.password_hash is not None
    )


def verify_email(app, *, token: str, ip: str | None = None) -> None:
    """Spend a verification link: the address is verified, and a self-registered user becomes active."""
    now = datetime.now(UTC)
    with app.unit_of_work() as uow:
        user = _user_of_token(uow.session, token, EMAIL_VERIFICATION)
        if user.status == "disabled":
            raise InvalidInput(INVALID_LINK)
        user.email_verified_at = user.email_verified_at or now
        if user.status == "invited" and user.password_hash is not None:
            user.status = "active"
        _audit(uow.session, user, "user.verify_email", ip=ip)
        uow.commit()


# --- passwords --------------------------------------------------------------------------------


def forgot_password(app, *, email: str, ip: str | None = None) -> None:
    """E-mail a reset link when the address belongs to an active account; returns nothing either way."""
    email = _normalise(email)
    _limit_mail_requests(app, "forgot", email, ip)
    with _no_faster_than(RESPONSE_FLOOR_SECONDS):
        with app.unit_of_work() as uow:
            user = load_user(uow.session, email=email)
            if user is None or user.status != "active":
                return
            issued = issue_one_time_token(uow.session, user=user, purpose=PASSWORD_RESET)
            record_audit(
                uow.session,
                action="user.request_password_reset",
                entity_type="User",
                entity_id=user.id,
                tenant_id=user.tenant_id,
                changes={"expires_at": issued.expires_at.isoformat()},
                ip=ip,
            )
            uow.commit()
        _send_quietly(
            app,
            password_reset_email(
                email, reset_url=_link(app, "reset-password", issued.token), expires_at=issued.expires_at
            ),
        )


def reset_password(app, *, token: str, password: str, ip: str | None = None) -> None:
    """Spend a reset link: set the password, end every session, lift a sign-in lockout, notify the user."""
    now = datetime.now(UTC)
    with app.unit_of_work() as uow:
        user = _user_of_token(uow.session, token, PASSWORD_RESET)
        if user.status != "active":
            raise InvalidInput(INVALID_LINK)
        check_password(password, email=user.email, display_name=user.display_name)
        _set_password(user, password, now)
        revoke_user_sessions(app, uow.session, user.id)
        _audit(uow.session, user, "user.reset_password", ip=ip)
        uow.commit()
    _lift_lockout(app, user.email)
    _send_quietly(app, password_changed_email(user.email, changed_at=now))


def change_password(
    app, principal: Principal, *, current_password: str, new_password: str, ip: str | None = None
) -> None:
    """Change the caller's password, given the current one; every session ends, the caller's too.

    The access token does not say which refresh-token family it came from, so no session can be
    spared: the caller signs in again with the new password. A wrong current password counts
    towards the sign-in lockout, so a stolen access token cannot be used to guess it.
    """
    now = datetime.now(UTC)
    with signed_in(app, principal) as (uow, user):
        subject = lockout_subject(user.email)
        app.lockout.check(subject)
        if not verify_password(current_password, user.password_hash):
            locked = app.lockout.record_failure(subject)
            record_audit(
                uow.session,
                action="user.change_password_failed",
                entity_type="User",
                entity_id=user.id,
                changes={"locked": locked},
                ip=ip,
            )
            uow.commit()
            raise InvalidInput(
                "the current password is not correct",
                details=[{"field": "current_password", "message": "does not match your password"}],
            )
        check_password(new_password, email=user.email, display_name=user.display_name, field="new_password")
        if new_password == current_password:
            raise InvalidInput(
                "choose a password other than the current one",
                details=[{"field": "new_password", "message": "is the same as the current password"}],
            )
        _set_password(user, new_password, now)
        revoke_user_sessions(app, uow.session, user.id)
        _audit(uow.session, user, "user.change_password", ip=ip)
        uow.commit()
    app.lockout.clear(subject)
    _send_quietly(app, password_changed_email(user.email, changed_at=now))


# --- profile ----------------------------------------------------------------------------------


def get_profile(app, principal: Principal) -> ProfilePublic:
    with signed_in(app, principal) as (_, user):
        return _profile(user)


def update_profile(app, principal: Principal, *, display_name: str, ip: str | None = None) -> ProfilePublic:
    with signed_in(app, principal) as (uow, user):
        user.display_name = display_name
        _audit(uow.session, user, "user.update_profile", ip=ip)
        uow.commit()
        return _profile(user)  # in the session: updated_at, set by the database, is read back


# --- helpers ----------------------------------------------------------------------------------


def _normalise(email: str) -> str:
    return email.strip().lower()


def _link(app, route: str, token: str) -> str:
    return public_link(app.settings.public_url, route, token=token)


def _user_of_token(session: Session, token: str, purpose: str) -> User:
    row = consume_one_time_token(session, token=token, purpose=purpose)
    user = load_user(session, id=row.user_id)
    if user is None:  # deleted since the link was sent
        raise InvalidInput(INVALID_LINK)
    return user


def _set_password(user: User, password: str, now: datetime) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = now


def _audit(session: Session, user: User, action: str, *, ip: str | None) -> None:
    """Name a change the user made to their own account; the unit of work's audit hook adds the
    field diff (before and after, the password hash masked) to this entry when it flushes."""
    record_audit(
        session,
        action=action,
        entity_type="User",
        entity_id=user.id,
        tenant_id=user.tenant_id,
        actor_type="user",
        actor_id=user.id,
        ip=ip,
    )


def _limit_mail_requests(app, action: str, email: str, ip: str | None) -> None:
    """Per client IP, as for sign-in attempts: one machine does not try address after address (nor
    make us hash passwords for it). Per address, whether or not it has an account (so the limit
    reveals nothing): nobody's mailbox is bombed through us. A call without an IP (not over HTTP)
    has only the second."""
    if ip is not None:
        app.rate_limiter.hit(f"{action}-ip", ip, limit=app.settings.login_rate_limit_per_ip)
    app.rate_limiter.hit(f"{action}-email", lockout_subject(email), limit=MAIL_REQUESTS_PER_HOUR, window=3600)


def _lift_lockout(app, email: str) -> None:
    """Whoever reset the password proved they own the address: let them sign in at once."""
    app.lockout.unlock(lockout_subject(email))


def _send_quietly(app, message: EmailMessageSpec) -> None:
    """Send, logging a failure instead of raising it: the change is made, and an error could reveal it."""
    try:
        app.mailer.send(message)
    except MailError as exc:
        log.warning("account e-mail %r not sent (%s)", message.subject, exc.reason)


@contextmanager
def _no_faster_than(seconds: float) -> Iterator[None]:
    """Let the block's normal completion take at least `seconds`, whatever path it took."""
    deadline = time.monotonic() + seconds
    yield
    remaining = deadline - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


def _profile(user: User) -> ProfilePublic:
    return ProfilePublic(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        status=user.status,
        email_verified=user.email_verified_at is not None,
        mfa_enabled=user.mfa_enabled,
        roles=[RoleRef(id=role.id, name=role.name) for role in user.roles],
        last_login_at=user.last_login_at,
        password_changed_at=user.password_changed_at,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )
