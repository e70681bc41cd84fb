"""Who is calling: a signed-in user or an API key, with their tenant and flat permission set."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared_code.core.errors import PermissionDenied


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" or "api_key"
    id: uuid.UUID
    tenant_id: uuid.UUID
    permissions: frozenset[str]
    roles: tuple[str, ...] = ()
    token_id: str | None = None  # the access token's jti (users only)
    expires_at: datetime | None = None

    @property
    def is_user(self) -> bool:
        return self.kind == "user"

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def actor_type(self) -> str:
        return self.kind

    def ensure_person(self) -> None:
        """Refuse an API key where only a signed-in person makes sense (a session, a password, MFA)."""
        if not self.is_user:
            raise PermissionDenied("only a signed-in person can do this, not an API key")


def ensure_grantable(actor: Principal | None, codes: Iterable[str]) -> None:
    """A caller gives or takes away (a user's roles, a custom role's grants) only permissions they
    hold themselves, so nobody can mint more power than they have. `None` is the operator's CLI."""
    excess = set(codes) - actor.permissions if actor is not None else set()
    if excess:
        raise PermissionDenied("you cannot grant or take away permissions you do not hold", details=sorted(excess))
