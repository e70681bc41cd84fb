"""Generation: batches of account documents (create, list, detail, cancel) and the `generate` queue trigger
that makes them (docs/GENERATION.md)."""

from __future__ import annotations

import azure.functions as func

from functions._http import api_route
from functions._scope import app, path_id, transaction
from shared_code.core import names
from shared_code.core.http.params import page_meta
from shared_code.core.http.request import ApiRequest
from shared_code.core.http.response import ApiResponse, success
from shared_code.generation import schemas as s

bp = func.Blueprint()
TAGS = ["batches"]


@api_route(
    bp,
    "batches",
    name="batches_create",
    methods=["POST"],
    permission="batches:create",
    tags=TAGS,
    status=202,
    request=s.BatchCreate,
    response=s.BatchPublic,
    errors=[400, 404, 409, 503],
    summary="Ask for one document per account (account_ids, or the contract's candidates by status) from a "
    "template version; answered at once, made in the background",
)
def create(request: ApiRequest) -> ApiResponse:
    from shared_code.generation.batches import create_batch

    batch = create_batch(app(), lambda: transaction(request), request=request.parse_body(s.BatchCreate))
    return success(batch, status=202, message=f"batch of {batch.total} document(s) queued")


@api_route(
    bp,
    "batches",
    name="batches_list",
    methods=["GET"],
    permission="batches:read",
    tags=TAGS,
    query=s.BatchQuery,
    response=s.BatchPublic,
    list_response=True,
    summary="Batches, newest first; filter by status, contract_id, template_id",
)
def list_(request: ApiRequest) -> ApiResponse:
    from shared_code.generation.batches import list_batches

    query = request.parse_query(s.BatchQuery)
    with transaction(request) as (_, session):
        rows, total = list_batches(session, query)
    return success(rows, meta=page_meta(query, total))


@api_route(
    bp,
    "batches/{id}",
    name="batches_get",
    methods=["GET"],
    permission="batches:read",
    tags=TAGS,
    response=s.BatchDetail,
    errors=[404],
    summary="A batch: status, progress, failures with reasons, and its documents (generation, account, document)",
)
def get(request: ApiRequest) -> ApiResponse:
    from shared_code.generation.batches import batch_detail

    with transaction(request) as (_, session):
        return success(batch_detail(session, path_id(request)))


@api_route(
    bp,
    "batches/{id}/cancel",
    name="batches_cancel",
    methods=["POST"],
    permission="batches:update",
    tags=TAGS,
    response=s.BatchPublic,
    body_required=False,
    errors=[404, 409],
    summary="Cancel a queued or running batch: pending documents are not made (one being made finishes)",
)
def cancel(request: ApiRequest) -> ApiResponse:
    from shared_code.generation.batches import cancel_batch

    with transaction(request) as (_, session):
        return success(cancel_batch(session, path_id(request)), message="batch cancelled")


@bp.function_name("generate_chunk")
@bp.queue_trigger(arg_name="message", queue_name=names.GENERATE_QUEUE, connection="AzureWebJobsStorage")
def generate_chunk(message: func.QueueMessage) -> None:
    """Make a chunk of a batch's documents; a failing chunk is retried, then goes to `generate-poison`."""
    from shared_code.core.context import correlation_scope
    from shared_code.core.storage import decode_message
    from shared_code.generation.worker import run_chunk

    payload = decode_message(message.get_body())
    with correlation_scope(payload.get("correlation_id")):
        run_chunk(app(), payload)


@api_route(
    bp,
    "batches/{id}/print-files",
    name="batches_print_files_create",
    methods=["POST"],
    permission="batches:update",
    tags=TAGS,
    request=s.PrintOptions,
    response=s.PrintFiles,
    body_required=False,
    errors=[400, 404, 409],
    summary="Write a completed batch's print files to exports (in print order, optional cover sheets for window "
    "envelopes, split at max_pages without splitting a document); the same options overwrite the same files",
)
def print_files_create(request: ApiRequest) -> ApiResponse:
    from shared_code.generation.printing import write_print_files

    options = request.parse_optional_body(s.PrintOptions)
    with transaction(request) as (running, session):
        files = write_print_files(running, session, path_id(request), options)
    return success(files, message=f"{len(files.files)} print file(s)")


@api_route(
    bp,
    "batches/{id}/print-files",
    name="batches_print_files_list",
    methods=["GET"],
    permission="batches:read",
    tags=TAGS,
    response=s.PrintFiles,
    errors=[404],
    summary="A batch's print files with fresh short-lived download links, and the documents left out of them",
)
def print_files_list(request: ApiRequest) -> ApiResponse:
    from shared_code.generation.printing import print_files

    with transaction(request) as (running, session):
        return success(print_files(running, session, path_id(request)))


@api_route(
    bp,
    "batches/{id}/release",
    name="batches_release",
    methods=["POST"],
    permission="batches:release",
    tags=TAGS,
    response=s.ReleasePublic,
    body_required=False,
    errors=[404, 409],
    summary="Release a completed batch (once): its candidates that got a document move to sent",
)
def release(request: ApiRequest) -> ApiResponse:
    from shared_code.generation.release import release_batch

    with transaction(request) as (_, session):
        return success(release_batch(session, path_id(request)), message="batch released")
