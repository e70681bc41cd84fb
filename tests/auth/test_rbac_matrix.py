"""The route-by-role matrix, built from the route registry, through the real request pipeline.

For every registered route and each system role, a caller without the route's permission gets 403
and the handler never runs; a caller with it gets through (no 401, no 403); a caller without
credentials gets 401. API keys are held to the same rule. Routes open to everyone (PUBLIC) or to
any signed-in caller (AUTHENTICATED) must be listed here by name, so a new route, or one whose
permission was weakened, fails the suite until someone lists it on purpose.

The handler is swapped for a spy at `dispatch.handle` (which the registered function calls), so
the matrix sees exactly what the pipeline lets through, without running any use case.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

import azure.functions as func
import pytest

from functions import _http
from shared_code.auth.api_keys import create_api_key
from shared_code.auth.authn import RequestAuthorizer
from shared_code.auth.permissions import ALL_CODES, SYSTEM_ROLES
from shared_code.core.http import dispatch
from shared_code.core.http.registry import AUTHENTICATED, PUBLIC, RouteRegistry, RouteSpec
from shared_code.core.http.response import success
from tests.support.api import InProcessApi, SeededUser, routes, token_for

# Reachable without credentials: health, the API description, and the steps before one has a token.
PUBLIC_ROUTES = {
    "health", "openapi", "auth_login", "auth_mfa_verify", "auth_mfa_setup", "auth_mfa_setup_confirm",
    "auth_refresh", "auth_invitation_accept", "auth_register", "auth_verify_email", "auth_password_forgot",
    "auth_password_reset",
}
# Any signed-in caller, whatever their roles: what a person does to their own session and account.
AUTHENTICATED_ROUTES = {
    "auth_me", "auth_logout", "auth_mfa_enrol", "auth_mfa_enrol_confirm", "auth_password_change",
    "auth_profile_get", "auth_profile_update",
}
# The administration contract (docs/API-AUTH.md, "Administration"): what each route must demand.
ADMINISTRATION = {
    "users_list": "users:read", "users_create": "users:create", "users_get": "users:read",
    "users_update": "users:update", "users_delete": "users:delete", "users_restore": "users:delete",
    "users_set_roles": "roles:update", "users_reset_mfa": "users:update",
    "roles_list": "roles:read", "roles_create": "roles:create", "roles_get": "roles:read",
    "roles_update": "roles:update", "roles_delete": "roles:delete", "permissions_list": "roles:read",
    "api_keys_list": "settings:read", "api_keys_create": "settings:update", "api_keys_get": "settings:read",
    "api_keys_revoke": "settings:update", "tenant_settings_get": "settings:read",
    "tenant_settings_update": "settings:update", "audit_list": "audit:read", "audit_export": "audit:export",
}

# The documents contract (docs/DOCUMENTS.md): documents and bundles share the `documents` permissions; there
# is no JSON create of a document (uploads make them), and moving a status is an update.
DOCUMENT_ROUTES = {
    **{f"{kind}_{route}": f"documents:{action}" for kind in ("documents", "bundles") for route, action in (
        ("list", "read"), ("export", "read"), ("get", "read"), ("bulk", "update"), ("update", "update"),
        ("delete", "delete"), ("restore", "delete"))},
    "bundles_create": "documents:create", "bundles_documents_list": "documents:read",
    "bundles_documents_set": "documents:update", "documents_upload": "documents:create",
    "documents_upload_start": "documents:create", "documents_upload_complete": "documents:create",
    "documents_content": "documents:read", "documents_download": "documents:read",
    "documents_thumbnail": "documents:read", "documents_history": "documents:read",
    "documents_status_change": "documents:update",
    # Reading a filled document's field values changes nothing (docs/TEMPLATES.md, "Extraction").
    "documents_extract_fields": "documents:read",
}
# The templates contract (docs/TEMPLATES.md): managing templates needs a write permission (Admin, Manager);
# reading them, their files and fields, and recognising a file against them needs `templates:read` (every role).
TEMPLATE_ROUTES = {
    "templates_list": "templates:read", "templates_export": "templates:read", "templates_get": "templates:read",
    "templates_versions_list": "templates:read", "templates_version_content": "templates:read",
    "templates_fields_list": "templates:read", "templates_bindings": "templates:read", "recognize": "templates:read",
    "templates_upload": "templates:create", "templates_versions_add": "templates:update",
    "templates_update": "templates:update", "templates_bulk": "templates:update",
    "templates_fields_create": "templates:update", "templates_fields_update": "templates:update",
    "templates_fields_delete": "templates:update", "templates_delete": "templates:delete",
    "templates_restore": "templates:delete",
    # Detecting fields may store them (an edit); previewing reads the template and the chosen records.
    "templates_detect_fields": "templates:update", "templates_preview": "templates:read",
    "templates_preview_image": "templates:read",
}
# The batches contract (docs/GENERATION.md): reading needs `batches:read` (every role); asking for documents
# `batches:create` and cancelling `batches:update` (Admin, Manager, User); so does writing print files (listing
# them is a read); releasing `batches:release` (Admin, Manager).
BATCH_ROUTES = {
    "batches_list": "batches:read", "batches_get": "batches:read", "batches_create": "batches:create",
    "batches_cancel": "batches:update", "batches_print_files_create": "batches:update",
    "batches_print_files_list": "batches:read", "batches_release": "batches:release",
}

Call = Callable[[RouteSpec, str, dict[str, str]], tuple[int, bool]]  # (spec, method, headers) -> (status, handler ran)


# -- the checks, as functions, so the suite can show they catch a broken route -------------------


def open_routes_not_listed(specs: Iterable[RouteSpec]) -> list[str]:
    """Routes that need no permission but are not on the lists above."""
    problems = []
    for spec in specs:
        if spec.permission == PUBLIC and spec.name not in PUBLIC_ROUTES:
            problems.append(f"{spec.name} is PUBLIC but not in PUBLIC_ROUTES")
        if spec.permission == AUTHENTICATED and spec.name not in AUTHENTICATED_ROUTES:
            problems.append(f"{spec.name} is AUTHENTICATED but not in AUTHENTICATED_ROUTES")
    return problems


def matrix_violations(spec: RouteSpec, call: Call, credentials: dict[str, dict[str, str]]) -> list[str]:
    """What is wrong with one route's protection. `credentials`: caller name → headers; the names are
    system roles, or `key:<code>` for an API key lacking that permission / `key+<code>` holding only it."""
    if spec.permission == PUBLIC:
        return []
    problems = []
    for method in spec.methods:
        status, ran = call(spec, method, {})
        if status != 401 or ran:
            problems.append(f"{method} {spec.route} without credentials: {status}, handler ran={ran}")
        for name, headers in credentials.items():
            status, ran = call(spec, method, headers)
            if spec.permission == AUTHENTICATED or _holds(name, spec.permission):
                if status in (401, 403) or not ran:
                    problems.append(f"{method} {spec.route} as {name} (holds {spec.permission}): {status}")
            elif status != 403 or ran:
                problems.append(f"{method} {spec.route} as {name} (lacks {spec.permission}): {status}, ran={ran}")
    return problems


def _holds(caller: str, permission: str) -> bool:
    if caller.startswith("key+"):
        return caller[4:] == permission
    if caller.startswith("key-"):
        return caller[4:] != permission
    return permission in SYSTEM_ROLES[caller].permissions


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def spy(monkeypatch) -> list[str]:
    """Replace every route's handler by one that records that it ran (the pipeline before it is real)."""
    ran: list[str] = []
    real_handle = dispatch.handle

    def handle(spec, handler, request, authorize):
        def reached(req):
            ran.append(spec.name)
            return success({"reached": spec.name})

        return real_handle(spec, reached, request, authorize)

    monkeypatch.setattr(dispatch, "handle", handle)
    return ran


def _function_of(bp: func.Blueprint, name: str):
    for builder in bp._function_builders:
        built = builder.build()
        if built.get_function_name() == name:
            return built.get_user_function()
    raise LookupError(name)


def _caller(spy: list[str]) -> Call:
    def call(spec: RouteSpec, method: str, headers: dict[str, str]) -> tuple[int, bool]:
        path = spec.route
        route_params = {name: str(uuid.uuid4()) for name, _ in spec.path_params}
        for name, value in route_params.items():
            path = path.replace("{" + name + "}", value)
        before = len(spy)
        reply = InProcessApi(headers=headers).call_function(spec.name, method, path, route_params=route_params)
        return reply.status, len(spy) > before

    return call


def _user_credentials(app, tenant) -> dict[str, dict[str, str]]:
    return {role: {"authorization": f"Bearer {token_for(app, user)}"} for role, user in tenant.users.items()}


def _key_credentials(app, tenant, permission: str) -> dict[str, dict[str, str]]:
    with app.unit_of_work(tenant_id=tenant.id) as uow:
        lacking = create_api_key(uow.session, name="lacking", permissions=sorted(ALL_CODES - {permission}),
                                 expires_at=None, grantable=ALL_CODES)
        holding = create_api_key(uow.session, name="holding", permissions=[permission], expires_at=None,
                                 grantable=ALL_CODES)
        uow.commit()
    return {f"key-{permission}": {"x-api-key": lacking.secret}, f"key+{permission}": {"x-api-key": holding.secret}}


# -- the matrix --------------------------------------------------------------------------------


def test_routes_open_without_a_permission_are_exactly_the_listed_ones() -> None:
    specs = routes()
    assert open_routes_not_listed(specs) == []
    names = {spec.name for spec in specs}
    assert PUBLIC_ROUTES <= names and AUTHENTICATED_ROUTES <= names  # a stale entry is removed on purpose too


def test_every_other_route_demands_a_permission_of_the_catalogue() -> None:
    # A typo ("user:read") would pass the registry's format check yet lock everyone out.
    unknown = {s.name: s.permission for s in routes() if s.permission not in {PUBLIC, AUTHENTICATED} | ALL_CODES}
    assert unknown == {}


def test_administration_routes_demand_the_documented_permissions() -> None:
    declared = {spec.name: spec.permission for spec in routes() if spec.name in ADMINISTRATION}
    assert declared == ADMINISTRATION


def test_document_routes_demand_the_documented_permissions() -> None:
    declared = {spec.name: spec.permission for spec in routes() if spec.name.startswith(("documents_", "bundles_"))}
    assert declared == DOCUMENT_ROUTES


def test_template_routes_demand_the_documented_permissions() -> None:
    declared = {spec.name: spec.permission for spec in routes() if spec.name.startswith("templates_")}
    declared |= {spec.name: spec.permission for spec in routes() if spec.name == "recognize"}
    assert declared == TEMPLATE_ROUTES
    readers = {role for role, definition in SYSTEM_ROLES.items() if "templates:read" in definition.permissions}
    managers = {role for role, definition in SYSTEM_ROLES.items() if "templates:update" in definition.permissions}
    assert (readers, managers) == ({"Admin", "Manager", "User", "Viewer"}, {"Admin", "Manager"})


def test_batch_routes_demand_the_documented_permissions() -> None:
    declared = {spec.name: spec.permission for spec in routes() if spec.name.startswith("batches_")}
    assert declared == BATCH_ROUTES
    makers = {role for role, definition in SYSTEM_ROLES.items() if "batches:create" in definition.permissions}
    assert makers == {"Admin", "Manager", "User"}
    releasers = {role for role, definition in SYSTEM_ROLES.items() if "batches:release" in definition.permissions}
    assert releasers == {"Admin", "Manager"}


@pytest.mark.parametrize("name", [spec.name for spec in routes()])
def test_route_admits_exactly_the_roles_holding_its_permission(name, admin_app, tenant, spy) -> None:
    spec = next(s for s in routes() if s.name == name)
    credentials = _user_credentials(admin_app, tenant)
    if spec.permission not in (PUBLIC, AUTHENTICATED):
        credentials |= _key_credentials(admin_app, tenant, spec.permission)
    assert matrix_violations(spec, _caller(spy), credentials) == []


def test_public_routes_reach_their_handler_without_credentials(admin_app, spy) -> None:
    for spec in routes():
        if spec.permission == PUBLIC:
            status, ran = _caller(spy)(spec, spec.methods[0], {})
            assert (status, ran) == (200, True), spec.name


# -- the matrix catches what it must -------------------------------------------------------------


def test_a_route_without_a_permission_is_refused_at_registration() -> None:
    bp, registry = func.Blueprint(), RouteRegistry()

    def handler(request):
        return success(None)

    with pytest.raises(TypeError):
        _http.api_route(bp, "probe", name="probe", methods=["GET"], summary="probe", registry=registry)(handler)  # type: ignore[call-arg]
    for missing in ("", "users", "Users:Read", "users:read:all", None):
        with pytest.raises((ValueError, TypeError)):
            _http.api_route(bp, "probe", name="probe", methods=["GET"], permission=missing, summary="probe",
                            registry=registry)(handler)
    assert len(registry) == 0 and bp._function_builders == []


def test_a_weakened_route_fails_the_allow_lists() -> None:
    weakened = RouteSpec(name="users_purge", route="users/purge", methods=("POST",), permission=AUTHENTICATED,
                         summary="a route whose permission was dropped to 'any signed-in caller'")
    opened = RouteSpec(name="audit_dump", route="audit/dump", methods=("GET",), permission=PUBLIC, summary="oops")
    assert open_routes_not_listed([weakened, opened]) == [
        "users_purge is AUTHENTICATED but not in AUTHENTICATED_ROUTES",
        "audit_dump is PUBLIC but not in PUBLIC_ROUTES",
    ]


def test_the_matrix_catches_a_route_whose_check_was_removed(admin_app, tenant, spy, monkeypatch) -> None:
    bp, registry = func.Blueprint(), RouteRegistry()

    @_http.api_route(bp, "probe/{id}", name="probe_delete", methods=["DELETE"], permission="users:delete",
                     summary="probe", registry=registry)
    def probe(request):
        return success(None)

    spec = registry.get("probe_delete")
    functions = {"probe_delete": _function_of(bp, "probe_delete")}
    monkeypatch.setattr("tests.support.api.http_functions", lambda: functions)
    credentials = _user_credentials(admin_app, tenant) | _key_credentials(admin_app, tenant, spec.permission)
    call = _caller(spy)
    assert matrix_violations(spec, call, credentials) == []  # with the check in place, the route is sound

    def without_permission_check(self, request, permission):  # authenticates, forgets to authorise
        request.principal = self.authenticate(request)

    monkeypatch.setattr(RequestAuthorizer, "__call__", without_permission_check)
    found = matrix_violations(spec, call, credentials)
    assert "DELETE probe/{id} as Manager (lacks users:delete): 200, ran=True" in found
    assert "DELETE probe/{id} as Viewer (lacks users:delete): 200, ran=True" in found
    assert any(problem.startswith("DELETE probe/{id} as key-users:delete") for problem in found)


def test_seeded_callers_hold_what_their_role_grants(tenant) -> None:
    # Guards the matrix itself: it relies on these tokens carrying exactly the role's grants.
    assert {role: user.permissions for role, user in tenant.users.items()} == {
        role: definition.permissions for role, definition in SYSTEM_ROLES.items()
    }
    assert isinstance(tenant.admin, SeededUser)
