"""The request pipeline every route shares: correlation id, authorisation, the handler, errors, access log.

The permission check runs before the handler, so a refused caller costs no work and sees no data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from shared_code.core.context import correlation_scope
from shared_code.core.errors import PactError
from shared_code.core.http.errors import error_response, internal_error_response
from shared_code.core.http.registry import RouteSpec
from shared_code.core.http.request import ApiRequest
from shared_code.core.http.response import ApiResponse

log = logging.getLogger("pact.http")

Handler = Callable[[ApiRequest], ApiResponse]
Authorizer = Callable[[ApiRequest, str], None]


def handle(spec: RouteSpec, handler: Handler, request: ApiRequest, authorize: Authorizer) -> ApiResponse:
    """Run one request: `authorize(request, permission)` must raise to refuse (and sets the principal)."""
    with correlation_scope(request.correlation_id) as correlation_id:
        started = time.perf_counter()
        try:
            authorize(request, spec.permission)
            response = handler(request)
        except PactError as exc:
            response = error_response(exc)
        except Exception:
            log.exception("unhandled error in %s", spec.name)
            response = internal_error_response(correlation_id)
        response.headers["x-correlation-id"] = correlation_id
        log.info(
            "%s %s -> %d",
            request.method,
            spec.route,
            response.status,
            extra={
                "function": spec.name,
                "status": response.status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
        return response
