"""Per-request context that follows the work: the correlation id, in a context variable.

Every log record and every queue message carries it, so one upload can be followed from the HTTP
request through the queue triggers it sets off.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

_correlation_id: ContextVar[str | None] = ContextVar("pact_correlation_id", default=None)

# W3C trace context: version-traceid-parentid-flags; the trace id names the whole distributed operation.
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
# A caller's own id is echoed back and logged, so it must be short and plain.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def correlation_id_from(headers: Mapping[str, str]) -> str:
    """The id of the operation a request belongs to: `traceparent`, then `x-correlation-id`, else a new one."""
    lowered = {k.lower(): v for k, v in headers.items()}
    match = _TRACEPARENT.match(lowered.get("traceparent", "").strip().lower())
    if match and match.group(1) != "0" * 32:
        return match.group(1)
    given = lowered.get("x-correlation-id", "").strip()
    if _SAFE_ID.match(given):
        return given
    return new_correlation_id()


def current_correlation_id() -> str | None:
    return _correlation_id.get()


@contextmanager
def correlation_scope(correlation_id: str | None) -> Iterator[str]:
    """Run a block under a correlation id (a new one when None)."""
    value = correlation_id or new_correlation_id()
    token = _correlation_id.set(value)
    try:
        yield value
    finally:
        _correlation_id.reset(token)
