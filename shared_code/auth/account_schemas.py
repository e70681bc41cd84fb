"""API shapes of the account lifecycle routes (invitations, registration, passwords, profile).

New passwords are checked by the password policy (shared_code/auth/password_policy.py), which
explains a refusal; the models only bound their size. Bodies are strict (shared_code/auth/fields.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from shared_code.auth.fields import PASSWORD_SCHEMA, Password, StrictBody, display_name_field, email_field
from shared_code.auth.password_policy import MAX_LENGTH


def _new_password(description: str):
    return Field(min_length=1, max_length=MAX_LENGTH, description=description, json_schema_extra=PASSWORD_SCHEMA)


def _token():
    return Field(min_length=10, max_length=200, description="the token from the e-mailed link")


class InvitationAccept(StrictBody):
    token: str = _token()
    password: Password = _new_password("the password to sign in with (see the password policy)")
    display_name: str | None = display_name_field(None)


class RegistrationCreate(StrictBody):
    tenant: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", description="the organisation's slug")
    email: str = email_field()
    password: Password = _new_password("the password to sign in with (see the password policy)")
    display_name: str = display_name_field()


class EmailVerification(StrictBody):
    token: str = _token()


class PasswordForgot(StrictBody):
    email: str = email_field()


class PasswordReset(StrictBody):
    token: str = _token()
    password: Password = _new_password("the new password (see the password policy)")


class PasswordChange(StrictBody):
    current_password: Password = Field(min_length=1, max_length=1024, json_schema_extra=PASSWORD_SCHEMA)
    new_password: Password = _new_password("the new password (see the password policy)")


class ProfileUpdate(StrictBody):
    display_name: str = display_name_field()


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
