"""Roles and the permission catalogue: a tenant's custom roles, next to the read-only system roles.

A role holds only permissions of the catalogue (shared_code/auth/permissions.py), and a caller puts
into a role, or takes out of it, only permissions they hold themselves. Changing a role's
permissions makes its holders' access tokens refresh; a role somebody holds cannot be deleted.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from shared_code.auth import tenant_settings
from shared_code.auth.authn import expire_access_tokens
from shared_code.auth.models import Permission, Role, UserRole
from shared_code.auth.permissions import ALL_CODES, PERMISSIONS
from shared_code.auth.principal import Principal, ensure_grantable
from shared_code.auth.schemas import PermissionPublic, RoleCreate, RolePublic, RoleQuery, RoleUpdate
from shared_code.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from shared_code.core.http.params import ListQuery
from shared_code.core.search import contains_any, fetch_page

SORTABLE = {"name": Role.name, "created_at": Role.created_at}


def list_roles(session: Session, query: RoleQuery) -> tuple[list[RolePublic], int]:
    """One page of the roles the tenant can use (system roles and its own) and the total."""
    conditions = []
    if query.system is not None:
        conditions.append(Role.is_system.is_(query.system))
    if query.q:
        conditions.append(contains_any((Role.name, Role.description), query.q))
    roles, total = fetch_page(
        session,
        Role,
        query,
        sortable=SORTABLE,
        default_sort="name",
        conditions=conditions,
        options=[selectinload(Role.permissions)],
    )
    return [_public(role) for role in roles], total


def get_role(session: Session, role_id: uuid.UUID) -> RolePublic:
    return _public(_load(session, role_id))


def create_role(session: Session, actor: Principal | None, body: RoleCreate) -> RolePublic:
    _ensure_name_free(session, body.name)
    permissions = _permissions(session, body.permissions)
    ensure_grantable(actor, {p.code for p in permissions})
    role = Role(name=body.name, description=body.description, is_system=False, permissions=permissions)
    session.add(role)
    _flush_unique(session, body.name)
    return _public(role)


def update_role(app, session: Session, actor: Principal | None, role_id: uuid.UUID, changes: RoleUpdate) -> RolePublic:
    """Rename, describe or re-grant a custom role. Its holders' new permissions apply at their next refresh."""
    role = _custom(_load(session, role_id))
    if changes.name is not None and changes.name != role.name:
        _ensure_name_free(session, changes.name, other_than=role.id)  # "ops" may become "Ops"
        tenant_settings.rename_mfa_role(session, role.tenant_id, role.name, changes.name)
        role.name = changes.name
    if "description" in changes.model_fields_set:
        role.description = changes.description
    if changes.permissions is not None:
        permissions = _permissions(session, changes.permissions)
        before, after = {p.code for p in role.permissions}, {p.code for p in permissions}
        if before != after:
            ensure_grantable(actor, before ^ after)
            role.permissions = permissions
            expire_access_tokens(app, _holders(session, role.id))
    _flush_unique(session, role.name)
    return _public(role)


def delete_role(session: Session, role_id: uuid.UUID) -> None:
    """Delete a custom role nobody holds (409 otherwise: reassign its users first)."""
    role = _custom(_load(session, role_id))
    holders = _holders(session, role.id)
    if holders:
        raise Conflict(
            f"{len(holders)} user(s) hold this role: give them other roles first", details={"users": len(holders)}
        )
    tenant_settings.rename_mfa_role(session, role.tenant_id, role.name, None)
    session.delete(role)
    session.flush()


def list_permissions(query: ListQuery) -> tuple[list[PermissionPublic], int]:
    """The catalogue, in its own order (by resource), optionally searched."""
    needle = (query.q or "").strip().lower()
    found = [p for p in PERMISSIONS if needle in p.code or needle in p.description.lower()]
    page = found[query.offset : query.offset + query.page_size]
    return [PermissionPublic(**p._asdict()) for p in page], len(found)


def ensure_known_permissions(codes: list[str]) -> None:
    """400 naming every code that is not in the catalogue."""
    unknown = sorted(set(codes) - ALL_CODES)
    if unknown:
        raise InvalidInput("unknown permissions", details=[{"field": "permissions", "message": c} for c in unknown])


# -- helpers -----------------------------------------------------------------------------------


def _public(role: Role) -> RolePublic:
    return RolePublic(
        id=role.id,
        name=role.name,
        description=role.description,
        is_system=role.is_system,
        permissions=[p.code for p in role.permissions],
        created_at=role.created_at,
        updated_at=role.updated_at,
    )


def _load(session: Session, role_id: uuid.UUID) -> Role:
    query = sa.select(Role).options(selectinload(Role.permissions)).where(Role.id == role_id)
    role = session.scalars(query).one_or_none()
    if role is None:
        raise NotFound("no such role")
    return role


def _custom(role: Role) -> Role:
    if role.tenant_id is None:
        raise PermissionDenied("system roles are read-only: create a custom role instead")
    return role


def _permissions(session: Session, codes: list[str]) -> list[Permission]:
    ensure_known_permissions(codes)
    return list(session.scalars(sa.select(Permission).where(Permission.code.in_(set(codes))).order_by(Permission.code)))


def _ensure_name_free(session: Session, name: str, *, other_than: uuid.UUID | None = None) -> None:
    # The tenant's roles and the system roles: a custom "Admin" would be mistaken for the real one.
    same_name = sa.select(Role.id).where(sa.func.lower(Role.name) == name.lower(), Role.id != other_than)
    if session.scalar(same_name) is not None:
        raise Conflict(f"a role named {name!r} exists already")


def _flush_unique(session: Session, name: str) -> None:
    try:
        session.flush()
    except IntegrityError:  # the same name, taken by a concurrent request
        raise Conflict(f"a role named {name!r} exists already") from None


def _holders(session: Session, role_id: uuid.UUID) -> list[uuid.UUID]:
    # Removed users too: restoring them gives them their roles back.
    return list(session.scalars(sa.select(UserRole.user_id).where(UserRole.role_id == role_id)))
