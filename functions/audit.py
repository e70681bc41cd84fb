"""The audit trail, read-only: a filtered, paged list and a CSV export of the caller's tenant's entries.

There is deliberately no route that changes or removes an entry.
"""

from __future__ import annotations

from datetime import UTC, datetime

import azure.functions as func

from functions._http import api_route
from functions._scope import transaction
from shared_code.core.audit_query import AuditEntryPublic, AuditFilter, AuditQuery
from shared_code.core.http.params import page_meta
from shared_code.core.http.request import ApiRequest
from shared_code.core.http.response import ApiResponse, raw, success

bp = func.Blueprint()
TAGS = ["audit"]


@api_route(
    bp,
    "audit",
    name="audit_list",
    methods=["GET"],
    permission="audit:read",
    tags=TAGS,
    summary="Audit entries, newest first (filters: action, entity, actor, period)",
    query=AuditQuery,
    response=AuditEntryPublic,
    list_response=True,
)
def audit_list(request: ApiRequest) -> ApiResponse:
    from shared_code.core.audit_query import list_audit_entries

    query = request.parse_query(AuditQuery)
    with transaction(request) as (_, session):
        entries, total = list_audit_entries(session, query)
    return success(entries, meta=page_meta(query, total))


@api_route(
    bp,
    "audit/export",
    name="audit_export",
    methods=["GET"],
    permission="audit:export",
    tags=TAGS,
    summary="The filtered audit entries as CSV",
    query=AuditFilter,
    raw_response="text/csv",
    errors=[422],
)
def audit_export(request: ApiRequest) -> ApiResponse:
    from shared_code.core.audit_query import export_audit_csv

    filters = request.parse_query(AuditFilter)
    with transaction(request) as (_, session):
        body = b"".join(export_audit_csv(session, filters))
    filename = f"audit-{datetime.now(UTC):%Y%m%d-%H%M%S}.csv"
    return raw(
        body,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
