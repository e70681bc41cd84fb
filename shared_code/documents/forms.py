"""A direct upload's request as a file and its metadata: a `multipart/form-data` form (field `file`, the
metadata as fields or query parameters) or a raw `application/pdf` body (the metadata as query parameters)."""

from __future__ import annotations

from shared_code.core.http.forms import read_file_upload
from shared_code.core.http.request import ApiRequest
from shared_code.documents import schemas as s
from shared_code.documents.uploads import DirectUpload


def read_direct_upload(request: ApiRequest, *, max_bytes: int) -> DirectUpload:
    """The file and metadata of `request`; a body over the limit is refused before it is parsed."""
    upload = read_file_upload(
        request,
        fields=s.DocumentMetadata,
        max_bytes=max_bytes,
        too_large_hint="for larger files ask for an upload link with POST /documents/uploads",
    )
    return DirectUpload(upload.content, upload.file_name, upload.fields)
