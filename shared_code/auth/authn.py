"""Authentication and authorisation of every HTTP request, installed into the request pipeline.

Order matters: the per-IP limit first (even for public routes), then credentials, then the
per-caller limit, then the route's permission. Everything is refused before the handler runs.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterable

from shared_code.auth.principal import Principal
from shared_code.auth.tokens import TokenClaims, decode_token
from shared_code.core.errors import PermissionDenied, Unauthenticated
from shared_code.core.http.registry import AUTHENTICATED, PUBLIC
from shared_code.core.http.request import ApiRequest


def deny_key(token_id: str) -> str:
    return f"auth:deny:{token_id}"


def revoked_before_key(user_id) -> str:
    return f"auth:revoked-before:{user_id}"


def expire_access_tokens(app, user_ids: Iterable[uuid.UUID]) -> None:
    """Refuse the users' access tokens issued until now, so their next request must refresh (and so
    picks up new permissions, or fails when the session was revoked).

    Not part of any transaction: if the caller then rolls back, the users merely refresh once more.
    """
    now = f"{math.floor(time.time() * 1000) / 1000:.3f}"  # milliseconds, as tokens carry (`iat_ms`)
    for user_id in user_ids:
        app.cache.set(revoked_before_key(user_id), now, ttl_seconds=app.settings.access_token_ttl)


def ensure_not_revoked(app, claims: TokenClaims) -> None:
    """Refuse a token that was signed out (its `jti` denied) or issued before its user's sessions
    were ended. Holds for the MFA-step tokens too: a password reset also ends a half-done sign-in."""
    denied, revoked_before = app.cache.get_many([deny_key(claims.token_id), revoked_before_key(claims.subject)])
    if denied is not None:
        raise Unauthenticated("token revoked")
    if revoked_before is not None and claims.issued_at.timestamp() < float(revoked_before):
        raise Unauthenticated("token revoked; sign in again")


class RequestAuthorizer:
    def __init__(self, app) -> None:
        self._app = app

    def __call__(self, request: ApiRequest, permission: str) -> None:
        settings = self._app.settings
        self._app.rate_limiter.hit("ip", request.client_ip or "unknown", limit=settings.rate_limit_per_ip)
        if permission == PUBLIC:
            return
        principal = self.authenticate(request)
        if principal.is_user:
            self._app.rate_limiter.hit("user", str(principal.id), limit=settings.rate_limit_per_user)
        else:
            self._app.rate_limiter.hit("apikey", str(principal.id), limit=settings.rate_limit_per_api_key)
        if permission != AUTHENTICATED and not principal.can(permission):
            raise PermissionDenied(f"this needs the permission {permission}")
        request.principal = principal

    def authenticate(self, request: ApiRequest) -> Principal:
        api_key = request.headers.get("x-api-key")
        if api_key:
            from shared_code.auth.api_keys import authenticate_api_key

            return authenticate_api_key(self._app, api_key)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("sign in, or send an API key")
        return self.principal_from_token(token.strip())

    def principal_from_token(self, token: str) -> Principal:
        claims = decode_token(self._app.key_ring, token)
        ensure_not_revoked(self._app, claims)
        return Principal(
            "user",
            claims.subject,
            claims.tenant_id,
            claims.permissions,
            claims.roles,
            claims.token_id,
            claims.expires_at,
        )
