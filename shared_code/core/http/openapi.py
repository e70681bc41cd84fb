"""The OpenAPI 3.1 document, built from the route registry: every route, its models and its permission."""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from shared_code.core.http.registry import AUTHENTICATED, PUBLIC, RouteRegistry, RouteSpec, UploadBody

REF = "#/components/schemas/{model}"
_STANDARD_ERRORS = {
    400: "The request is not valid",
    401: "Missing or invalid credentials",
    403: "The caller lacks the permission",
    429: "Too many requests; see Retry-After",
    500: "Unexpected error; quote the correlation id",
}

_ERROR_ENVELOPE = {
    "type": "object",
    "required": ["success", "error", "timestamp"],
    "properties": {
        "success": {"const": False},
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {}},
        },
        "timestamp": {"type": "string", "format": "date-time"},
    },
}
_PAGE_META = {
    "type": "object",
    "required": ["page", "page_size", "total"],
    "properties": {
        "page": {"type": "integer", "minimum": 1},
        "page_size": {"type": "integer", "minimum": 1, "maximum": 200},
        "total": {"type": "integer", "minimum": 0},
    },
}


def build_openapi(registry: RouteRegistry, *, title: str, version: str, server_url: str) -> dict[str, Any]:
    routes = list(registry)
    schemas = _component_schemas(routes)
    paths: dict[str, dict[str, Any]] = {}
    for spec in routes:
        item = paths.setdefault(spec.openapi_path, {})
        for method in spec.methods:
            item[method.lower()] = _operation(spec, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": {**schemas, "ErrorEnvelope": _ERROR_ENVELOPE, "PageMeta": _PAGE_META},
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
    }


def _component_schemas(routes: list[RouteSpec]) -> dict[str, Any]:
    entries = []
    for spec in routes:
        if spec.request_model is not None:
            entries.append((spec.request_model, "validation"))
        if spec.query_model is not None:
            entries.append((spec.query_model, "validation"))
        if spec.upload is not None and spec.upload.fields is not None:
            entries.append((spec.upload.fields, "validation"))
        if spec.response_model is not None:
            entries.append((spec.response_model, "serialization"))
    if not entries:
        return {}
    _, top = models_json_schema(list(dict.fromkeys(entries)), ref_template=REF)
    return top.get("$defs", {})


def _schema_name(model: type, schemas: dict[str, Any], mode_suffix: str) -> str:
    # pydantic names a model "X-Input"/"X-Output" when its two modes differ
    name = model.__name__
    return name if name in schemas else f"{name}-{mode_suffix}"


def _operation(spec: RouteSpec, schemas: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": spec.name,
        "summary": spec.summary,
        "tags": list(spec.tags),
        "parameters": _path_parameters(spec) + _query_parameters(spec, schemas),
        "responses": _responses(spec, schemas),
        "x-permission": spec.permission,
    }
    if spec.permission == PUBLIC:
        operation["security"] = []
    else:
        operation["security"] = [{"bearerAuth": []}, {"apiKey": []}]
    if spec.request_model is not None:
        ref = {"$ref": REF.format(model=_schema_name(spec.request_model, schemas, "Input"))}
        operation["requestBody"] = {
            "required": spec.body_required,
            "content": {ctype: {"schema": ref} for ctype in spec.request_content_types},
        }
    if spec.upload is not None:
        operation["requestBody"] = {"required": True, "content": _upload_content(spec.upload, schemas)}
    return operation


_BINARY = {"type": "string", "format": "binary"}


def _upload_content(upload: UploadBody, schemas: dict[str, Any]) -> dict[str, Any]:
    """A form whose file part sits beside the metadata fields (inlined: the fields' own schema forbids
    other properties, the file among them), or the raw file as the body."""
    content: dict[str, Any] = {}
    for media_type in upload.media_types:
        if not media_type.startswith("multipart/"):
            content[media_type] = {"schema": _BINARY}
            continue
        fields = schemas[_schema_name(upload.fields, schemas, "Input")] if upload.fields else {}
        properties = {name: _form_field(prop) for name, prop in fields.get("properties", {}).items()}
        form = {
            "type": "object",
            "required": [upload.file_field, *fields.get("required", [])],
            "properties": {upload.file_field: _BINARY, **properties},
            "additionalProperties": False,
        }
        content[media_type] = {"schema": form, "encoding": {upload.file_field: {"contentType": upload.file_type}}}
    return content


def _form_field(schema: dict[str, Any]) -> dict[str, Any]:
    """A form field is text: what JSON spells `null` (not given) a form sends as an empty field."""
    if {"type": "null"} not in schema.get("anyOf", []):
        return schema
    branches = [{"const": ""} if b == {"type": "null"} else b for b in schema["anyOf"]]
    return {**{k: v for k, v in schema.items() if k != "default" or v is not None}, "anyOf": branches}


def _path_parameters(spec: RouteSpec) -> list[dict[str, Any]]:
    # OpenAPI path parameters are always required; an optional route segment is described as required
    # on the path that includes it.
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name, _ in spec.path_params
    ]


def _query_parameters(spec: RouteSpec, schemas: dict[str, Any]) -> list[dict[str, Any]]:
    if spec.query_model is None:
        return []
    definition = schemas[_schema_name(spec.query_model, schemas, "Input")]
    required = set(definition.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in definition.get("properties", {}).items()
    ]


def _responses(spec: RouteSpec, schemas: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {
        str(code): _success_response(spec, schemas) for code in (spec.success_status, *spec.also_success)
    }
    codes = set(_STANDARD_ERRORS) | set(spec.errors)
    if spec.permission == PUBLIC:
        codes -= {401, 403}
    elif spec.permission == AUTHENTICATED:
        codes -= {403}
    if spec.request_model is None and spec.upload is None and spec.query_model is None and not spec.path_params:
        codes.discard(400)
    for code in sorted(codes):
        responses[str(code)] = {
            "description": _STANDARD_ERRORS.get(code, "Error"),
            "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorEnvelope")}}},
        }
    return responses


def _success_response(spec: RouteSpec, schemas: dict[str, Any]) -> dict[str, Any]:
    if spec.raw_response:
        return {"description": spec.summary, "content": {spec.raw_response: {"schema": {}}}}
    data: dict[str, Any] = {"type": "null"}
    if spec.response_model is not None:
        data = {"$ref": REF.format(model=_schema_name(spec.response_model, schemas, "Output"))}
        if spec.list_response:
            data = {"type": "array", "items": data}
    properties: dict[str, Any] = {
        "success": {"const": True},
        "data": data,
        "message": {"type": "string"},
        "timestamp": {"type": "string", "format": "date-time"},
    }
    required = ["success", "data", "message", "timestamp"]
    if spec.list_response:
        properties["meta"] = {"$ref": REF.format(model="PageMeta")}
        required.append("meta")
    schema = {"type": "object", "required": required, "properties": properties}
    return {"description": spec.summary, "content": {"application/json": {"schema": schema}}}
