"""Exports of list queries: every matching row, written as CSV or a JSON array into the
`exports` container as it is read (memory stays flat), then handed out through a short-lived link."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from shared_code.core import names
from shared_code.core.csv_stream import csv_chunks
from shared_code.core.errors import InvalidInput
from shared_code.core.http.params import ListQuery
from shared_code.core.resources import Resource, iter_records

FORMATS = {"csv": "text/csv", "json": "application/json"}


@dataclass(frozen=True)
class ExportResult:
    format: str
    rows: int
    download_url: str
    expires_at: str


def export_records(
    app, session, resource: Resource, query: ListQuery, *, fmt: str, tenant_id: uuid.UUID
) -> ExportResult:
    if fmt not in FORMATS:
        raise InvalidInput("format must be csv or json", details=[{"field": "format", "message": "csv or json"}])
    counter = {"rows": 0}
    rows = (
        resource.public.model_validate(row, from_attributes=True).model_dump(mode="json")
        for row in iter_records(session, resource, query)
    )
    chunks = _csv_chunks(resource, rows, counter) if fmt == "csv" else _json_chunks(rows, counter)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    blob = f"{tenant_id}/{resource.name}-{stamp}-{uuid.uuid4().hex[:8]}.{fmt}"
    app.blobs.upload_stream(names.EXPORTS, blob, chunks, content_type=FORMATS[fmt])
    url, expires = app.blobs.read_url(names.EXPORTS, blob, download_name=f"{resource.name}-{stamp}.{fmt}")
    return ExportResult(fmt, counter["rows"], url, expires.isoformat().replace("+00:00", "Z"))


def _csv_chunks(resource: Resource, rows: Iterator[dict], counter: dict) -> Iterator[bytes]:
    columns = list(resource.public.model_fields)

    def counted() -> Iterator[list]:
        for row in rows:
            counter["rows"] += 1
            yield [row.get(column) for column in columns]

    return csv_chunks(columns, counted())


def _json_chunks(rows: Iterator[dict], counter: dict) -> Iterator[bytes]:
    yield b"["
    for row in rows:
        yield (b"," if counter["rows"] else b"") + json.dumps(row, separators=(",", ":")).encode()
        counter["rows"] += 1
    yield b"]"
