"""REST routes for a `Resource`: list, export, bulk, create, get, update, delete, restore.

Each route is declared through `api_route` like any other (so the permission matrix, tenancy tests
and /openapi.json see it) and stays thin: parse, call the generic use case in the caller's
transaction, answer with the envelope and the record's ETag.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

import azure.functions as func
from pydantic import BaseModel, ConfigDict, Field

from functions._http import api_route
from functions._scope import path_id, transaction
from shared_code.core.http.params import page_meta
from shared_code.core.http.request import ApiRequest
from shared_code.core.http.response import ApiResponse, success
from shared_code.core.resources import BULK_LIMIT, Resource


class BulkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["update", "delete", "restore"]
    ids: list[uuid.UUID] = Field(min_length=1, max_length=BULK_LIMIT)
    changes: dict[str, Any] | None = Field(None, description="for `update`: the fields to set on every record")


class ExportPublic(BaseModel):
    format: str
    rows: int
    download_url: str = Field(description="a short-lived read link to the export file")
    expires_at: str


class BulkItem(BaseModel):
    id: str
    ok: bool
    status: int
    error: str | None = None


class BulkResult(BaseModel):
    applied: int
    failed: int
    items: list[BulkItem]


def _public(resource: Resource, row: Any) -> BaseModel:
    return resource.public.model_validate(row, from_attributes=True)


def _with_etag(resource: Resource, row: Any, *, status: int = 200, message: str = "") -> ApiResponse:
    from shared_code.core.resources import etag

    return success(_public(resource, row), status=status, message=message, headers={"ETag": etag(row)})


STANDARD_ROUTES = ("list", "export", "bulk", "create", "get", "update", "delete", "restore")


def resource_routes(bp: func.Blueprint, resource: Resource, *, tags: list[str], without: tuple[str, ...] = ()) -> None:
    """Declare the standard routes of `resource` on `bp`, but those named in `without` (a record that
    is created some other way, an upload say, leaves out "create")."""
    unknown = set(without) - set(STANDARD_ROUTES)
    if unknown:
        raise ValueError(f"unknown standard routes: {sorted(unknown)}")
    if resource.create is None and "create" not in without:
        raise ValueError(f"{resource.name} has no create model: declare it without the create route")
    name, entity, guard = resource.name, resource.entity, resource.guard
    key = name.replace("-", "_")

    def route(kind: str, *args: Any, **kwargs: Any) -> Any:
        if kind in without:
            return lambda handler: handler
        return api_route(bp, *args, **kwargs)

    @route(
        "list",
        name,
        name=f"{key}_list",
        methods=["GET"],
        permission=f"{guard}:read",
        tags=tags,
        summary=f"List {name} (paging, sort, search, filters)",
        query=resource.query,
        response=resource.public,
        list_response=True,
    )
    def list_(request: ApiRequest) -> ApiResponse:
        from shared_code.core.resources import list_records

        query = request.parse_query(resource.query)
        with transaction(request) as (_, session):
            rows, total = list_records(session, resource, query)
            return success([_public(resource, row) for row in rows], meta=page_meta(query, total))

    @route(
        "export",
        f"{name}/export",
        name=f"{key}_export",
        methods=["GET"],
        permission=f"{guard}:read",
        tags=tags,
        summary=f"Export the {name} a list query selects (every page) as CSV or JSON (`format`)",
        query=resource.query,
        response=ExportPublic,
    )
    def export(request: ApiRequest) -> ApiResponse:
        from shared_code.core.exports import export_records

        params = dict(request.query)
        fmt = params.pop("format", "csv")
        query = request.parse_query_values(resource.query, params)
        with transaction(request) as (app, session):
            result = export_records(app, session, resource, query, fmt=fmt, tenant_id=request.principal.tenant_id)
        return success(ExportPublic(**vars(result)), message=f"{result.rows} {name} exported")

    @route(
        "bulk",
        f"{name}/bulk",
        name=f"{key}_bulk",
        methods=["POST"],
        permission=f"{guard}:update",
        tags=tags,
        summary=f"Update, delete or restore up to {BULK_LIMIT} {name} at once",
        request=BulkRequest,
        response=BulkResult,
    )
    def bulk(request: ApiRequest) -> ApiResponse:
        from shared_code.core.resources import bulk_changes

        body = request.parse_body(BulkRequest)
        with transaction(request) as (_, session):
            outcomes = bulk_changes(session, resource, body.action, body.ids, body.changes, request.principal)
        items = [BulkItem(**vars(o)) for o in outcomes]
        applied = sum(item.ok for item in items)
        return success(BulkResult(applied=applied, failed=len(items) - applied, items=items))

    @route(
        "create",
        name,
        name=f"{key}_create",
        methods=["POST"],
        permission=f"{guard}:create",
        tags=tags,
        status=201,
        summary=f"Create an {entity}" if entity[0] in "aeiou" else f"Create a {entity}",
        request=resource.create,
        response=resource.public,
        errors=[409],
    )
    def create(request: ApiRequest) -> ApiResponse:
        from shared_code.core.resources import create_record

        body = request.parse_body(resource.create)
        with transaction(request) as (_, session):
            row = create_record(session, resource, body)
            return _with_etag(resource, row, status=201, message=f"{entity} created")

    @route(
        "get",
        f"{name}/{{id}}",
        name=f"{key}_get",
        methods=["GET"],
        permission=f"{guard}:read",
        tags=tags,
        summary=f"One {entity}",
        response=resource.public,
        errors=[404],
    )
    def get(request: ApiRequest) -> ApiResponse:
        from shared_code.core.resources import get_record

        with transaction(request) as (_, session):
            return _with_etag(resource, get_record(session, resource, path_id(request)))

    @route(
        "update",
        f"{name}/{{id}}",
        name=f"{key}_update",
        methods=["PATCH"],
        permission=f"{guard}:update",
        tags=tags,
        summary=f"Change some fields of an {entity} (If-Match honoured)",
        request=resource.update,
        response=resource.public,
        errors=[404, 409, 412],
    )
    def update(request: ApiRequest) -> ApiResponse:
        from shared_code.core.resources import update_record

        body = request.parse_body(resource.update)
        with transaction(request) as (_, session):
            row = update_record(session, resource, path_id(request), body, if_match=request.headers.get("if-match"))
            return _with_etag(resource, row, message=f"{entity} updated")

    @route(
        "delete",
        f"{name}/{{id}}",
        name=f"{key}_delete",
        methods=["DELETE"],
        permission=f"{guard}:delete",
        tags=tags,
        summary=f"Delete an {entity} (soft: it can be restored)",
        response=resource.public,
        errors=[404, 412],
    )
    def delete(request: ApiRequest) -> ApiResponse:
        from shared_code.core.resources import delete_record

        with transaction(request) as (_, session):
            row = delete_record(
                session,
                resource,
                path_id(request),
                if_match=request.headers.get("if-match"),
                actor=request.principal.id,
            )
            return _with_etag(resource, row, message=f"{entity} deleted")

    @route(
        "restore",
        f"{name}/{{id}}/restore",
        name=f"{key}_restore",
        methods=["POST"],
        permission=f"{guard}:delete",
        tags=tags,
        summary=f"Restore a deleted {entity}",
        response=resource.public,
        errors=[404, 409],
    )
    def restore(request: ApiRequest) -> ApiResponse:
        from shared_code.core.resources import restore_record

        with transaction(request) as (_, session):
            return _with_etag(
                resource, restore_record(session, resource, path_id(request)), message=f"{entity} restored"
            )
