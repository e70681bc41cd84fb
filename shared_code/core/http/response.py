"""The response envelope every route answers with, as a framework-free `ApiResponse`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic_core import to_json


def utc_timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class ApiResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


def json_bytes(value: Any) -> bytes:
    """JSON for API bodies: pydantic models, datetimes, UUIDs and enums serialise as their JSON form."""
    return to_json(value, by_alias=True)


def success(
    data: Any = None,
    *,
    message: str = "",
    meta: dict[str, Any] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> ApiResponse:
    envelope: dict[str, Any] = {"success": True, "data": data, "message": message, "timestamp": utc_timestamp()}
    if meta is not None:
        envelope["meta"] = meta
    return ApiResponse(status, json_bytes(envelope), dict(headers or {}))


def failure(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> ApiResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    envelope = {"success": False, "error": error, "timestamp": utc_timestamp()}
    return ApiResponse(status, json_bytes(envelope), dict(headers or {}))


def raw(body: bytes, *, content_type: str, status: int = 200, headers: dict[str, str] | None = None) -> ApiResponse:
    """A non-envelope body (documents, exports, the OpenAPI document)."""
    return ApiResponse(status, body, dict(headers or {}), content_type)
