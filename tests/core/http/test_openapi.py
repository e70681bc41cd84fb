"""The API description of routes whose body is a file: a multipart form, a raw body, or either."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from pydantic import BaseModel, ConfigDict, Field

from shared_code.core.http.openapi import build_openapi
from shared_code.core.http.registry import RouteRegistry, RouteSpec, UploadBody


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    note: str | None = None


def scan_route(**models) -> RouteSpec:
    return RouteSpec(
        name="scan", route="scans", methods=("POST",), permission="documents:create", summary="a scan", **models
    )


def describe(upload: UploadBody) -> dict:
    registry = RouteRegistry()
    registry.add(scan_route(upload=upload))
    document = build_openapi(registry, title="t", version="1", server_url="/api/v1")
    validate(document)
    return document["paths"]["/scans"]["post"]["requestBody"]


def test_a_form_upload_has_the_file_part_beside_the_fields():
    body = describe(
        UploadBody(fields=Label, file_field="scan", file_type="image/png", media_types=("multipart/form-data",))
    )
    assert body["required"] is True and set(body["content"]) == {"multipart/form-data"}
    form = body["content"]["multipart/form-data"]
    assert form["encoding"] == {"scan": {"contentType": "image/png"}}
    schema = form["schema"]
    assert schema["required"] == ["scan", "name"]
    assert schema["properties"]["scan"] == {"type": "string", "format": "binary"}
    assert set(schema["properties"]) == {"scan", "name", "note"}
    # Inlined, not a reference to the fields' schema, which forbids any other property (the file too).
    assert schema["additionalProperties"] is False


def test_a_raw_upload_is_the_file_as_the_body():
    body = describe(UploadBody(media_types=("application/pdf", "image/tiff")))
    assert body["content"] == {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        "image/tiff": {"schema": {"type": "string", "format": "binary"}},
    }


def test_a_form_without_fields_has_only_the_file():
    schema = describe(UploadBody())["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["file"] and set(schema["properties"]) == {"file"}


def test_a_route_takes_json_or_an_upload_not_both():
    with pytest.raises(ValueError, match="not both"):
        scan_route(request_model=Label, upload=UploadBody())
    with pytest.raises(ValueError, match="media type"):
        UploadBody(media_types=())
