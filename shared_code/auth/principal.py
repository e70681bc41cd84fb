"""Who is calling: a signed-in user or an API key, with their tenant and flat permission set."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


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
