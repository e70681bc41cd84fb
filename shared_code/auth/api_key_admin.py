"""Administration of a tenant's API keys: list, read, issue (the secret shown once) and revoke.

Issuing and revoking are shared_code/auth/api_keys.py's; this module adds the reading side and the
catalogue check. Nothing here ever returns a key's hash.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.auth.api_keys import create_api_key, revoke_api_key
from shared_code.auth.models import ApiKey
from shared_code.auth.permissions import ALL_CODES
from shared_code.auth.principal import Principal
from shared_code.auth.roles import ensure_known_permissions
from shared_code.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPublic, ApiKeyQuery
from shared_code.core.errors import NotFound
from shared_code.core.search import contains_any, fetch_page

SORTABLE = {
    "name": ApiKey.name,
    "created_at": ApiKey.created_at,
    "expires_at": ApiKey.expires_at,
    "last_used_at": ApiKey.last_used_at,
}


def list_api_keys(session: Session, query: ApiKeyQuery) -> tuple[list[ApiKeyPublic], int]:
    conditions = []
    if query.q:
        conditions.append(contains_any((ApiKey.name,), query.q))
    if query.status:
        conditions.append(_status_is(query.status, datetime.now(UTC)))
    keys, total = fetch_page(
        session, ApiKey, query, sortable=SORTABLE, default_sort="-created_at", conditions=conditions
    )
    return [ApiKeyPublic.model_validate(key) for key in keys], total


def get_api_key(session: Session, key_id: uuid.UUID) -> ApiKeyPublic:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("no such API key")
    return ApiKeyPublic.model_validate(key)


def issue_api_key(session: Session, actor: Principal | None, body: ApiKeyCreate) -> ApiKeyCreated:
    """A new key with catalogue permissions the actor holds (the operator's CLI: any)."""
    ensure_known_permissions(body.permissions)
    created = create_api_key(
        session,
        name=body.name,
        permissions=body.permissions,
        expires_at=body.expires_at,  # in UTC (ApiKeyCreate)
        grantable=actor.permissions if actor is not None else ALL_CODES,
    )
    public = ApiKeyPublic.model_validate(created.key)
    return ApiKeyCreated(**public.model_dump(), key=created.secret)


def revoke_key(session: Session, key_id: uuid.UUID) -> ApiKeyPublic:
    """Revoke a key at once (revoking a revoked key changes nothing)."""
    key = revoke_api_key(session, key_id)
    session.flush()
    return ApiKeyPublic.model_validate(key)


def _status_is(status: str, now: datetime) -> sa.ColumnElement[bool]:
    if status == "revoked":
        return ApiKey.revoked_at.is_not(None)
    unexpired = sa.or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now)
    if status == "active":
        return sa.and_(ApiKey.revoked_at.is_(None), unexpired)
    return sa.and_(ApiKey.revoked_at.is_(None), sa.not_(unexpired))
