"""Access tokens: short-lived JWTs signed with HS256 by a key ring whose keys carry a `kid`.

The first key of the ring signs; every key verifies, so a new key is rolled out by putting it
first and the old one is dropped once the tokens it signed have expired (15 minutes). Only HS256
is accepted: a token that names any other algorithm, `none` included, is refused before its
signature is looked at, which closes the algorithm-confusion attacks.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pydantic import SecretStr

from shared_code.core.errors import Unauthenticated

log = logging.getLogger("pact.auth")

ALGORITHM = "HS256"
ISSUER = "pact"
AUDIENCE = "pact-api"
ACCESS = "access"
MFA_CHALLENGE = "mfa"  # proves the password step of a sign-in; only the MFA step accepts it
MFA_ENROLMENT = "mfa_enrol"  # a password step for a user who must enrol MFA before signing in


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]  # kid -> secret
    signing_kid: str

    @classmethod
    def from_setting(cls, value: SecretStr | None) -> KeyRing:
        """The ring from PACT_JWT_KEYS; without it (development only) an ephemeral key for this process."""
        if value is None:
            log.warning("PACT_JWT_KEYS is not set: using an ephemeral key; tokens die with this process")
            return cls({"ephemeral": secrets.token_bytes(32)}, "ephemeral")
        pairs = [entry.strip().partition(":") for entry in value.get_secret_value().split(",")]
        keys = {kid: secret.encode() for kid, _, secret in pairs}
        return cls(keys, pairs[0][0])


@dataclass(frozen=True)
class TokenClaims:
    subject: uuid.UUID  # the user
    tenant_id: uuid.UUID
    token_id: str  # jti: what logout puts on the deny list
    issued_at: datetime
    expires_at: datetime
    token_type: str
    roles: tuple[str, ...] = ()
    permissions: frozenset[str] = frozenset()


def issue_token(
    ring: KeyRing,
    *,
    user_id: uuid.UUID,
    tenant_id: uuid.UUID,
    ttl: timedelta,
    token_type: str = ACCESS,
    roles: tuple[str, ...] = (),
    permissions: frozenset[str] = frozenset(),
    now: datetime | None = None,
) -> tuple[str, TokenClaims]:
    """A signed token and its claims. Access tokens carry the roles and the flat permission list,
    so authorising a request needs no database round trip."""
    now = now or datetime.now(UTC)
    claims = TokenClaims(
        subject=user_id,
        tenant_id=tenant_id,
        token_id=uuid.uuid4().hex,
        issued_at=now,
        expires_at=now + ttl,
        token_type=token_type,
        roles=tuple(roles),
        permissions=frozenset(permissions),
    )
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(user_id),
        "tid": str(tenant_id),
        "jti": claims.token_id,
        "iat": int(now.timestamp()),
        "iat_ms": int(now.timestamp() * 1000),  # revocation compares at millisecond precision
        "exp": int(claims.expires_at.timestamp()),
        "typ": token_type,
    }
    if token_type == ACCESS:
        payload["roles"] = list(claims.roles)
        payload["perms"] = sorted(claims.permissions)
    token = jwt.encode(payload, ring.keys[ring.signing_kid], algorithm=ALGORITHM, headers={"kid": ring.signing_kid})
    return token, claims


def _unverified_header(token: str) -> dict:
    """The token's header, only to pick the key: `jwt.decode` then verifies everything. Read here
    rather than with `jwt.get_unverified_header`, which also decodes and checks the whole payload
    (character by character since PyJWT 2.15), so every request paid for that twice."""
    head, dot, _ = token.partition(".")
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))) if dot else None
    except (ValueError, binascii.Error):
        header = None
    if not isinstance(header, dict):
        raise Unauthenticated("malformed token")
    return header


def decode_token(ring: KeyRing, token: str, *, expected_type: str = ACCESS) -> TokenClaims:
    """Verify signature, algorithm, key id, issuer, audience, expiry and type; raise Unauthenticated."""
    header = _unverified_header(token)
    if header.get("alg") != ALGORITHM:
        raise Unauthenticated("token algorithm not accepted")
    key = ring.keys.get(str(header.get("kid")))
    if key is None:
        raise Unauthenticated("token signed with an unknown key")
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "jti", "tid", "typ"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("token expired") from None
    except jwt.InvalidTokenError:
        raise Unauthenticated("invalid token") from None
    if payload["typ"] != expected_type:
        raise Unauthenticated("wrong kind of token")
    try:
        return TokenClaims(
            subject=uuid.UUID(payload["sub"]),
            tenant_id=uuid.UUID(payload["tid"]),
            token_id=str(payload["jti"]),
            issued_at=datetime.fromtimestamp(payload.get("iat_ms", payload["iat"] * 1000) / 1000, UTC),
            expires_at=datetime.fromtimestamp(payload["exp"], UTC),
            token_type=payload["typ"],
            roles=tuple(payload.get("roles", ())),
            permissions=frozenset(payload.get("perms", ())),
        )
    except (ValueError, TypeError):
        raise Unauthenticated("invalid token") from None
