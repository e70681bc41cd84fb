"""The route registry: every HTTP route with its permission and models, the source of the OpenAPI document.

A route cannot be registered without naming the permission it needs (or `PUBLIC`), so the permission
matrix and the API description can never miss one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel

PUBLIC = "public"  # reachable without credentials (health, the API description, sign-in)
AUTHENTICATED = "authenticated"  # any signed-in caller, whatever their roles (e.g. /auth/me)

_PERMISSION = re.compile(r"^[a-z][a-z_]*:[a-z][a-z_]*$")
_ROUTE_PARAM = re.compile(r"\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(?::[^}?=]+)?(\?)?(?:=[^}]*)?\}")
_FUNCTION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,127}$")


@dataclass(frozen=True)
class UploadBody:
    """A request body that carries a file rather than JSON, as the API description shows it: for
    `multipart/form-data` a form with the file in `file_field` (of `file_type`) and the fields of
    `fields` beside it; for any other media type the raw file as the whole body."""

    fields: type[BaseModel] | None = None
    file_field: str = "file"
    file_type: str = "application/pdf"
    media_types: tuple[str, ...] = ("multipart/form-data", "application/pdf")

    def __post_init__(self) -> None:
        if not self.media_types:
            raise ValueError("an upload body names at least one media type")


@dataclass(frozen=True)
class RouteSpec:
    name: str  # the function name; unique across the app
    route: str  # Functions route template, relative to the route prefix
    methods: tuple[str, ...]
    permission: str
    summary: str
    tags: tuple[str, ...] = ()
    request_model: type[BaseModel] | None = None
    response_model: type[BaseModel] | None = None
    query_model: type[BaseModel] | None = None
    success_status: int = 200
    also_success: tuple[int, ...] = ()  # other statuses answering with the same shape (e.g. 200 for a repeat)
    body_required: bool = True  # False when the handler takes a missing body as the model's defaults
    list_response: bool = False  # data is a list of response_model, with paging meta
    request_content_types: tuple[str, ...] = ("application/json",)
    upload: UploadBody | None = None  # a file body (multipart or raw) instead of request_model
    raw_response: str | None = None  # content type of a non-envelope response
    errors: tuple[int, ...] = field(default=())

    def __post_init__(self) -> None:
        if not _FUNCTION_NAME.match(self.name):
            raise ValueError(f"route {self.route!r}: function name {self.name!r} is not a valid function name")
        if self.permission not in (PUBLIC, AUTHENTICATED) and not _PERMISSION.match(self.permission):
            raise ValueError(
                f"route {self.route!r} must declare its permission as 'resource:action', PUBLIC or AUTHENTICATED"
            )
        if not self.methods:
            raise ValueError(f"route {self.route!r} declares no HTTP method")
        if self.upload is not None and self.request_model is not None:
            raise ValueError(f"route {self.route!r} takes a JSON body or an upload, not both")

    @property
    def path_params(self) -> list[tuple[str, bool]]:
        """`[(name, optional)]` of the route template's parameters."""
        return [(m.group(2), bool(m.group(3))) for m in _ROUTE_PARAM.finditer(self.route)]

    @property
    def openapi_path(self) -> str:
        return "/" + _ROUTE_PARAM.sub(lambda m: "{" + m.group(2) + "}", self.route).strip("/")


class RouteRegistry:
    def __init__(self) -> None:
        self._routes: dict[str, RouteSpec] = {}

    def add(self, spec: RouteSpec) -> RouteSpec:
        if spec.name in self._routes:
            raise ValueError(f"two routes are named {spec.name!r}")
        clash = next(
            (r for r in self._routes.values() if r.route == spec.route and set(r.methods) & set(spec.methods)), None
        )
        if clash:
            raise ValueError(f"{spec.name!r} and {clash.name!r} both serve {spec.methods} {spec.route}")
        self._routes[spec.name] = spec
        return spec

    def __iter__(self):
        return iter(sorted(self._routes.values(), key=lambda r: (r.route, r.methods)))

    def __len__(self) -> int:
        return len(self._routes)

    def get(self, name: str) -> RouteSpec:
        return self._routes[name]
