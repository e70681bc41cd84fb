"""Calling PACT's HTTP functions in process, exactly as the Functions host does, with real tokens.

`InProcessApi` finds the function a method and path go to (from the route registry), builds a real
`func.HttpRequest` and calls the function object the blueprint registered: the real pipeline runs
(per-IP limit, authentication, the route's permission, the handler, the envelope). Tests read
`Reply.status`, `.data`, `.meta`, `.error_code`; no HTTP details in test bodies.

`admin_app` (a fixture: import it into the test module with `migrated_sqlite_template` and
`migrated_sqlite_url`) gives a started container over a migrated SQLite database, real Redis and
Azurite, with a fixed JWT key. `seed_tenant` adds a tenant with one user per system role, and
`token_for` mints an access token for one of them.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import azure.functions as func
import pytest

from shared_code.auth.permissions import SYSTEM_ROLES
from shared_code.core.http.registry import RouteSpec

JWT_KEYS = "test-key:" + "k" * 48
_PARAM = re.compile(r"\{\*?([A-Za-z_][A-Za-z0-9_]*)(?::[^}?=]+)?\??(?:=[^}]*)?\}")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    content_type: str = "application/json"

    @functools.cached_property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def data(self) -> Any:
        return self.json["data"]

    @property
    def meta(self) -> dict[str, Any]:
        return self.json["meta"]

    @property
    def error_code(self) -> str | None:
        body = self.json if self.content_type == "application/json" else None
        return (body or {}).get("error", {}).get("code") if isinstance(body, dict) else None

    @property
    def text(self) -> str:
        return self.body.decode()


@functools.cache
def http_functions() -> dict[str, Callable[[func.HttpRequest], func.HttpResponse]]:
    """Every HTTP function of the app by name, from a fresh FunctionApp (get_functions runs once per app)."""
    import function_app

    return {
        f.get_function_name(): f.get_user_function()
        for f in function_app.build_app().get_functions()
        if f.get_trigger().get_binding_name() == "httpTrigger"
    }


def routes() -> list[RouteSpec]:
    """The route registry, complete (every blueprint registered)."""
    import function_app  # noqa: F401
    from functions._http import ROUTES

    return list(ROUTES)


def resolve(method: str, path: str) -> tuple[RouteSpec, dict[str, str]]:
    """The route serving `method path` (path relative to /api/v1) and its route parameters."""
    path = path.strip("/")
    candidates = sorted((s for s in routes() if method.upper() in s.methods), key=lambda s: len(s.path_params))
    for spec in candidates:  # literal routes first, as the host matches them
        match = _pattern(spec.route).match(path)
        if match:
            return spec, match.groupdict()
    raise LookupError(f"no route serves {method} {path}")


@functools.cache
def _pattern(route: str) -> re.Pattern[str]:
    parts, position = [], 0
    for match in _PARAM.finditer(route):
        parts += [re.escape(route[position:match.start()]), f"(?P<{match.group(1)}>[^/]+)"]
        position = match.end()
    return re.compile("^" + "".join(parts) + re.escape(route[position:]) + "$")


class InProcessApi:
    """A caller of the app's functions. `as_(token)` gives a caller with other credentials."""

    def __init__(
        self, *, token: str | None = None, headers: dict[str, str] | None = None, ip: str | None = None
    ) -> None:
        self.token = token
        self.headers = dict(headers or {})
        # Each caller looks like its own machine, so per-IP limits of one test never touch another.
        self.ip = ip or f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"

    def as_(self, token: str | None = None, **headers: str) -> InProcessApi:
        return InProcessApi(token=token, headers=headers, ip=self.ip)

    def call(self, method: str, path: str, body: Any = None, *, params: dict[str, Any] | None = None) -> Reply:
        spec, route_params = resolve(method, path)
        return self.call_function(spec.name, method, path, body, params=params, route_params=route_params)

    def call_function(
        self, name: str, method: str, path: str, body: Any = None, *,
        params: dict[str, Any] | None = None, route_params: dict[str, str] | None = None,
    ) -> Reply:
        """Call the function `name` (the route's function name) with this caller's credentials."""
        headers = {"x-forwarded-for": self.ip, **self.headers}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        raw = b""
        if body is not None:
            raw = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        url = f"http://localhost/api/v1/{path.strip('/')}" + (f"?{urlencode(query)}" if query else "")
        request = func.HttpRequest(method.upper(), url, headers=headers, params=query, route_params=route_params or {},
                                   body=raw)
        response = http_functions()[name](request)
        headers = {k.lower(): v for k, v in response.headers.items()}
        return Reply(response.status_code, headers, response.get_body(), response.mimetype)

    def get(self, path: str, **params: Any) -> Reply:
        return self.call("GET", path, params=params)

    def post(self, path: str, body: Any = None) -> Reply:
        return self.call("POST", path, body)

    def patch(self, path: str, body: Any) -> Reply:
        return self.call("PATCH", path, body)

    def put(self, path: str, body: Any) -> Reply:
        return self.call("PUT", path, body)

    def delete(self, path: str) -> Reply:
        return self.call("DELETE", path)


def _query_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


# -- the app and its people ----------------------------------------------------------------------


@dataclass(frozen=True)
class SeededUser:
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    roles: tuple[str, ...]

    @property
    def permissions(self) -> frozenset[str]:
        return frozenset().union(*(SYSTEM_ROLES[r].permissions for r in self.roles if r in SYSTEM_ROLES))


@dataclass(frozen=True)
class SeededTenant:
    id: uuid.UUID
    slug: str
    users: dict[str, SeededUser] = field(default_factory=dict)  # by system role name

    @property
    def admin(self) -> SeededUser:
        return self.users["Admin"]


@pytest.fixture
def admin_app(app_environment, migrated_sqlite_url, monkeypatch) -> Iterator[Any]:
    """A started app over a private migrated SQLite database, real Redis and Azurite, fixed JWT keys."""
    from shared_code.core.bootstrap import reset_container
    from shared_code.core.runtime import started_container

    assert app_environment["PACT_DATABASE_URL"] == migrated_sqlite_url
    for name, value in {
        "PACT_JWT_KEYS": JWT_KEYS,
        "PACT_RATE_LIMIT_PER_IP": "100000",
        "PACT_RATE_LIMIT_PER_USER": "100000",
        "PACT_RATE_LIMIT_PER_API_KEY": "100000",
    }.items():
        monkeypatch.setenv(name, value)
    reset_container()
    yield started_container()
    reset_container()


def seed_tenant(app, slug: str | None = None, *, roles: tuple[str, ...] = tuple(SYSTEM_ROLES)) -> SeededTenant:
    """A new tenant with one active user per role (no password: tests sign in with minted tokens)."""
    from shared_code.auth.models import Tenant
    from shared_code.core.seed import DEFAULT_TENANT_SETTINGS, add_user

    slug = slug or f"t-{uuid.uuid4().hex[:10]}"
    with app.unit_of_work() as uow:
        tenant = Tenant(slug=slug, name=slug.title(), settings=dict(DEFAULT_TENANT_SETTINGS))
        uow.session.add(tenant)
        uow.session.flush()
        users = {
            role: add_user(uow.session, tenant=tenant, email=f"{role.lower()}@{slug}.example.com",
                           display_name=f"{role} of {slug}", password_hash=None, roles=[role])
            for role in roles
        }
        uow.commit()
    return SeededTenant(tenant.id, slug, {r: SeededUser(u.id, tenant.id, u.email, (r,)) for r, u in users.items()})


def token_for(app, user: SeededUser, *, permissions: frozenset[str] | None = None,
              ttl: timedelta = timedelta(minutes=15)) -> str:
    """An access token for `user`, carrying their roles' permissions (or the ones given)."""
    from shared_code.auth.tokens import issue_token

    token, _ = issue_token(app.key_ring, user_id=user.id, tenant_id=user.tenant_id, ttl=ttl, roles=user.roles,
                           permissions=user.permissions if permissions is None else permissions)
    return token


def caller(app, user: SeededUser) -> InProcessApi:
    return InProcessApi(token=token_for(app, user))
