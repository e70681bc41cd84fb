"""API shapes of the administration routes: users, roles, permissions, API keys, tenant settings.

Request bodies are strict (shared_code/auth/fields.py): a PATCH that tries to change something it
cannot (an e-mail, a password hash) fails loudly instead of being ignored. Responses never carry a secret:
no password hash, no key hash; an API key's secret appears once, in `ApiKeyCreated`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared_code.auth.account_schemas import RoleRef  # the same shape as the profile's roles
from shared_code.auth.fields import StrictBody, display_name_field, email_field
from shared_code.core.http.params import ListQuery, UtcDateTime


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# -- users -------------------------------------------------------------------------------------


class UserCreate(StrictBody):
    email: str = email_field()
    display_name: str = display_name_field()
    roles: list[uuid.UUID] = Field(default_factory=list, max_length=50, description="role ids")


class UserUpdate(StrictBody):
    display_name: str | None = display_name_field(None)
    status: Literal["active", "disabled"] | None = Field(
        None, description="disabling ends the user's sessions; an invited user becomes active by accepting"
    )


class UserRolesUpdate(StrictBody):
    roles: list[uuid.UUID] = Field(max_length=50, description="role ids: the user's complete set of roles")


class UserQuery(ListQuery):
    """`q` searches e-mail and display name; `sort` by email, display_name, status, created_at, last_login_at."""

    status: Literal["active", "invited", "disabled"] | None = None
    role: str | None = Field(None, max_length=100, description="a role id or name")
    deleted: bool = Field(False, description="list removed users instead of current ones")


class UserPublic(_Public):
    id: uuid.UUID
    email: str
    display_name: str
    status: str
    mfa_enabled: bool
    roles: list[RoleRef]
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


# -- roles and permissions -----------------------------------------------------------------------


class RoleCreate(StrictBody):
    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(None, max_length=500)
    permissions: list[str] = Field(default_factory=list, max_length=200)


class RoleUpdate(StrictBody):
    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=500)
    permissions: list[str] | None = Field(None, max_length=200)


class RoleQuery(ListQuery):
    """`q` searches name and description; `sort` by name, created_at; `system` picks built-in or custom roles."""

    system: bool | None = None


class RolePublic(_Public):
    id: uuid.UUID
    name: str
    description: str | None
    is_system: bool
    permissions: list[str]
    created_at: datetime
    updated_at: datetime


class PermissionPublic(BaseModel):
    code: str
    resource: str
    action: str
    description: str


# -- API keys ------------------------------------------------------------------------------------


class ApiKeyCreate(StrictBody):
    name: str = Field(min_length=1, max_length=200)
    permissions: list[str] = Field(min_length=1, max_length=200)
    expires_at: UtcDateTime | None = Field(None, description="when the key stops working (none: until revoked)")


class ApiKeyQuery(ListQuery):
    """`q` searches the name; `sort` by name, created_at, expires_at, last_used_at; `status` active|revoked|expired."""

    status: Literal["active", "revoked", "expired"] | None = None


class ApiKeyPublic(_Public):
    id: uuid.UUID
    name: str
    prefix: str
    permissions: list[str]
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime
    created_by: uuid.UUID | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="the whole key: shown this once, never again")


# -- tenant settings -----------------------------------------------------------------------------


class TenantSettingsPublic(BaseModel):
    allow_self_registration: bool
    mfa_required_roles: list[str]


class TenantSettingsUpdate(StrictBody):
    allow_self_registration: bool | None = None
    mfa_required_roles: list[str] | None = Field(None, max_length=50, description="names of roles that must use MFA")
