"""API shapes of the account lifecycle routes (invitations, registration, passwords, profile).

New passwords are checked by the password policy (shared_code/auth/password_policy.py), which
explains a refusal; the models only bound their size. Unknown fields are refused, so a PATCH that
tries to change something else fails loudly instead of being ignored.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared_code.auth.password_policy import MAX_LENGTH

_PASSWORD = {"format": "password", "writeOnly": True}
_EMAIL = r"^[^@\s]+@[^@\s]+$"  # deliberately loose: e-mail-validator refuses addresses like admin@pact.local


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _new_password(description: str):
    return Field(min_length=1, max_length=MAX_LENGTH, description=description, json_schema_extra=_PASSWORD)


def _token():
    return Field(min_length=10, max_length=200, description="the token from the e-mailed link")


def _display_name(default=...):
    return Field(default, min_length=1, max_length=200)


class InvitationAccept(_Strict):
    token: str = _token()
    password: str = _new_password("the password to sign in with (see the password policy)")
    display_name: str | None = _display_name(None)


class RegistrationCreate(_Strict):
    tenant: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", description="the organisation's slug")
    email: str = Field(min_length=3, max_length=320, pattern=_EMAIL)
    password: str = _new_password("the password to sign in with (see the password policy)")
    display_name: str = _display_name()


class EmailVerification(_Strict):
    token: str = _token()


class PasswordForgot(_Strict):
    email: str = Field(min_length=3, max_length=320, pattern=_EMAIL)


class PasswordReset(_Strict):
    token: str = _token()
    password: str = _new_password("the new password (see the password policy)")


class PasswordChange(_Strict):
    current_password: str = Field(min_length=1, max_length=1024, json_schema_extra=_PASSWORD)
    new_password: str = _new_password("the new password (see the password policy)")


class ProfileUpdate(_Strict):
    display_name: str = _display_name()


class RoleRef(BaseModel):
    id: uuid.UUID
    name: str


class ProfilePublic(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    status: str
    email_verified: bool
    mfa_enabled: bool
    roles: list[RoleRef]
    last_login_at: datetime | None
    password_changed_at: datetime | None
    created_at: datetime
    updated_at: datetime
