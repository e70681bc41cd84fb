"""The adapter between the Functions HTTP trigger and PACT's framework-free HTTP pipeline.

`api_route` registers a route on a blueprint *and* in the route registry (permission, models), so
the permission matrix and /openapi.json always describe exactly the routes that exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import azure.functions as func
from pydantic import BaseModel

from shared_code.core.context import correlation_id_from
from shared_code.core.http import dispatch
from shared_code.core.http.registry import RouteRegistry, RouteSpec, UploadBody
from shared_code.core.http.request import ApiRequest, Headers
from shared_code.core.http.response import ApiResponse

ROUTES = RouteRegistry()


def to_api_request(req: func.HttpRequest) -> ApiRequest:
    headers = Headers(dict(req.headers))
    return ApiRequest(
        method=req.method.upper(),
        url=req.url,
        headers=headers,
        query=dict(req.params),
        route_params=dict(req.route_params),
        body=req.get_body() or b"",
        correlation_id=correlation_id_from(headers),
    )


def to_http_response(response: ApiResponse) -> func.HttpResponse:
    # The worker derives Content-Type from mimetype and charset, so set those rather than the header.
    mimetype, _, params = response.content_type.partition(";")
    charset = params.split("charset=", 1)[1].strip() if "charset=" in params else "utf-8"
    return func.HttpResponse(
        body=response.body,
        status_code=response.status,
        headers=dict(response.headers),
        mimetype=mimetype.strip(),
        charset=charset,
    )


def api_route(
    bp: func.Blueprint,
    route: str,
    *,
    name: str,
    methods: Sequence[str],
    permission: str,
    summary: str,
    tags: Sequence[str] = (),
    request: type[BaseModel] | None = None,
    upload: UploadBody | None = None,
    response: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    status: int = 200,
    also_status: Sequence[int] = (),
    body_required: bool = True,
    list_response: bool = False,
    raw_response: str | None = None,
    errors: Sequence[int] = (),
    registry: RouteRegistry = ROUTES,
) -> Callable[[dispatch.Handler], dispatch.Handler]:
    """Declare an HTTP route: its template, methods, the permission it needs and its models (`request`
    for a JSON body, `upload` for a file sent as a form or a raw body)."""
    spec = RouteSpec(
        name=name,
        route=route,
        methods=tuple(m.upper() for m in methods),
        permission=permission,
        summary=summary,
        tags=tuple(tags),
        request_model=request,
        upload=upload,
        response_model=response,
        query_model=query,
        success_status=status,
        also_success=tuple(also_status),
        body_required=body_required,
        list_response=list_response,
        raw_response=raw_response,
        errors=tuple(errors),
    )

    def register(handler: dispatch.Handler) -> dispatch.Handler:
        registry.add(spec)

        def entry(req: func.HttpRequest) -> func.HttpResponse:
            from shared_code.auth.authn import RequestAuthorizer
            from shared_code.core.runtime import started_container

            authorize = RequestAuthorizer(started_container())
            return to_http_response(dispatch.handle(spec, handler, to_api_request(req), authorize))

        entry.__name__ = name
        bp.function_name(name)(
            bp.route(route=route, methods=list(spec.methods), auth_level=func.AuthLevel.ANONYMOUS)(entry)
        )
        return handler

    return register
