"""A direct upload's request as a file and its metadata: a `multipart/form-data` form (field `file`, the
metadata as fields) or a raw `application/pdf` body (the metadata as query parameters)."""

from __future__ import annotations

import io

from shared_code.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from shared_code.core.http.request import ApiRequest, validate
from shared_code.documents import schemas as s
from shared_code.documents.uploads import DirectUpload, MiB

FORM_OVERHEAD = 64 * 1024  # boundaries, part headers and metadata fields around the file
_FORM_FIELDS_MAX = 16


def read_direct_upload(request: ApiRequest, *, max_bytes: int) -> DirectUpload:
    """The file and metadata of `request`; a body over the limit is refused before it is parsed."""
    declared = request.headers.get("content-length", "")
    size = max(len(request.body), int(declared) if declared.isdigit() else 0)
    if size > max_bytes + FORM_OVERHEAD:
        raise PayloadTooLarge(
            f"a direct upload takes files up to {max_bytes // MiB} MiB; for larger files ask for an upload "
            "link with POST /documents/uploads",
            details={"max_bytes": max_bytes},
        )
    if request.content_type == "application/pdf":
        query = validate(s.UploadDetails, dict(request.query))
        return DirectUpload(io.BytesIO(request.body), query.file_name, query.metadata())
    if request.content_type == "multipart/form-data":
        return _from_form(request)
    raise UnsupportedMediaType(
        "send the PDF as multipart/form-data (field `file`) or as an application/pdf body",
        details={"content_type": request.content_type or None},
    )


def _from_form(request: ApiRequest) -> DirectUpload:
    from werkzeug.exceptions import HTTPException
    from werkzeug.formparser import MultiPartParser
    from werkzeug.http import parse_options_header

    _, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get("boundary")
    if not boundary:
        raise InvalidInput("the multipart/form-data body names no boundary")
    parser = MultiPartParser(max_form_memory_size=FORM_OVERHEAD, max_form_parts=_FORM_FIELDS_MAX)
    try:
        fields, files = parser.parse(io.BytesIO(request.body), boundary.encode("latin-1"), len(request.body))
    except (ValueError, HTTPException) as exc:
        raise InvalidInput("the multipart/form-data body cannot be read", details={"reason": str(exc)}) from None
    uploads = files.getlist("file")
    if len(uploads) != 1 or len(files) != 1:
        raise InvalidInput("send exactly one file, in the field `file`",
                           details=[{"field": "file", "message": "exactly one file is required"}])
    # An HTML form sends its empty inputs as empty strings: they mean "not given".
    metadata = validate(s.DocumentMetadata, {name: value for name, value in fields.items() if value != ""})
    return DirectUpload(uploads[0].stream, uploads[0].filename or None, metadata)
