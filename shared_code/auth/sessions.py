"""Sign-in sessions: login (with the MFA step), refresh-token rotation, logout, and who am I.

A session is a family of refresh tokens. Each refresh spends the presented token and issues its
successor; presenting a spent token again means it leaked, so the whole family is revoked.
Wrong e-mail, wrong password, disabled or not-yet-activated accounts all get the same answer.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from shared_code.auth import tokens
from shared_code.auth.authn import deny_key, ensure_not_revoked, expire_access_tokens
from shared_code.auth.limits import lockout_subject
from shared_code.auth.models import RefreshToken, Role, Tenant, User
from shared_code.auth.passwords import hash_password, needs_rehash, verify_password
from shared_code.auth.principal import Principal
from shared_code.core.audit import record_audit
from shared_code.core.errors import Unauthenticated

MFA_STEP_TTL = timedelta(minutes=5)
BAD_CREDENTIALS = "invalid email or password"


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so both answers take as long."""
    return hash_password(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret


@dataclass(frozen=True)
class MfaChallenge:
    mfa_token: str
    enrolment_required: bool
    mfa_required: bool = field(default=True)


@dataclass(frozen=True)
class Client:
    """Where a request comes from, for limits and the audit trail."""

    ip: str | None = None
    user_agent: str | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_user(session: Session, **where) -> User | None:
    query = sa.select(User).options(selectinload(User.roles).selectinload(Role.permissions), selectinload(User.tenant))
    for name, value in where.items():
        query = query.where(getattr(User, name) == value)
    return session.scalars(query.where(User.deleted_at.is_(None))).one_or_none()


@contextmanager
def signed_in(app, principal: Principal) -> Iterator[tuple[Any, User]]:
    """A unit of work for the caller's tenant, acting as the caller, and the caller's own user row.

    Only a person has one: an API key is refused (403). An account removed or no longer active
    since its token was issued answers as signed out (401).
    """
    principal.ensure_person()
    with app.unit_of_work(tenant_id=principal.tenant_id, actor_id=principal.id) as uow:
        user = load_user(uow.session, id=principal.id)
        if user is None or user.status != "active":
            raise Unauthenticated("this account is no longer active")
        yield uow, user


def _can_sign_in(user: User | None) -> bool:
    return user is not None and user.status == "active" and user.tenant.status == "active"


def mfa_required_for(user: User) -> bool:
    required = set(user.tenant.settings.get("mfa_required_roles", []))
    return bool(required & {role.name for role in user.roles})


def login(app, *, email: str, password: str, client: Client) -> TokenPair | MfaChallenge:
    """Check the password; answer tokens, or a challenge when the user has (or must set up) MFA."""
    app.rate_limiter.hit("login-ip", client.ip or "unknown", limit=app.settings.login_rate_limit_per_ip)
    subject = lockout_subject(email)
    app.lockout.check(subject)
    with app.unit_of_work() as uow:
        user = load_user(uow.session, email=email.strip().lower())
        # An unknown address, or an account without a password yet (invited), costs a verification
        # too: otherwise the quicker answer would tell that the address is known.
        known_hash = user.password_hash if user is not None else None
        password_ok = verify_password(password, known_hash or _dummy_hash()) and known_hash is not None
        if not (password_ok and _can_sign_in(user)):
            locked = app.lockout.record_failure(subject)
            record_audit(
                uow.session,
                action="auth.login_failed",
                entity_type="User",
                entity_id=user.id if user else None,
                tenant_id=user.tenant_id if user else None,
                changes={"email": email.strip().lower(), "locked": locked},
                ip=client.ip,
            )
            uow.commit()
            raise Unauthenticated(BAD_CREDENTIALS)
        app.lockout.clear(subject)
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        if user.mfa_enabled or mfa_required_for(user):
            kind = tokens.MFA_CHALLENGE if user.mfa_enabled else tokens.MFA_ENROLMENT
            token, _ = tokens.issue_token(
                app.key_ring, user_id=user.id, tenant_id=user.tenant_id, ttl=MFA_STEP_TTL, token_type=kind
            )
            uow.commit()
            return MfaChallenge(token, enrolment_required=not user.mfa_enabled)
        pair = start_session(app, uow.session, user, client, method="password")
        uow.commit()
        return pair


def start_session(app, session: Session, user: User, client: Client, *, method: str) -> TokenPair:
    """A new refresh-token family and an access token for a user who has proven who they are."""
    user.last_login_at = datetime.now(UTC)
    refresh = _new_refresh_token(app, session, user, family_id=uuid.uuid4(), client=client)
    record_audit(
        session,
        action="auth.login",
        entity_type="User",
        entity_id=user.id,
        tenant_id=user.tenant_id,
        actor_type="user",
        actor_id=user.id,
        changes={"method": method},
        ip=client.ip,
    )
    return TokenPair(_access_token(app, user), refresh, app.settings.access_token_ttl)


def _access_token(app, user: User) -> str:
    token, _ = tokens.issue_token(
        app.key_ring,
        user_id=user.id,
        tenant_id=user.tenant_id,
        ttl=timedelta(seconds=app.settings.access_token_ttl),
        roles=tuple(role.name for role in user.roles),
        permissions=user.permissions,
    )
    return token


def _new_refresh_token(app, session: Session, user: User, *, family_id: uuid.UUID, client: Client) -> str:
    secret = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            id=uuid.uuid4(),
            tenant_id=user.tenant_id,
            user_id=user.id,
            family_id=family_id,
            token_hash=_hash(secret),
            expires_at=datetime.now(UTC) + timedelta(seconds=app.settings.refresh_token_ttl),
            ip=client.ip,
            user_agent=(client.user_agent or "")[:300] or None,
        )
    )
    return secret


def user_for_step(app, session: Session, token: str, kind: str) -> User:
    """The user an MFA-step token was issued to, if they may still sign in."""
    claims = tokens.decode_token(app.key_ring, token, expected_type=kind)
    ensure_not_revoked(app, claims)
    user = load_user(session, id=claims.subject)
    if not _can_sign_in(user):
        raise Unauthenticated(BAD_CREDENTIALS)
    return user


def refresh(app, *, refresh_token: str, client: Client) -> TokenPair:
    """Spend a refresh token for a new pair. A spent token presented again revokes its whole family."""
    now = datetime.now(UTC)
    with app.unit_of_work() as uow:
        row = uow.session.scalars(
            sa.select(RefreshToken).where(RefreshToken.token_hash == _hash(refresh_token))
        ).one_or_none()
        if row is None:
            raise Unauthenticated("invalid refresh token")
        # Spend it with a conditional UPDATE: of two concurrent refreshes with one token, one wins.
        spent = uow.session.execute(
            sa.update(RefreshToken)
            .where(RefreshToken.id == row.id, RefreshToken.used_at.is_(None), RefreshToken.revoked_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if spent != 1:
            if row.revoked_at is None:  # a spent, unrevoked token: it was replayed
                _revoke_family(uow.session, row.family_id, now)
                record_audit(
                    uow.session,
                    action="auth.refresh_reuse",
                    entity_type="User",
                    entity_id=row.user_id,
                    tenant_id=row.tenant_id,
                    changes={"family": str(row.family_id)},
                    ip=client.ip,
                )
                uow.commit()
            raise Unauthenticated("refresh token no longer valid; sign in again")
        user = load_user(uow.session, id=row.user_id)
        if row.expires_at <= now or not _can_sign_in(user):
            uow.rollback()
            raise Unauthenticated("refresh token no longer valid; sign in again")
        secret = _new_refresh_token(app, uow.session, user, family_id=row.family_id, client=client)
        uow.session.flush()
        successor = uow.session.scalars(
            sa.select(RefreshToken.id).where(RefreshToken.token_hash == _hash(secret))
        ).one()
        uow.session.execute(
            sa.update(RefreshToken)
            .where(RefreshToken.id == row.id)
            .values(replaced_by_id=successor)
            .execution_options(synchronize_session=False)
        )
        pair = TokenPair(_access_token(app, user), secret, app.settings.access_token_ttl)
        uow.commit()
        return pair


def _revoke_family(session: Session, family_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def revoke_user_sessions(app, session: Session, user_id: uuid.UUID) -> None:
    """End every session of a user: refresh tokens revoked, access tokens issued before now refused."""
    session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    expire_access_tokens(app, [user_id])


def logout(app, *, principal: Principal, refresh_token: str | None, client: Client) -> None:
    """Deny the access token until it expires and revoke the session's refresh tokens."""
    principal.ensure_person()
    if principal.token_id and principal.expires_at:
        remaining = int((principal.expires_at - datetime.now(UTC)).total_seconds()) + 1
        if remaining > 0:
            app.cache.set(deny_key(principal.token_id), b"1", ttl_seconds=remaining)
    with app.unit_of_work(tenant_id=principal.tenant_id, actor_id=principal.id) as uow:
        if refresh_token:
            row = uow.session.scalars(
                sa.select(RefreshToken).where(RefreshToken.token_hash == _hash(refresh_token))
            ).one_or_none()
            if row is not None and row.user_id == principal.id:
                _revoke_family(uow.session, row.family_id, datetime.now(UTC))
        record_audit(uow.session, action="auth.logout", entity_type="User", entity_id=principal.id, ip=client.ip)
        uow.commit()


def describe_me(app, principal: Principal) -> dict:
    """The signed-in user, tenant, roles and flat permission list the UI builds its menus from."""
    with signed_in(app, principal) as (_, user):
        tenant: Tenant = user.tenant
        return {
            "user": {
                "id": str(user.id),
                "email": user.email,
                "display_name": user.display_name,
                "status": user.status,
                "mfa_enabled": user.mfa_enabled,
            },
            "tenant": {"id": str(tenant.id), "slug": tenant.slug, "name": tenant.name},
            "roles": [role.name for role in user.roles],
            "permissions": sorted(user.permissions),
        }
