"""A tenant's identity policy: whether people may register themselves, and which roles must use MFA.

The policy lives in `Tenant.settings` (JSON). It is always replaced, never changed in place, so the
audit trail sees the before and after of every change.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.auth.models import Role, Tenant
from shared_code.auth.schemas import TenantSettingsPublic, TenantSettingsUpdate
from shared_code.core.errors import InvalidInput, NotFound


def get_settings(session: Session, tenant_id: uuid.UUID) -> TenantSettingsPublic:
    return _public(_tenant(session, tenant_id))


def update_settings(session: Session, tenant_id: uuid.UUID, changes: TenantSettingsUpdate) -> TenantSettingsPublic:
    tenant = _tenant(session, tenant_id)
    policy = dict(tenant.settings or {})
    if changes.allow_self_registration is not None:
        policy["allow_self_registration"] = changes.allow_self_registration
    if changes.mfa_required_roles is not None:
        names = sorted(set(changes.mfa_required_roles))
        known = set(session.scalars(sa.select(Role.name).where(Role.name.in_(names))))
        unknown = [name for name in names if name not in known]
        if unknown:
            details = [{"field": "mfa_required_roles", "message": name} for name in unknown]
            raise InvalidInput("unknown roles", details=details)
        policy["mfa_required_roles"] = names
    tenant.settings = policy
    session.flush()
    return _public(tenant)


def rename_mfa_role(session: Session, tenant_id: uuid.UUID | None, old: str, new: str | None) -> None:
    """Follow a custom role's rename (or deletion, `new=None`) in the MFA policy, so the policy never
    silently stops applying to a renamed role, nor applies to a new role that takes an old name."""
    if tenant_id is None:
        return
    tenant = _tenant(session, tenant_id)
    required = list((tenant.settings or {}).get("mfa_required_roles", []))
    if old in required:
        required = sorted({*(name for name in required if name != old), *([new] if new else [])})
        tenant.settings = {**tenant.settings, "mfa_required_roles": required}


def _tenant(session: Session, tenant_id: uuid.UUID) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("no such tenant")
    return tenant


def _public(tenant: Tenant) -> TenantSettingsPublic:
    policy = tenant.settings or {}
    return TenantSettingsPublic(
        allow_self_registration=bool(policy.get("allow_self_registration", False)),
        mfa_required_roles=sorted(policy.get("mfa_required_roles", [])),
    )
