"""Templates: uploads and versions, the standard list/PATCH/retire/restore routes, detail, a version's file,
fields, the binding catalogue, recognition, and the blob trigger that indexes what lands in `templates`."""

from __future__ import annotations

import azure.functions as func

from functions._http import UploadBody, api_route
from functions._resources import resource_routes
from functions._scope import app, path_id, transaction
from shared_code.core import names
from shared_code.core.errors import NotFound
from shared_code.core.http.request import ApiRequest
from shared_code.core.http.response import ApiResponse, raw, success
from shared_code.templates import field_schemas as fs
from shared_code.templates import schemas as s
from shared_code.templates.resources import TEMPLATES

bp = func.Blueprint()
TAGS = ["templates"]

# A template comes from a file (POST /templates below), and its GET shows the latest version.
resource_routes(bp, TEMPLATES, tags=TAGS, without=("create", "get"))


def _accepted(template: s.TemplatePublic, message: str) -> ApiResponse:
    return success(template, status=202, message=message, headers={"ETag": f'"{template.revision}"'})


def _version_number(request: ApiRequest) -> int:
    text = request.route_params.get("version", "")
    if not text.isdigit() or not 0 < int(text) < 1_000_000:
        raise NotFound("no such template version")
    return int(text)


@api_route(
    bp,
    "templates",
    name="templates_upload",
    methods=["POST"],
    permission="templates:create",
    tags=TAGS,
    status=202,
    upload=UploadBody(fields=s.TemplateMetadata),
    query=s.TemplateUploadQuery,
    response=s.TemplatePublic,
    errors=[400, 409, 413, 415, 422, 503],
    summary="Upload a template PDF (up to 32 MiB): multipart/form-data (field `file`, `name` and metadata "
    "fields) or an application/pdf body (metadata as query parameters); indexed in the background",
)
def upload(request: ApiRequest) -> ApiResponse:
    from shared_code.core.http.forms import read_file_upload
    from shared_code.templates.uploads import upload_limit, upload_template

    received = read_file_upload(request, fields=s.TemplateMetadata, max_bytes=upload_limit(app().settings))
    template = upload_template(app(), lambda: transaction(request), upload=received)
    return _accepted(template, "template uploaded; it is being indexed")


@api_route(
    bp,
    "templates/{id}",
    name="templates_get",
    methods=["GET"],
    permission="templates:read",
    tags=TAGS,
    response=s.TemplateDetail,
    errors=[404],
    summary="A template with its latest version: indexing status (and error), pages, fields",
)
def get(request: ApiRequest) -> ApiResponse:
    from shared_code.templates.service import template_detail

    with transaction(request) as (running, session):
        detail = template_detail(running, session, path_id(request))
    return success(detail, headers={"ETag": f'"{detail.revision}"'})


@api_route(
    bp,
    "templates/{id}/versions",
    name="templates_versions_add",
    methods=["POST"],
    permission="templates:update",
    tags=TAGS,
    status=202,
    upload=UploadBody(),
    query=s.FileNameQuery,
    response=s.TemplatePublic,
    errors=[400, 404, 409, 412, 413, 415, 422, 503],
    summary="Upload the next version of a template (the earlier ones are kept); indexed in the background",
)
def add_version(request: ApiRequest) -> ApiResponse:
    from shared_code.core.http.forms import read_file_upload
    from shared_code.templates.uploads import upload_limit, upload_version

    received = read_file_upload(request, fields=s.FileOnly, max_bytes=upload_limit(app().settings))
    template = upload_version(app(), lambda: transaction(request), template_id=path_id(request), upload=received)
    return _accepted(template, f"version {template.version} uploaded; it is being indexed")


@api_route(
    bp,
    "templates/{id}/versions",
    name="templates_versions_list",
    methods=["GET"],
    permission="templates:read",
    tags=TAGS,
    response=s.VersionList,
    errors=[404],
    summary="Every version of a template, newest first",
)
def versions(request: ApiRequest) -> ApiResponse:
    from shared_code.templates.service import template_versions

    with transaction(request) as (_, session):
        return success(template_versions(session, path_id(request)))


@api_route(
    bp,
    "templates/{id}/versions/{version}/content",
    name="templates_version_content",
    methods=["GET"],
    permission="templates:read",
    tags=TAGS,
    raw_response="application/pdf",
    errors=[404, 413],
    summary="A template version's PDF",
)
def version_content(request: ApiRequest) -> ApiResponse:
    from shared_code.core.files import content_disposition
    from shared_code.templates.service import version_content as content

    with transaction(request) as (running, session):
        version, data = content(running, session, path_id(request), _version_number(request))
        headers = {
            "Content-Disposition": content_disposition(version.file_name, inline=True),
            "ETag": f'"{version.sha256}"',
        }
    return raw(data, content_type="application/pdf", headers=headers)


@api_route(
    bp,
    "templates/{id}/fields",
    name="templates_fields_list",
    methods=["GET"],
    permission="templates:read",
    tags=TAGS,
    query=s.FieldQuery,
    response=s.FieldList,
    errors=[404],
    summary="The fields of a template version (the latest unless `version` is given)",
)
def fields(request: ApiRequest) -> ApiResponse:
    from shared_code.templates.fields import list_fields

    query = request.parse_query(s.FieldQuery)
    with transaction(request) as (_, session):
        return success(list_fields(session, path_id(request), query.version))


@api_route(
    bp,
    "templates/{id}/fields",
    name="templates_fields_create",
    methods=["POST"],
    permission="templates:update",
    tags=TAGS,
    status=201,
    query=s.FieldQuery,
    request=s.FieldCreate,
    response=s.FieldPublic,
    errors=[404, 409],
    summary="Add a field to an indexed template version (the latest unless `version` is given)",
)
def field_create(request: ApiRequest) -> ApiResponse:
    from shared_code.templates.fields import create_field

    query, body = request.parse_query(s.FieldQuery), request.parse_body(s.FieldCreate)
    with transaction(request) as (_, session):
        field = s.FieldPublic.model_validate(create_field(session, path_id(request), query.version, body))
    return success(field, status=201, message="field added", headers={"ETag": f'"{field.revision}"'})


@api_route(
    bp,
    "templates/{id}/fields/{field_id}",
    name="templates_fields_update",
    methods=["PATCH"],
    permission="templates:update",
    tags=TAGS,
    request=s.FieldUpdate,
    response=s.FieldPublic,
    errors=[404, 409, 412],
    summary="Change a field: name, type, page, rectangle, required, binding (If-Match honoured)",
)
def field_update(request: ApiRequest) -> ApiResponse:
    from shared_code.templates.fields import update_field

    body = request.parse_body(s.FieldUpdate)
    with transaction(request) as (_, session):
        field = s.FieldPublic.model_validate(
            update_field(
                session, path_id(request), path_id(request, "field_id"), body, if_match=request.headers.get("if-match")
            )
        )
    return success(field, message="field updated", headers={"ETag": f'"{field.revision}"'})


@api_route(
    bp,
    "templates/{id}/fields/{field_id}",
    name="templates_fields_delete",
    methods=["DELETE"],
    permission="templates:update",
    tags=TAGS,
    errors=[404, 412],
    summary="Remove a field (If-Match honoured)",
)
def field_delete(request: ApiRequest) -> ApiResponse:
    from shared_code.templates.fields import delete_field

    with transaction(request) as (_, session):
        delete_field(session, path_id(request), path_id(request, "field_id"), if_match=request.headers.get("if-match"))
    return success(None, message="field removed")


@api_route(
    bp,
    "templates/bindings",
    name="templates_bindings",
    methods=["GET"],
    permission="templates:read",
    tags=TAGS,
    response=s.BindingCatalogue,
    summary="The data a field can be filled from (and how a fixed value is written)",
)
def bindings(request: ApiRequest) -> ApiResponse:
    from shared_code.templates.bindings import catalogue

    return success(catalogue())


@api_route(
    bp,
    "recognize",
    name="recognize",
    methods=["POST"],
    permission="templates:read",
    tags=TAGS,
    upload=UploadBody(
        file_type=", ".join(s.RECOGNIZABLE_TYPES), media_types=("multipart/form-data", *s.RECOGNIZABLE_TYPES)
    ),
    response=s.Recognition,
    errors=[400, 413, 415, 422],
    summary="Which template (version, page) each page of a PDF or image (PNG, JPEG, TIFF) most likely is",
)
def recognize(request: ApiRequest) -> ApiResponse:
    from shared_code.core.http.forms import read_file_upload
    from shared_code.templates.recognizing import recognize_file
    from shared_code.templates.uploads import upload_limit

    received = read_file_upload(
        request, fields=s.FileOnly, max_bytes=upload_limit(app().settings), raw_types=s.RECOGNIZABLE_TYPES
    )
    result = recognize_file(app(), tenant_id=request.principal.tenant_id, data=received.content.read())
    known = sum(page.template_id is not None for page in result.pages)
    return success(result, message=f"{known} of {len(result.pages)} page(s) recognised")


@bp.function_name("templates_index")
@bp.blob_trigger(
    arg_name="blob",
    path=f"{names.TEMPLATES}/{{name}}",
    connection="AzureWebJobsStorage",
    source=func.BlobSource.EVENT_GRID,
)
def index(blob: func.InputStream) -> None:
    """A file landed in `templates`: index it (a version's file) or make it a version (a dropped PDF)."""
    from shared_code.core.context import correlation_scope
    from shared_code.templates.indexing import index_template_blob

    with correlation_scope(None):
        name = blob.name.removeprefix(f"{names.TEMPLATES}/")
        index_template_blob(app(), name, blob.read())


# -- fields detected, values extracted, previews (docs/TEMPLATES.md, "Fields, extraction and preview") --


@api_route(
    bp,
    "templates/{id}/detect-fields",
    name="templates_detect_fields",
    methods=["POST"],
    permission="templates:update",
    tags=TAGS,
    query=fs.DetectQuery,
    response=fs.Detection,
    errors=[400, 404, 409, 413, 422],
    summary="Propose a template version's fields from its AcroForm and its page (labelled lines, boxes, table "
    "cells, check boxes), with type, rectangle, confidence and binding; `apply=true` stores them",
)
def detect_fields(request: ApiRequest) -> ApiResponse:
    from shared_code.templates.field_services import detect_template_fields

    query = request.parse_query(fs.DetectQuery)
    result = detect_template_fields(
        lambda: transaction(request), template_id=path_id(request), number=query.version, apply=query.apply
    )
    stored = f"; {len(result.applied)} stored, {len(result.skipped)} already there" if query.apply else ""
    return success(result, message=f"{len(result.proposals)} field(s) proposed{stored}")


@api_route(
    bp,
    "documents/{id}/extract-fields",
    name="documents_extract_fields",
    methods=["POST"],
    permission="documents:read",
    tags=TAGS,
    request=fs.ExtractRequest,
    body_required=False,
    response=fs.ExtractionPublic,
    errors=[400, 404, 409, 413, 422],
    summary="Read the values of a filled document's fields (its template's, or `template_id`'s): AcroForm "
    "values, the text layer, or the scan aligned to the template and read by OCR and ink, each with a confidence",
)
def extract_fields(request: ApiRequest) -> ApiResponse:
    from shared_code.templates.field_services import extract_document_fields

    body = request.parse_optional_body(fs.ExtractRequest)
    result = extract_document_fields(lambda: transaction(request), document_id=path_id(request), request=body)
    filled = sum(value.value not in (None, False) for value in result.values)
    return success(result, message=f"{filled} of {len(result.values)} field(s) filled")


@api_route(
    bp,
    "templates/{id}/preview",
    name="templates_preview",
    methods=["POST"],
    permission="templates:read",
    tags=TAGS,
    request=fs.PreviewRequest,
    body_required=False,
    raw_response="application/pdf",
    errors=[400, 404, 413, 422],
    summary="The template version filled from a sample (or the given) account and contract, as a PDF",
)
def preview(request: ApiRequest) -> ApiResponse:
    from shared_code.core.files import content_disposition
    from shared_code.templates.preview import template_preview

    body = request.parse_optional_body(fs.PreviewRequest)
    with transaction(request) as (running, session):
        result = template_preview(running, session, path_id(request), body)
    headers = {"Content-Disposition": content_disposition("preview.pdf", inline=True)}
    return raw(result.pdf, content_type="application/pdf", headers=headers)


@api_route(
    bp,
    "templates/{id}/preview/image",
    name="templates_preview_image",
    methods=["POST"],
    permission="templates:read",
    tags=TAGS,
    request=fs.PreviewImageRequest,
    body_required=False,
    raw_response="image/png",
    errors=[400, 404, 413, 422],
    summary="One page of the filled template (as POST /templates/{id}/preview) as a PNG, for the field editor",
)
def preview_image(request: ApiRequest) -> ApiResponse:
    from shared_code.templates.preview import template_preview

    body = request.parse_optional_body(fs.PreviewImageRequest)
    with transaction(request) as (running, session):
        result = template_preview(running, session, path_id(request), body, page=body.page, dpi=body.dpi)
    return raw(result.pngs[body.page], content_type="image/png")
