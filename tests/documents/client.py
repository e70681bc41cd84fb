"""A documents API client for the tests: uploads with real multipart or PDF bodies through the real
function pipeline (tests.support.api does JSON only), and the blob-storage side of large uploads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import azure.functions as func
from urllib3 import encode_multipart_formdata

from tests.support.api import InProcessApi, Reply, http_functions, resolve


def send(
    client: InProcessApi,
    method: str,
    path: str,
    body: bytes,
    content_type: str | None,
    *,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """Call the route serving `method path` with a raw body, as the Functions host would."""
    spec, route_params = resolve(method, path)
    sent = {"x-forwarded-for": client.ip, **client.headers, **(headers or {})}
    if client.token:
        sent["authorization"] = f"Bearer {client.token}"
    if content_type:
        sent["content-type"] = content_type
    # A parameter given as a list is repeated in the URL; the host joins its values with commas.
    given = {
        k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in (params or {}).items() if v is not None
    }
    query = {k: ",".join(v) if isinstance(v, list) else v for k, v in given.items()}
    url = f"http://localhost/api/v1/{path.strip('/')}" + (f"?{urlencode(given, doseq=True)}" if given else "")
    request = func.HttpRequest(method, url, headers=sent, params=query, route_params=route_params, body=body)
    response = http_functions()[spec.name](request)
    return Reply(
        response.status_code,
        {k.lower(): v for k, v in response.headers.items()},
        response.get_body(),
        response.mimetype,
    )


class Documents:
    """What a caller does with documents, in the caller's words."""

    def __init__(self, client: InProcessApi) -> None:
        self.client = client

    def upload_form(
        self,
        data: bytes,
        file_name: str = "scan.pdf",
        *,
        content_type: str = "application/pdf",
        field: str = "file",
        params: dict[str, Any] | None = None,
        **fields: str | list[str],
    ) -> Reply:
        """A form with the file and `fields` (a list: the field repeated); `params` in the query."""
        parts: list[tuple[str, Any]] = [
            (name, str(value))
            for name, values in fields.items()
            for value in (values if isinstance(values, list) else [values])
        ]
        parts.append((field, (file_name, data, content_type)))
        body, form_type = encode_multipart_formdata(parts)
        return send(self.client, "POST", "/documents/upload", body, form_type, params=params)

    def upload_pdf(self, data: bytes, *, content_type: str = "application/pdf", **params: Any) -> Reply:
        return send(self.client, "POST", "/documents/upload", data, content_type, params=params)

    def start_upload(self, **plan: Any) -> Reply:
        return self.client.post("/documents/uploads", plan or None)

    def complete(self, upload_id: str, **details: Any) -> Reply:
        return self.client.post(f"/documents/uploads/{upload_id}/complete", details or None)

    def get(self, document_id: str) -> Reply:
        return self.client.get(f"/documents/{document_id}")

    def download(self, document_id: str) -> Reply:
        return self.client.get(f"/documents/{document_id}/download")

    def content(self, document_id: str) -> Reply:
        return self.client.get(f"/documents/{document_id}/content")

    def thumbnail(self, document_id: str) -> Reply:
        return self.client.get(f"/documents/{document_id}/thumbnail")


def put_blob(upload_url: str, data: bytes):
    """PUT a file to a write link as a browser would (one Put Blob request); returns the `requests` response."""
    import requests

    return requests.put(upload_url, data=data, headers={"x-ms-blob-type": "BlockBlob"}, timeout=30)


def put_blocks(upload_url: str, source, *, block_size: int) -> None:
    """Upload through the write link alone with azure-storage-blob, in blocks of `block_size`."""
    from azure.storage.blob import BlobClient

    blob = BlobClient.from_blob_url(upload_url, max_block_size=block_size, max_single_put_size=block_size)
    blob.upload_blob(source, overwrite=True, max_concurrency=2)
