"""API shapes of the sign-in routes."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared_code.auth.fields import PASSWORD_SCHEMA, Password, StrictBody


class LoginRequest(StrictBody):
    email: str = Field(min_length=3, max_length=320)
    password: Password = Field(min_length=1, max_length=1024, json_schema_extra=PASSWORD_SCHEMA)


class MfaVerifyRequest(StrictBody):
    mfa_token: str = Field(min_length=10, max_length=4096)
    code: str | None = Field(None, pattern=r"^\s*\d{6}\s*$")
    recovery_code: str | None = Field(None, min_length=8, max_length=40)


class MfaTokenRequest(StrictBody):
    mfa_token: str = Field(min_length=10, max_length=4096)


class MfaSetupConfirmRequest(StrictBody):
    mfa_token: str = Field(min_length=10, max_length=4096)
    code: str = Field(pattern=r"^\s*\d{6}\s*$")


class MfaCodeRequest(StrictBody):
    code: str = Field(pattern=r"^\s*\d{6}\s*$")


class RefreshRequest(StrictBody):
    refresh_token: str = Field(min_length=10, max_length=512)


class LogoutRequest(StrictBody):
    refresh_token: str | None = Field(None, max_length=512)


class TokensPublic(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret
    expires_in: int = Field(description="seconds until the access token expires")


class LoginPublic(BaseModel):
    """Tokens, or (`mfa_required`) the token for the MFA step."""

    access_token: str | None = None
    refresh_token: str | None = None
    token_type: str | None = None
    expires_in: int | None = None
    mfa_required: bool = False
    mfa_token: str | None = None
    enrolment_required: bool = False


class EnrolmentPublic(BaseModel):
    secret: str
    otpauth_uri: str
    qr_svg: str = Field(description="an SVG image of the otpauth URI, to scan")


class RecoveryCodesPublic(BaseModel):
    recovery_codes: list[str]


class SetupCompletePublic(TokensPublic):
    recovery_codes: list[str]


class MeUser(BaseModel):
    id: str
    email: str
    display_name: str
    status: str
    mfa_enabled: bool


class MeTenant(BaseModel):
    id: str
    slug: str
    name: str


class MePublic(BaseModel):
    user: MeUser
    tenant: MeTenant
    roles: list[str]
    permissions: list[str]
