"""Documents and bundles: the standard REST routes of each, uploads (direct, or large files through a
write-only link), downloads, thumbnails, and a bundle's ordered documents."""

from __future__ import annotations

import azure.functions as func

from functions._http import UploadBody, api_route
from functions._resources import resource_routes
from functions._scope import path_id, transaction
from shared_code.core.http.request import ApiRequest
from shared_code.core.http.response import ApiResponse, raw, success
from shared_code.documents import schemas as s
from shared_code.documents.resources import BUNDLES, DOCUMENTS

bp = func.Blueprint()
TAGS = ["documents"]

# A document comes from a file (the upload routes below), never from JSON: no generic create.
resource_routes(bp, DOCUMENTS, tags=[DOCUMENTS.name], without=("create",))
resource_routes(bp, BUNDLES, tags=[BUNDLES.name])


def _uploaded(document: s.DocumentUploaded, *, status: int) -> ApiResponse:
    copies = len(document.duplicates)
    message = "document uploaded" + (f"; {copies} other document(s) have the same content" if copies else "")
    return success(document, status=status, message=message, headers={"ETag": f'"{document.version}"'})


@api_route(
    bp,
    "documents/upload",
    name="documents_upload",
    methods=["POST"],
    permission="documents:create",
    tags=TAGS,
    status=201,
    upload=UploadBody(fields=s.DocumentMetadata),
    query=s.UploadDetails,
    response=s.DocumentUploaded,
    errors=[400, 413, 415, 422],
    summary="Upload a PDF of up to 32 MiB: multipart/form-data (field `file` and metadata fields) or an "
    "application/pdf body (metadata as query parameters)",
)
def upload(request: ApiRequest) -> ApiResponse:
    from shared_code.documents.forms import read_direct_upload
    from shared_code.documents.uploads import direct_upload_limit, upload_document

    with transaction(request) as (app, session):
        received = read_direct_upload(request, max_bytes=direct_upload_limit(app.settings))
        document = upload_document(app, session, tenant_id=request.principal.tenant_id, upload=received)
    return _uploaded(document, status=201)


@api_route(
    bp,
    "documents/uploads",
    name="documents_upload_start",
    methods=["POST"],
    permission="documents:create",
    tags=TAGS,
    status=201,
    request=s.UploadStart,
    body_required=False,
    response=s.UploadTicket,
    errors=[413],
    summary="Start a large upload: a short-lived, write-only link to PUT the file to",
)
def upload_start(request: ApiRequest) -> ApiResponse:
    from shared_code.core.runtime import started_container
    from shared_code.documents.uploads import start_upload

    plan = request.parse_optional_body(s.UploadStart)
    ticket = start_upload(started_container(), tenant_id=request.principal.tenant_id, plan=plan)
    return success(ticket, status=201, message="PUT the file to upload_url, then complete the upload")


@api_route(
    bp,
    "documents/uploads/{id}/complete",
    name="documents_upload_complete",
    methods=["POST"],
    permission="documents:create",
    tags=TAGS,
    status=201,
    also_status=[200],
    request=s.UploadDetails,
    body_required=False,
    response=s.DocumentUploaded,
    errors=[404, 409, 413, 415, 422],
    summary="Complete a large upload: the file is checked and becomes a document (again: the same answer)",
)
def upload_complete(request: ApiRequest) -> ApiResponse:
    from shared_code.documents.uploads import complete_upload

    upload_id = path_id(request)
    body = request.parse_optional_body(s.UploadDetails)
    with transaction(request) as (app, session):
        document, created = complete_upload(
            app,
            session,
            tenant_id=request.principal.tenant_id,
            upload_id=upload_id,
            file_name=body.file_name,
            metadata=body.metadata(),
        )
    return _uploaded(document, status=201 if created else 200)


@api_route(
    bp,
    "documents/{id}/status",
    name="documents_status_change",
    methods=["POST"],
    permission="documents:update",
    tags=TAGS,
    request=s.StatusChange,
    response=s.DocumentPublic,
    errors=[404, 409, 412],
    summary="Move a document along its lifecycle, saying why (If-Match honoured)",
)
def status_change(request: ApiRequest) -> ApiResponse:
    from shared_code.documents.lifecycle import change_status

    body = request.parse_body(s.StatusChange)
    with transaction(request) as (_, session):
        document = change_status(
            session, path_id(request), body.status, reason=body.reason, if_match=request.headers.get("if-match")
        )
        public = s.DocumentPublic.model_validate(document, from_attributes=True)
    return success(public, headers={"ETag": f'"{public.version}"'}, message=f"document {public.status}")


@api_route(
    bp,
    "documents/{id}/history",
    name="documents_history",
    methods=["GET"],
    permission="documents:read",
    tags=TAGS,
    response=s.StatusHistory,
    errors=[404],
    summary="Every status the document has had: who moved it, when and why",
)
def status_history(request: ApiRequest) -> ApiResponse:
    from shared_code.documents.lifecycle import status_history as history

    with transaction(request) as (_, session):
        return success(history(session, path_id(request)))


@api_route(
    bp,
    "documents/{id}/download",
    name="documents_download",
    methods=["GET"],
    permission="documents:read",
    tags=TAGS,
    response=s.DownloadLink,
    errors=[404],
    summary="A short-lived, read-only link to the document's file (saved under its file name)",
)
def download(request: ApiRequest) -> ApiResponse:
    from shared_code.documents.downloads import download_link

    with transaction(request) as (app, session):
        return success(download_link(app, session, path_id(request)))


@api_route(
    bp,
    "documents/{id}/content",
    name="documents_content",
    methods=["GET"],
    permission="documents:read",
    tags=TAGS,
    raw_response="application/pdf",
    errors=[404, 413],
    summary="The document's file itself (up to 32 MiB; larger files through /download)",
)
def content(request: ApiRequest) -> ApiResponse:
    from shared_code.core.files import content_disposition
    from shared_code.documents.downloads import document_content

    with transaction(request) as (app, session):
        document, data = document_content(app, session, path_id(request))
        headers = {
            "Content-Disposition": content_disposition(document.file_name, inline=True),
            "ETag": f'"{document.sha256}"',
        }
    return raw(data, content_type="application/pdf", headers=headers)


@api_route(
    bp,
    "documents/{id}/thumbnail",
    name="documents_thumbnail",
    methods=["GET"],
    permission="documents:read",
    tags=TAGS,
    raw_response="image/png",
    errors=[404],
    summary="A PNG of the document's first page",
)
def thumbnail(request: ApiRequest) -> ApiResponse:
    from shared_code.documents.downloads import document_thumbnail

    with transaction(request) as (app, session):
        image = document_thumbnail(app, session, path_id(request))
    return raw(image, content_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@api_route(
    bp,
    "bundles/{id}/documents",
    name="bundles_documents_list",
    methods=["GET"],
    permission="documents:read",
    tags=["bundles"],
    response=s.BundleDocuments,
    errors=[404],
    summary="A bundle's documents, in order",
)
def bundle_documents(request: ApiRequest) -> ApiResponse:
    from shared_code.documents.bundles import bundle_documents as contents

    with transaction(request) as (_, session):
        result = contents(session, path_id(request))
    return success(result, headers={"ETag": f'"{result.version}"'})


@api_route(
    bp,
    "bundles/{id}/documents",
    name="bundles_documents_set",
    methods=["PUT"],
    permission="documents:update",
    tags=["bundles"],
    request=s.BundleDocumentsSet,
    response=s.BundleDocuments,
    errors=[400, 404, 412],
    summary="Replace a bundle's documents with these, in this order (If-Match honoured)",
)
def bundle_documents_set(request: ApiRequest) -> ApiResponse:
    from shared_code.documents.bundles import set_bundle_documents

    body = request.parse_body(s.BundleDocumentsSet)
    with transaction(request) as (_, session):
        result = set_bundle_documents(
            session, path_id(request), body.document_ids, if_match=request.headers.get("if-match")
        )
    return success(result, headers={"ETag": f'"{result.version}"'}, message="bundle documents replaced")
