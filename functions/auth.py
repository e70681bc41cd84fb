"""Sign-in routes: login and its MFA step, MFA enrolment, token refresh, logout, who am I."""

from __future__ import annotations

from dataclasses import asdict

import azure.functions as func

from functions._http import api_route
from functions._scope import app
from shared_code.auth import session_schemas as s
from shared_code.core.http.registry import AUTHENTICATED, PUBLIC
from shared_code.core.http.request import ApiRequest
from shared_code.core.http.response import ApiResponse, success

bp = func.Blueprint()
TAGS = ["auth"]


def _client(request: ApiRequest):
    from shared_code.auth.sessions import Client

    return Client(ip=request.client_ip, user_agent=request.headers.get("user-agent"))


@api_route(
    bp,
    "auth/login",
    name="auth_login",
    methods=["POST"],
    permission=PUBLIC,
    tags=TAGS,
    summary="Sign in with e-mail and password",
    request=s.LoginRequest,
    response=s.LoginPublic,
    errors=[429],
)
def login(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.sessions import login as sign_in

    body = request.parse_body(s.LoginRequest)
    outcome = sign_in(app(), email=body.email, password=body.password, client=_client(request))
    return success(
        s.LoginPublic(**asdict(outcome)), message="signed in" if not hasattr(outcome, "mfa_token") else "MFA required"
    )


@api_route(
    bp,
    "auth/mfa/verify",
    name="auth_mfa_verify",
    methods=["POST"],
    permission=PUBLIC,
    tags=TAGS,
    summary="Second sign-in step: a TOTP code or a recovery code",
    request=s.MfaVerifyRequest,
    response=s.TokensPublic,
    errors=[429],
)
def mfa_verify(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.mfa import complete_login

    body = request.parse_body(s.MfaVerifyRequest)
    pair = complete_login(
        app(), mfa_token=body.mfa_token, code=body.code, recovery_code=body.recovery_code, client=_client(request)
    )
    return success(s.TokensPublic(**asdict(pair)), message="signed in")


@api_route(
    bp,
    "auth/mfa/setup",
    name="auth_mfa_setup",
    methods=["POST"],
    permission=PUBLIC,
    tags=TAGS,
    summary="Start the MFA enrolment a tenant requires before signing in",
    request=s.MfaTokenRequest,
    response=s.EnrolmentPublic,
)
def mfa_setup(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.mfa import setup_during_login

    enrolment = setup_during_login(app(), mfa_token=request.parse_body(s.MfaTokenRequest).mfa_token)
    return success(s.EnrolmentPublic(**asdict(enrolment)))


@api_route(
    bp,
    "auth/mfa/setup/confirm",
    name="auth_mfa_setup_confirm",
    methods=["POST"],
    permission=PUBLIC,
    tags=TAGS,
    summary="Confirm the enrolment with a first code; signs in",
    request=s.MfaSetupConfirmRequest,
    response=s.SetupCompletePublic,
    errors=[409, 429],
)
def mfa_setup_confirm(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.mfa import confirm_setup_during_login

    body = request.parse_body(s.MfaSetupConfirmRequest)
    pair, codes = confirm_setup_during_login(app(), mfa_token=body.mfa_token, code=body.code, client=_client(request))
    return success(s.SetupCompletePublic(**asdict(pair), recovery_codes=codes), message="MFA enabled")


@api_route(
    bp,
    "auth/mfa/enrol",
    name="auth_mfa_enrol",
    methods=["POST"],
    permission=AUTHENTICATED,
    tags=TAGS,
    summary="Start enrolling in MFA",
    response=s.EnrolmentPublic,
    errors=[409],
)
def mfa_enrol(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.mfa import enrol

    return success(s.EnrolmentPublic(**asdict(enrol(app(), request.principal))))


@api_route(
    bp,
    "auth/mfa/enrol/confirm",
    name="auth_mfa_enrol_confirm",
    methods=["POST"],
    permission=AUTHENTICATED,
    tags=TAGS,
    summary="Confirm MFA with a first code",
    request=s.MfaCodeRequest,
    response=s.RecoveryCodesPublic,
    errors=[409, 429],
)
def mfa_enrol_confirm(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.mfa import confirm_enrol

    codes = confirm_enrol(app(), request.principal, request.parse_body(s.MfaCodeRequest).code)
    return success(s.RecoveryCodesPublic(recovery_codes=codes), message="MFA enabled")


@api_route(
    bp,
    "auth/refresh",
    name="auth_refresh",
    methods=["POST"],
    permission=PUBLIC,
    tags=TAGS,
    summary="Spend a refresh token for a new token pair",
    request=s.RefreshRequest,
    response=s.TokensPublic,
)
def refresh(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.sessions import refresh as rotate

    pair = rotate(app(), refresh_token=request.parse_body(s.RefreshRequest).refresh_token, client=_client(request))
    return success(s.TokensPublic(**asdict(pair)))


@api_route(
    bp,
    "auth/logout",
    name="auth_logout",
    methods=["POST"],
    permission=AUTHENTICATED,
    tags=TAGS,
    summary="Sign out: revoke the session and the access token",
    request=s.LogoutRequest,
)
def logout(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.sessions import logout as sign_out

    body = request.parse_optional_body(s.LogoutRequest)
    sign_out(app(), principal=request.principal, refresh_token=body.refresh_token, client=_client(request))
    return success(None, message="signed out")


@api_route(
    bp,
    "auth/me",
    name="auth_me",
    methods=["GET"],
    permission=AUTHENTICATED,
    tags=TAGS,
    summary="The signed-in user, tenant, roles and permissions",
    response=s.MePublic,
)
def me(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.sessions import describe_me

    return success(s.MePublic.model_validate(describe_me(app(), request.principal)))
