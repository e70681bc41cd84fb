"""A templates API client for the tests (multipart and raw PDF bodies through the real function pipeline),
and the indexing trigger run as the Functions host runs it: the function registered for the
`templates` container, given the blob as it now is in storage."""

from __future__ import annotations

from typing import Any

import azure.functions as func
from urllib3 import encode_multipart_formdata

from shared_code.core import names
from tests.documents.client import send
from tests.support.api import InProcessApi, Reply


class Templates:
    """What a caller does with templates, in the caller's words."""

    def __init__(self, client: InProcessApi) -> None:
        self.client = client

    def upload(
        self,
        data: bytes,
        file_name: str = "form.pdf",
        *,
        content_type: str = "application/pdf",
        path: str = "/templates",
        **fields: Any,
    ) -> Reply:
        parts: list[tuple[str, Any]] = [(name, str(value)) for name, value in fields.items()]
        parts.append(("file", (file_name, data, content_type)))
        body, form_type = encode_multipart_formdata(parts)
        return send(self.client, "POST", path, body, form_type)

    def upload_raw(
        self, data: bytes, *, content_type: str = "application/pdf", path: str = "/templates", **params: Any
    ) -> Reply:
        return send(self.client, "POST", path, data, content_type, params=params)

    def add_version(self, template_id: str, data: bytes, file_name: str = "form-v2.pdf") -> Reply:
        return self.upload(data, file_name, path=f"/templates/{template_id}/versions")

    def recognize(self, data: bytes, *, content_type: str = "application/pdf", file_name: str = "scan.pdf") -> Reply:
        return self.upload(data, file_name, content_type=content_type, path="/recognize")

    def get(self, template_id: str) -> Reply:
        return self.client.get(f"/templates/{template_id}")

    def fields(self, template_id: str, **params: Any) -> Reply:
        return self.client.get(f"/templates/{template_id}/fields", **params)

    def add_field(self, template_id: str, body: dict[str, Any], **params: Any) -> Reply:
        return send(
            self.client, "POST", f"/templates/{template_id}/fields", _json(body), "application/json", params=params
        )

    def change_field(
        self, template_id: str, field_id: str, body: dict[str, Any], *, if_match: str | None = None
    ) -> Reply:
        headers = {"if-match": if_match} if if_match else None
        return send(
            self.client,
            "PATCH",
            f"/templates/{template_id}/fields/{field_id}",
            _json(body),
            "application/json",
            headers=headers,
        )

    def remove_field(self, template_id: str, field_id: str, *, if_match: str | None = None) -> Reply:
        headers = {"if-match": if_match} if if_match else None
        return send(self.client, "DELETE", f"/templates/{template_id}/fields/{field_id}", b"", None, headers=headers)


def _json(body: dict[str, Any]) -> bytes:
    import json

    return json.dumps(body).encode()


def index_trigger():
    """The blob-triggered function of the `templates` container, as the app registers it."""
    import function_app

    for function in function_app.build_app().get_functions():
        if function.get_function_name() == "templates_index":
            return function.get_user_function()
    raise LookupError("templates_index")


def run_trigger(app, blob_name: str) -> None:
    """Run the indexing trigger on `templates/<blob_name>` as it is in storage (what the host hands it)."""
    data = app.blobs.read_bytes(names.TEMPLATES, blob_name)
    stream = func.blob.InputStream(
        data=data,
        name=f"{names.TEMPLATES}/{blob_name}",
        length=len(data),
        uri=f"http://azurite/{names.TEMPLATES}/{blob_name}",
    )
    index_trigger()(stream)


def pending_blobs(app, tenant_id) -> list[str]:
    """The tenant's blobs in `templates`, oldest first (each one a trigger would run on)."""
    blobs = sorted(app.blobs.list(names.TEMPLATES, prefix=f"{tenant_id}/"), key=lambda b: b.last_modified)
    return [blob.name for blob in blobs]
