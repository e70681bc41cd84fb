"""Administration of a tenant's users: list, invite, update, disable, remove and restore, roles, MFA reset.

Every function works in the caller's session, which the unit of work scopes to one tenant: a user
of another tenant is simply not found. `actor` is who acts (None: the operator's CLI).

Rules that keep an organisation safe from its own administrators' mistakes and from escalation:
- a caller grants or takes away only roles whose permissions they hold themselves;
- nobody disables or removes their own account, and the last active administrator cannot be
  disabled, removed or lose the Admin role through the API (the CLI, run by the operator, can);
- disabling, removing and resetting MFA end the user's sessions at once; a role change makes the
  user's access tokens refresh, so new permissions apply within seconds, not at expiry.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from shared_code.auth.authn import expire_access_tokens
from shared_code.auth.models import MfaCredential, RecoveryCode, Role, User
from shared_code.auth.permissions import ADMIN, system_role_id
from shared_code.auth.principal import Principal, ensure_grantable
from shared_code.auth.schemas import UserCreate, UserPublic, UserQuery, UserUpdate
from shared_code.core.audit import record_audit
from shared_code.core.errors import Conflict, NotFound
from shared_code.core.search import contains_any, fetch_page

SORTABLE = {
    "email": User.email,
    "display_name": User.display_name,
    "status": User.status,
    "created_at": User.created_at,
    "last_login_at": User.last_login_at,
}


def list_users(session: Session, query: UserQuery) -> tuple[list[UserPublic], int]:
    """One page of the tenant's users (current ones, or removed ones with `deleted`) and the total."""
    conditions = [User.deleted_at.is_not(None) if query.deleted else User.deleted_at.is_(None)]
    if query.status:
        conditions.append(User.status == query.status)
    if query.q:
        conditions.append(contains_any((User.email, User.display_name), query.q))
    if query.role:
        conditions.append(User.roles.any(_role_matches(query.role)))
    users, total = fetch_page(
        session,
        User,
        query,
        sortable=SORTABLE,
        default_sort="email",
        conditions=conditions,
        options=[selectinload(User.roles)],
    )
    return [_public(user) for user in users], total


def get_user(session: Session, user_id: uuid.UUID) -> UserPublic:
    return _public(_load(session, user_id))


def invite_user(app, session: Session, actor: Principal, body: UserCreate) -> UserPublic:
    """Create an `invited` user with roles and e-mail them the link to choose a password."""
    from shared_code.auth.accounts import send_invitation

    email = body.email.strip().lower()
    _ensure_email_free(session, email)
    roles = _visible_roles(session, body.roles)
    _ensure_grantable(actor, roles)
    user = User(email=email, display_name=body.display_name, status="invited", password_hash=None, roles=roles)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:  # the same address, added by a concurrent request
        raise Conflict("a user with this e-mail address already exists") from None
    send_invitation(app, session, user, inviter_name=_name_of(session, actor))
    return _public(user)


def update_user(app, session: Session, actor: Principal | None, user_id: uuid.UUID, changes: UserUpdate) -> UserPublic:
    """Rename, disable or re-enable a user. Disabling ends their sessions."""
    user = _live(_load(session, user_id))
    if changes.display_name is not None:
        user.display_name = changes.display_name
    if changes.status == "disabled" and user.status != "disabled":
        _refuse_self(actor, user, "disable")
        _keep_an_administrator(session, actor, user)
        user.status = "disabled"
        _end_sessions(app, session, user)
    elif changes.status == "active" and user.status == "invited":
        raise Conflict("an invited user becomes active by accepting the invitation")
    elif changes.status == "active" and user.status == "disabled":
        # Someone who never accepted their invitation has no password: they are invited again.
        user.status = "active" if user.password_hash else "invited"
    session.flush()
    return _public(user)


def delete_user(app, session: Session, actor: Principal | None, user_id: uuid.UUID) -> UserPublic:
    """Remove a user (soft: restorable). Removing a removed user changes nothing."""
    user = _load(session, user_id)
    if not user.is_deleted:
        _refuse_self(actor, user, "remove")
        _keep_an_administrator(session, actor, user)
        user.mark_deleted(by=actor.id if actor else None)
        _end_sessions(app, session, user)
        session.flush()
    return _public(user)


def restore_user(session: Session, user_id: uuid.UUID) -> UserPublic:
    """Bring a removed user back with the status and roles they had."""
    user = _load(session, user_id)
    if user.is_deleted:
        user.restore()
        session.flush()
    return _public(user)


def set_user_roles(
    app, session: Session, actor: Principal | None, user_id: uuid.UUID, role_ids: list[uuid.UUID]
) -> UserPublic:
    """Give a user exactly these roles (the tenant's own or system roles)."""
    user = _live(_load(session, user_id))
    roles = _visible_roles(session, role_ids)
    before, after = {r.id: r for r in user.roles}, {r.id: r for r in roles}
    changed = [role for rid, role in (before | after).items() if (rid in before) != (rid in after)]
    if not changed:
        return _public(user)
    _ensure_grantable(actor, changed)
    if system_role_id(ADMIN) not in after:
        _keep_an_administrator(session, actor, user)
    record_audit(
        session,
        action="user.roles_changed",
        entity_type="User",
        entity_id=user.id,
        changes={"roles": {"before": sorted(r.name for r in before.values()), "after": sorted(r.name for r in roles)}},
    )
    user.roles = roles
    expire_access_tokens(app, [user.id])
    session.flush()
    return _public(user)


def reset_mfa(app, session: Session, actor: Principal | None, user_id: uuid.UUID) -> UserPublic:
    """Remove a user's authenticator and recovery codes (a lost device); they enrol again at next sign-in."""
    user = _live(_load(session, user_id))
    was_enabled = user.mfa_enabled
    for model in (MfaCredential, RecoveryCode):
        session.execute(sa.delete(model).where(model.user_id == user.id).execution_options(synchronize_session=False))
    record_audit(
        session,
        action="user.mfa_reset",
        entity_type="User",
        entity_id=user.id,
        changes={"mfa_enabled": {"before": was_enabled, "after": False}},
    )
    user.mfa_enabled = False
    _end_sessions(app, session, user)
    session.flush()
    return _public(user)


def find_user(session: Session, email: str) -> tuple[uuid.UUID, uuid.UUID]:
    """(user id, tenant id) of the user with this e-mail address, removed users included."""
    row = session.execute(sa.select(User.id, User.tenant_id).where(User.email == email.strip().lower())).first()
    if row is None:
        raise NotFound(f"no user {email.strip().lower()}")
    return row[0], row[1]


# -- helpers -----------------------------------------------------------------------------------


def _public(user: User) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)


def _load(session: Session, user_id: uuid.UUID) -> User:
    user = session.scalars(sa.select(User).options(selectinload(User.roles)).where(User.id == user_id)).one_or_none()
    if user is None:
        raise NotFound("no such user")
    return user


def _live(user: User) -> User:
    if user.is_deleted:
        raise Conflict("this user was removed: restore them first")
    return user


def _role_matches(role: str) -> sa.ColumnElement[bool]:
    try:
        return Role.id == uuid.UUID(role)
    except ValueError:
        return Role.name == role


def _visible_roles(session: Session, role_ids: list[uuid.UUID]) -> list[Role]:
    """The roles with these ids that the tenant can see (its own and the system's); NotFound names the rest."""
    wanted = list(dict.fromkeys(role_ids))
    roles = session.scalars(sa.select(Role).options(selectinload(Role.permissions)).where(Role.id.in_(wanted))).all()
    missing = set(wanted) - {role.id for role in roles}
    if missing:
        raise NotFound("no such role", details=sorted(str(m) for m in missing))
    return sorted(roles, key=lambda role: role.name)


def _ensure_grantable(actor: Principal | None, roles: Iterable[Role]) -> None:
    """A caller may give or take away only roles whose every permission they hold."""
    ensure_grantable(actor, (p.code for role in roles for p in role.permissions))


def _refuse_self(actor: Principal | None, user: User, verb: str) -> None:
    if actor is not None and actor.id == user.id:
        raise Conflict(f"you cannot {verb} your own account")


def _keep_an_administrator(session: Session, actor: Principal | None, user: User) -> None:
    """Refuse a change that would leave the tenant without an active administrator (API callers only)."""
    admin = system_role_id(ADMIN)
    if actor is None or user.status != "active" or admin not in {role.id for role in user.roles}:
        return
    others = session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.id != user.id, User.status == "active", User.deleted_at.is_(None), User.roles.any(Role.id == admin)
        )
    )
    if not others:
        raise Conflict("this is the organisation's last active administrator: make someone else an administrator first")


def _end_sessions(app, session: Session, user: User) -> None:
    from shared_code.auth.sessions import revoke_user_sessions

    revoke_user_sessions(app, session, user.id)


def _ensure_email_free(session: Session, email: str) -> None:
    # A Core query on the table, deliberately not scoped to the tenant: addresses are unique across
    # all tenants. The answer (409) is the same whichever tenant holds the address.
    taken = session.execute(sa.select(User.__table__.c.id).where(User.__table__.c.email == email)).first()
    if taken is not None:
        raise Conflict("a user with this e-mail address already exists")


def _name_of(session: Session, actor: Principal) -> str:
    if actor.is_user:
        inviter = session.get(User, actor.id)
        if inviter is not None:
            return inviter.display_name
    return "An administrator"
