"""Named domain errors. Use cases raise these; the HTTP layer maps each class to a status in one place.

They carry no HTTP types, so the CLI, queue triggers and tests handle them alike.
"""

from __future__ import annotations

from typing import Any


class PactError(Exception):
    """Base of every error PACT reports to a caller. `code` is stable and machine-readable."""

    code = "error"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(PactError):
    code = "validation_error"


class Unauthenticated(PactError):
    code = "unauthenticated"


class PermissionDenied(PactError):
    code = "forbidden"


class NotFound(PactError):
    code = "not_found"


class Conflict(PactError):
    code = "conflict"


class PreconditionFailed(PactError):
    code = "precondition_failed"


class PayloadTooLarge(PactError):
    code = "payload_too_large"


class UnsupportedMediaType(PactError):
    code = "unsupported_media_type"


class Unprocessable(PactError):
    code = "unprocessable"


class RateLimited(PactError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, details: Any = None) -> None:
        super().__init__(message, details=details)
        self.retry_after = max(1, int(retry_after))


class Unavailable(PactError):
    code = "unavailable"
