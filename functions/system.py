"""System routes: health of the dependencies and the API description."""

from __future__ import annotations

import azure.functions as func

from functions._http import ROUTES, api_route
from shared_code.core.http.registry import PUBLIC
from shared_code.core.http.request import ApiRequest
from shared_code.core.http.response import ApiResponse, json_bytes, raw, success

bp = func.Blueprint()


def _health_model():
    from shared_code.core.health import HealthReport

    return HealthReport


@api_route(
    bp,
    "health",
    name="health",
    methods=["GET"],
    permission=PUBLIC,
    summary="Health of the database, storage and Redis",
    tags=["system"],
    response=_health_model(),
    errors=[503],
)
def health(request: ApiRequest) -> ApiResponse:
    from shared_code.core.health import check_health
    from shared_code.core.runtime import started_container

    report = check_health(started_container())
    status = 200 if report.healthy else 503
    return success(report, message="healthy" if report.healthy else "a dependency is down", status=status)


@api_route(
    bp,
    "openapi.json",
    name="openapi",
    methods=["GET"],
    permission=PUBLIC,
    summary="This API's OpenAPI 3.1 description",
    tags=["system"],
    raw_response="application/json",
)
def openapi(request: ApiRequest) -> ApiResponse:
    from shared_code.core.http.openapi import build_openapi

    base = request.url.split("/openapi.json", 1)[0]
    document = build_openapi(ROUTES, title="PACT API", version="1", server_url=base)
    return raw(json_bytes(document), content_type="application/json")
