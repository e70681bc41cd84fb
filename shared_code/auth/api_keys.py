"""API keys for services and integrations: `pact_<prefix>_<secret>`, shown once, stored as a hash.

The prefix finds the row; the SHA-256 of the whole key proves it (the key is 256 random bits, so a
fast hash is safe here, unlike passwords). Keys carry their own permissions, an expiry and a
revocation time. Their use updates `last_used_at` and writes an audit entry at most once a minute
per key, so a busy integration does not turn every request into a database write.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from shared_code.auth.models import ApiKey
from shared_code.auth.principal import Principal
from shared_code.core.audit import record_audit
from shared_code.core.errors import InvalidInput, NotFound, Unauthenticated

KEY_PREFIX = "pact"
USE_AUDIT_INTERVAL = 60  # seconds between recorded uses of one key


@dataclass(frozen=True)
class NewApiKey:
    key: ApiKey
    secret: str  # the full key, shown once


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(raw: str) -> tuple[str, str]:
    """(prefix, whole key) of a presented key; Unauthenticated when it is not PACT's format."""
    parts = raw.strip().split("_", 2)  # the secret is url-safe base64, which has underscores of its own
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 12 or len(parts[2]) < 32:
        raise Unauthenticated("malformed API key")
    return parts[1], raw.strip()


def create_api_key(
    session, *, name: str, permissions: list[str], expires_at: datetime | None, grantable: frozenset[str]
) -> NewApiKey:
    """A new key for the session's tenant. It may hold only permissions its creator holds."""
    excess = set(permissions) - grantable
    if excess:
        raise InvalidInput("an API key cannot hold permissions its creator lacks", details=sorted(excess))
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise InvalidInput("expires_at must be in the future")
    prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=name, prefix=prefix, key_hash=_hash(secret), permissions=sorted(set(permissions)), expires_at=expires_at
    )
    session.add(key)
    session.flush()
    record_audit(
        session,
        action="api_key.create",
        entity_type="ApiKey",
        entity_id=key.id,
        changes={"name": name, "permissions": key.permissions, "expires_at": expires_at and expires_at.isoformat()},
    )
    return NewApiKey(key, secret)


def revoke_api_key(session, key_id: uuid.UUID) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("no such API key")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        record_audit(session, action="api_key.revoke", entity_type="ApiKey", entity_id=key.id)
    return key


def authenticate_api_key(app, raw: str) -> Principal:
    """The principal of a presented key; Unauthenticated for unknown, wrong, expired or revoked keys."""
    prefix, whole = parse_key(raw)
    now = datetime.now(UTC)
    with app.unit_of_work() as uow:
        key = uow.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        if key is None or not hmac.compare_digest(key.key_hash, _hash(whole)) or not key.is_usable(now):
            raise Unauthenticated("invalid API key")
        if app.cache.incr(f"apikey-used:{key.id}", ttl_seconds=USE_AUDIT_INTERVAL) == 1:
            key.last_used_at = now
            record_audit(
                uow.session,
                action="api_key.use",
                entity_type="ApiKey",
                entity_id=key.id,
                tenant_id=key.tenant_id,
                actor_type="api_key",
                actor_id=key.id,
            )
            uow.commit()
        return Principal("api_key", key.id, key.tenant_id, frozenset(key.permissions))
