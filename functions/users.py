"""Administration routes: users, roles, the permission catalogue, API keys and the tenant's settings.

Thin entry points: parse, call one use case in the caller's tenant transaction, answer. The rules
live in shared_code/auth/users.py, roles.py, api_key_admin.py and tenant_settings.py.
"""

from __future__ import annotations

import azure.functions as func

from functions._http import api_route
from functions._scope import path_id, transaction
from shared_code.auth import schemas as s
from shared_code.core.http.params import ListQuery, page_meta
from shared_code.core.http.request import ApiRequest
from shared_code.core.http.response import ApiResponse, success

bp = func.Blueprint()
USERS, ROLES, KEYS, SETTINGS = ["users"], ["roles"], ["api-keys"], ["settings"]


# -- users -------------------------------------------------------------------------------------


@api_route(
    bp,
    "users",
    name="users_list",
    methods=["GET"],
    permission="users:read",
    tags=USERS,
    summary="The organisation's users (search, status and role filters)",
    query=s.UserQuery,
    response=s.UserPublic,
    list_response=True,
)
def users_list(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.users import list_users

    query = request.parse_query(s.UserQuery)
    with transaction(request) as (_, session):
        users, total = list_users(session, query)
    return success(users, meta=page_meta(query, total))


@api_route(
    bp,
    "users",
    name="users_create",
    methods=["POST"],
    permission="users:create",
    tags=USERS,
    status=201,
    summary="Invite a user: created as invited, with roles; the invitation is e-mailed",
    request=s.UserCreate,
    response=s.UserPublic,
    errors=[404, 409, 503],
)
def users_create(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.users import invite_user

    body = request.parse_body(s.UserCreate)
    with transaction(request) as (app, session):
        user = invite_user(app, session, request.principal, body)
    return success(user, message="invitation sent", status=201)


@api_route(
    bp,
    "users/{id}",
    name="users_get",
    methods=["GET"],
    permission="users:read",
    tags=USERS,
    summary="One user",
    response=s.UserPublic,
    errors=[404],
)
def users_get(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.users import get_user

    with transaction(request) as (_, session):
        user = get_user(session, path_id(request))
    return success(user)


@api_route(
    bp,
    "users/{id}",
    name="users_update",
    methods=["PATCH"],
    permission="users:update",
    tags=USERS,
    summary="Rename, disable or re-enable a user (disabling ends their sessions)",
    request=s.UserUpdate,
    response=s.UserPublic,
    errors=[404, 409],
)
def users_update(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.users import update_user

    changes = request.parse_body(s.UserUpdate)
    with transaction(request) as (app, session):
        user = update_user(app, session, request.principal, path_id(request), changes)
    return success(user, message="user updated")


@api_route(
    bp,
    "users/{id}",
    name="users_delete",
    methods=["DELETE"],
    permission="users:delete",
    tags=USERS,
    summary="Remove a user (restorable; their sessions end)",
    response=s.UserPublic,
    errors=[404, 409],
)
def users_delete(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.users import delete_user

    with transaction(request) as (app, session):
        user = delete_user(app, session, request.principal, path_id(request))
    return success(user, message="user removed")


@api_route(
    bp,
    "users/{id}/restore",
    name="users_restore",
    methods=["POST"],
    permission="users:delete",
    tags=USERS,
    summary="Restore a removed user",
    response=s.UserPublic,
    errors=[404],
)
def users_restore(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.users import restore_user

    with transaction(request) as (_, session):
        user = restore_user(session, path_id(request))
    return success(user, message="user restored")


@api_route(
    bp,
    "users/{id}/roles",
    name="users_set_roles",
    methods=["PUT"],
    permission="roles:update",
    tags=USERS,
    summary="Set a user's roles (their permissions change at the next token refresh)",
    request=s.UserRolesUpdate,
    response=s.UserPublic,
    errors=[404, 409],
)
def users_set_roles(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.users import set_user_roles

    body = request.parse_body(s.UserRolesUpdate)
    with transaction(request) as (app, session):
        user = set_user_roles(app, session, request.principal, path_id(request), body.roles)
    return success(user, message="roles updated")


@api_route(
    bp,
    "users/{id}/mfa/reset",
    name="users_reset_mfa",
    methods=["POST"],
    permission="users:update",
    tags=USERS,
    summary="Reset a user's MFA (lost device): they enrol again; their sessions end",
    response=s.UserPublic,
    errors=[404, 409],
)
def users_reset_mfa(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.users import reset_mfa

    with transaction(request) as (app, session):
        user = reset_mfa(app, session, request.principal, path_id(request))
    return success(user, message="MFA reset")


# -- roles and permissions -----------------------------------------------------------------------


@api_route(
    bp,
    "roles",
    name="roles_list",
    methods=["GET"],
    permission="roles:read",
    tags=ROLES,
    summary="System roles and the organisation's own",
    query=s.RoleQuery,
    response=s.RolePublic,
    list_response=True,
)
def roles_list(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.roles import list_roles

    query = request.parse_query(s.RoleQuery)
    with transaction(request) as (_, session):
        roles, total = list_roles(session, query)
    return success(roles, meta=page_meta(query, total))


@api_route(
    bp,
    "roles",
    name="roles_create",
    methods=["POST"],
    permission="roles:create",
    tags=ROLES,
    status=201,
    summary="Create a custom role",
    request=s.RoleCreate,
    response=s.RolePublic,
    errors=[409],
)
def roles_create(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.roles import create_role

    body = request.parse_body(s.RoleCreate)
    with transaction(request) as (_, session):
        role = create_role(session, request.principal, body)
    return success(role, message="role created", status=201)


@api_route(
    bp,
    "roles/{id}",
    name="roles_get",
    methods=["GET"],
    permission="roles:read",
    tags=ROLES,
    summary="One role with its permissions",
    response=s.RolePublic,
    errors=[404],
)
def roles_get(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.roles import get_role

    with transaction(request) as (_, session):
        role = get_role(session, path_id(request))
    return success(role)


@api_route(
    bp,
    "roles/{id}",
    name="roles_update",
    methods=["PATCH"],
    permission="roles:update",
    tags=ROLES,
    summary="Change a custom role (system roles are read-only)",
    request=s.RoleUpdate,
    response=s.RolePublic,
    errors=[404, 409],
)
def roles_update(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.roles import update_role

    changes = request.parse_body(s.RoleUpdate)
    with transaction(request) as (app, session):
        role = update_role(app, session, request.principal, path_id(request), changes)
    return success(role, message="role updated")


@api_route(
    bp,
    "roles/{id}",
    name="roles_delete",
    methods=["DELETE"],
    permission="roles:delete",
    tags=ROLES,
    summary="Delete a custom role nobody holds",
    errors=[404, 409],
)
def roles_delete(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.roles import delete_role

    with transaction(request) as (_, session):
        delete_role(session, path_id(request))
    return success(None, message="role deleted")


@api_route(
    bp,
    "permissions",
    name="permissions_list",
    methods=["GET"],
    permission="roles:read",
    tags=ROLES,
    summary="The permission catalogue",
    query=ListQuery,
    response=s.PermissionPublic,
    list_response=True,
)
def permissions_list(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.roles import list_permissions

    query = request.parse_query(ListQuery)
    permissions, total = list_permissions(query)
    return success(permissions, meta=page_meta(query, total))


# -- API keys ------------------------------------------------------------------------------------


@api_route(
    bp,
    "api-keys",
    name="api_keys_list",
    methods=["GET"],
    permission="settings:read",
    tags=KEYS,
    summary="The organisation's API keys (never their secrets)",
    query=s.ApiKeyQuery,
    response=s.ApiKeyPublic,
    list_response=True,
)
def api_keys_list(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.api_key_admin import list_api_keys

    query = request.parse_query(s.ApiKeyQuery)
    with transaction(request) as (_, session):
        keys, total = list_api_keys(session, query)
    return success(keys, meta=page_meta(query, total))


@api_route(
    bp,
    "api-keys",
    name="api_keys_create",
    methods=["POST"],
    permission="settings:update",
    tags=KEYS,
    status=201,
    summary="Issue an API key: the answer holds the key, shown this once",
    request=s.ApiKeyCreate,
    response=s.ApiKeyCreated,
)
def api_keys_create(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.api_key_admin import issue_api_key

    body = request.parse_body(s.ApiKeyCreate)
    with transaction(request) as (_, session):
        created = issue_api_key(session, request.principal, body)
    return success(created, message="store the key now: it is not shown again", status=201)


@api_route(
    bp,
    "api-keys/{id}",
    name="api_keys_get",
    methods=["GET"],
    permission="settings:read",
    tags=KEYS,
    summary="One API key (never its secret)",
    response=s.ApiKeyPublic,
    errors=[404],
)
def api_keys_get(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.api_key_admin import get_api_key

    with transaction(request) as (_, session):
        key = get_api_key(session, path_id(request))
    return success(key)


@api_route(
    bp,
    "api-keys/{id}/revoke",
    name="api_keys_revoke",
    methods=["POST"],
    permission="settings:update",
    tags=KEYS,
    summary="Revoke an API key at once",
    response=s.ApiKeyPublic,
    errors=[404],
)
def api_keys_revoke(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.api_key_admin import revoke_key

    with transaction(request) as (_, session):
        key = revoke_key(session, path_id(request))
    return success(key, message="API key revoked")


# -- tenant settings -----------------------------------------------------------------------------


@api_route(
    bp,
    "tenant/settings",
    name="tenant_settings_get",
    methods=["GET"],
    permission="settings:read",
    tags=SETTINGS,
    summary="The organisation's identity policy",
    response=s.TenantSettingsPublic,
)
def tenant_settings_get(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.tenant_settings import get_settings

    with transaction(request) as (_, session):
        settings = get_settings(session, request.principal.tenant_id)
    return success(settings)


@api_route(
    bp,
    "tenant/settings",
    name="tenant_settings_update",
    methods=["PATCH"],
    permission="settings:update",
    tags=SETTINGS,
    summary="Change self-registration and the roles that must use MFA",
    request=s.TenantSettingsUpdate,
    response=s.TenantSettingsPublic,
)
def tenant_settings_update(request: ApiRequest) -> ApiResponse:
    from shared_code.auth.tenant_settings import update_settings

    changes = request.parse_body(s.TenantSettingsUpdate)
    with transaction(request) as (_, session):
        settings = update_settings(session, request.principal.tenant_id, changes)
    return success(settings, message="settings updated")
