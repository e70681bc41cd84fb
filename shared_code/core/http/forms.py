"""A file sent in a request, with what its sender says about it: a `multipart/form-data` form (the file in
one part, metadata as the other fields) or a raw body of the file's own type (metadata as query
parameters). Routes declare the same shape with `UploadBody`, so the API description shows it."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Generic, TypeVar

from pydantic import BaseModel

from shared_code.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from shared_code.core.files import MiB
from shared_code.core.http.request import ApiRequest, validate

FieldsT = TypeVar("FieldsT", bound=BaseModel)

FORM_OVERHEAD = 64 * 1024  # boundaries, part headers and metadata fields around the file
_FORM_FIELDS_MAX = 16
# The parser reads the body in pieces of this size and refuses to buffer more than FORM_OVERHEAD at once;
# with pieces as large as the limit, a file's bytes held back at a piece's end (where a boundary might
# start) would overflow it.
_PARSE_PIECE = 16 * 1024
FILE_NAME_PARAM = "file_name"  # a raw body's file name, as a query parameter


@dataclass(frozen=True)
class FileUpload(Generic[FieldsT]):
    content: IO[bytes]
    file_name: str | None
    content_type: str  # as declared: the form part's type, or the raw body's
    fields: FieldsT


def read_file_upload(
    request: ApiRequest,
    *,
    fields: type[FieldsT],
    max_bytes: int,
    raw_types: tuple[str, ...] = ("application/pdf",),
    file_field: str = "file",
    too_large_hint: str = "",
) -> FileUpload[FieldsT]:
    """The file and metadata of `request`; a body over the limit is refused before it is parsed.

    Raw bodies are taken in `raw_types`, with the metadata (and `file_name`) as query parameters;
    empty form fields count as not given (an HTML form sends its empty inputs as "").
    """
    declared = request.headers.get("content-length", "")
    size = max(len(request.body), int(declared) if declared.isdigit() else 0)
    if size > max_bytes + FORM_OVERHEAD:
        raise PayloadTooLarge(
            f"this route takes files up to {max_bytes // MiB} MiB" + (f"; {too_large_hint}" if too_large_hint else ""),
            details={"max_bytes": max_bytes},
        )
    if request.content_type in raw_types:
        query = request.single_query()
        file_name = query.pop(FILE_NAME_PARAM, None) or None
        return FileUpload(io.BytesIO(request.body), file_name, request.content_type, validate(fields, query))
    if request.content_type == "multipart/form-data":
        return _from_form(request, fields, file_field)
    accepted = " or ".join(("multipart/form-data (field `" + file_field + "`)", *raw_types))
    raise UnsupportedMediaType(f"send the file as {accepted}", details={"content_type": request.content_type or None})


def _from_form(request: ApiRequest, fields: type[FieldsT], file_field: str) -> FileUpload[FieldsT]:
    from werkzeug.exceptions import HTTPException
    from werkzeug.formparser import MultiPartParser
    from werkzeug.http import parse_options_header

    _, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get("boundary")
    if not boundary:
        raise InvalidInput("the multipart/form-data body names no boundary")
    parser = MultiPartParser(
        max_form_memory_size=FORM_OVERHEAD, max_form_parts=_FORM_FIELDS_MAX, buffer_size=_PARSE_PIECE
    )
    try:
        values, files = parser.parse(io.BytesIO(request.body), boundary.encode("latin-1"), len(request.body))
    except (ValueError, HTTPException) as exc:
        raise InvalidInput("the multipart/form-data body cannot be read", details={"reason": str(exc)}) from None
    uploads = files.getlist(file_field)
    if len(uploads) != 1 or len(files) != 1:
        raise InvalidInput(
            f"send exactly one file, in the field `{file_field}`",
            details=[{"field": file_field, "message": "exactly one file is required"}],
        )
    # Metadata may also come as query parameters (as with a raw body); each field is given once.
    query = request.single_query()
    file_name = query.pop(FILE_NAME_PARAM, None) or None
    given = {name: value for name, value in values.items() if value != ""}
    _refuse_twice({name for name in values if len(values.getlist(name)) > 1} | (given.keys() & query.keys()))
    metadata = validate(fields, {**query, **given})
    part = uploads[0]
    return FileUpload(part.stream, file_name or part.filename or None, (part.mimetype or "").lower(), metadata)


def _refuse_twice(names: set[str]) -> None:
    # A repeated form field would silently keep one of its values (a query parameter: the host's join).
    if names:
        raise InvalidInput(
            "a field is given more than once (in the form, or in the form and the query)",
            details=[{"field": name, "message": "give it once"} for name in sorted(names)],
        )
