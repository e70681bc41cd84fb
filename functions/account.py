"""Account lifecycle routes: accept an invitation, register and verify, forgot/reset/change password, profile.

The anonymous routes never say whether an e-mail address has an account: register and forgot
answer 202 with the same body either way (shared_code/auth/accounts.py).
"""

from __future__ import annotations

import azure.functions as func

from functions._http import api_route
from functions._scope import app
from shared_code.auth import account_schemas as s
from shared_code.core.http.registry import AUTHENTICATED, PUBLIC
from shared_code.core.http.request import ApiRequest
from shared_code.core.http.response import ApiResponse, success

bp = func.Blueprint()
TAGS = ["account"]


@api_route(
    bp,
    "auth/invitations/accept",
    name="auth_invitation_accept",
    methods=["POST"],
    permission=PUBLIC,
    tags=TAGS,
    summary="Accept an invitation: choose a password (and name)",
    request=s.InvitationAccept,
)
def accept_invitation(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.accounts import accept_invitation as accept

    body = request.parse_body(s.InvitationAccept)
    accept(app(), token=body.token, password=body.password, display_name=body.display_name, ip=request.client_ip)
    return success(None, message="invitation accepted; sign in with your new password")


@api_route(
    bp,
    "auth/register",
    name="auth_register",
    methods=["POST"],
    permission=PUBLIC,
    tags=TAGS,
    status=202,
    summary="Ask for an account; a verification link is e-mailed (the answer never says whether "
    "the address has an account)",
    request=s.RegistrationCreate,
    errors=[429],
)
def register(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.accounts import register as ask_for_account

    body = request.parse_body(s.RegistrationCreate)
    ask_for_account(
        app(),
        tenant=body.tenant,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        ip=request.client_ip,
    )
    return success(None, message="if registration is open, a link to confirm the address has been e-mailed", status=202)


@api_route(
    bp,
    "auth/verify-email",
    name="auth_verify_email",
    methods=["POST"],
    permission=PUBLIC,
    tags=TAGS,
    summary="Confirm an e-mail address with the e-mailed link",
    request=s.EmailVerification,
)
def verify_email(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.accounts import verify_email as verify

    verify(app(), token=request.parse_body(s.EmailVerification).token, ip=request.client_ip)
    return success(None, message="e-mail address confirmed")


@api_route(
    bp,
    "auth/password/forgot",
    name="auth_password_forgot",
    methods=["POST"],
    permission=PUBLIC,
    tags=TAGS,
    status=202,
    summary="E-mail a password reset link (the answer never says whether the address has an account)",
    request=s.PasswordForgot,
    errors=[429],
)
def forgot_password(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.accounts import forgot_password as forgot

    forgot(app(), email=request.parse_body(s.PasswordForgot).email, ip=request.client_ip)
    return success(None, message="if the address has an account, a reset link has been e-mailed", status=202)


@api_route(
    bp,
    "auth/password/reset",
    name="auth_password_reset",
    methods=["POST"],
    permission=PUBLIC,
    tags=TAGS,
    summary="Set a new password with the e-mailed link; ends every session",
    request=s.PasswordReset,
)
def reset_password(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.accounts import reset_password as reset

    body = request.parse_body(s.PasswordReset)
    reset(app(), token=body.token, password=body.password, ip=request.client_ip)
    return success(None, message="password changed; sign in with the new password")


@api_route(
    bp,
    "auth/password/change",
    name="auth_password_change",
    methods=["POST"],
    permission=AUTHENTICATED,
    tags=TAGS,
    summary="Change your password; ends every session, this one too",
    request=s.PasswordChange,
    errors=[429],
)
def change_password(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.accounts import change_password as change

    body = request.parse_body(s.PasswordChange)
    change(
        app(),
        request.principal,
        current_password=body.current_password,
        new_password=body.new_password,
        ip=request.client_ip,
    )
    return success(None, message="password changed; sign in again with the new password")


@api_route(
    bp,
    "auth/profile",
    name="auth_profile_get",
    methods=["GET"],
    permission=AUTHENTICATED,
    tags=TAGS,
    summary="Your profile",
    response=s.ProfilePublic,
)
def get_profile(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.accounts import get_profile as profile

    return success(profile(app(), request.principal))


@api_route(
    bp,
    "auth/profile",
    name="auth_profile_update",
    methods=["PATCH"],
    permission=AUTHENTICATED,
    tags=TAGS,
    summary="Change your display name",
    request=s.ProfileUpdate,
    response=s.ProfilePublic,
)
def update_profile(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.accounts import update_profile as update

    body = request.parse_body(s.ProfileUpdate)
    return success(
        update(app(), request.principal, display_name=body.display_name, ip=request.client_ip),
        message="profile updated",
    )
