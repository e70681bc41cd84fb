"""CSV written as a stream of byte chunks, with cells a spreadsheet would run as formulas defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_BYTES = 256 * 1024


def csv_cell(value: Any) -> str:
    """Text of a cell; one that starts like a formula gets a leading quote, so it stays text."""
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The CSV document, yielded in chunks of about CHUNK_BYTES: memory stays flat whatever the row count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
