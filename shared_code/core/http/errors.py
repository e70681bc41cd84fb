"""Domain errors to HTTP statuses: the one place where that mapping lives."""

from __future__ import annotations

from shared_code.core import errors
from shared_code.core.http.response import ApiResponse, failure

STATUS_BY_ERROR: dict[type[errors.PactError], int] = {
    errors.InvalidInput: 400,
    errors.Unauthenticated: 401,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PreconditionFailed: 412,
    errors.PayloadTooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.Unprocessable: 422,
    errors.RateLimited: 429,
    errors.Unavailable: 503,
}


def status_for(error: errors.PactError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def error_response(error: errors.PactError) -> ApiResponse:
    headers: dict[str, str] = {}
    if isinstance(error, errors.RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, errors.Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="pact"'
    return failure(status_for(error), error.code, error.message, error.details, headers)


def internal_error_response(correlation_id: str) -> ApiResponse:
    """What an unexpected failure looks like to a caller: no trace, only the id to quote."""
    return failure(
        500,
        "internal_error",
        "An unexpected error occurred. Quote the correlation id when reporting it.",
        {"correlation_id": correlation_id},
    )
