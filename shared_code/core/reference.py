"""Reference data: document types and the status codes of each lifecycle, as tables and as data.

The rows below are what migration 0002 inserted; a test keeps the two equal. Changing them means
a new migration that changes the rows, not an edit of 0002.
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared_code.core.models import Base


class DocumentType(Base):
    __tablename__ = "DocumentType"
    __table_args__ = {"schema": "core"}

    code: Mapped[str] = mapped_column(sa.Unicode(50), primary_key=True)
    name: Mapped[str] = mapped_column(sa.Unicode(200))
    description: Mapped[str | None] = mapped_column(sa.Unicode(500))


class StatusCode(Base):
    """One status of one lifecycle (`domain`); terminal statuses have no way out."""

    __tablename__ = "StatusCode"
    __table_args__ = {"schema": "core"}

    domain: Mapped[str] = mapped_column(sa.Unicode(30), primary_key=True)
    code: Mapped[str] = mapped_column(sa.Unicode(30), primary_key=True)
    name: Mapped[str] = mapped_column(sa.Unicode(100))
    sort_order: Mapped[int]
    is_terminal: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class DocumentTypeRow(NamedTuple):
    code: str
    name: str
    description: str


class StatusRow(NamedTuple):
    code: str
    name: str
    is_terminal: bool = False


DOCUMENT_TYPES: tuple[DocumentTypeRow, ...] = (
    DocumentTypeRow("participation_form", "Participation form", "Form an account signs to join a contract"),
    DocumentTypeRow("letter_of_commitment", "Letter of commitment", "Letter committing an account to a contract"),
    DocumentTypeRow("returned_scan", "Returned scan", "A scanned document as it came back, before matching"),
    DocumentTypeRow("signed_document", "Signed document", "A document signed electronically"),
    DocumentTypeRow("print_file", "Print file", "Documents of a batch assembled for printing"),
    DocumentTypeRow("other", "Other", "Anything else kept with an account"),
)

# Per lifecycle, in display order (sort order: 10, 20, 30, ...).
STATUS_CODES: dict[str, tuple[StatusRow, ...]] = {
    "document": (
        StatusRow("draft", "Draft"),
        StatusRow("uploaded", "Uploaded"),
        StatusRow("processing", "Processing"),
        StatusRow("review", "Needs review"),
        StatusRow("failed", "Failed"),
        StatusRow("completed", "Completed"),
        StatusRow("archived", "Archived"),
        StatusRow("deleted", "Deleted", is_terminal=True),
    ),
    "candidate": (
        StatusRow("eligible", "Eligible"),
        StatusRow("invited", "Invited"),
        StatusRow("sent", "Sent"),
        StatusRow("returned", "Returned"),
        StatusRow("activated", "Activated", is_terminal=True),
        StatusRow("declined", "Declined", is_terminal=True),
        StatusRow("expired", "Expired", is_terminal=True),
    ),
    "batch": (
        StatusRow("queued", "Queued"),
        StatusRow("running", "Running"),
        StatusRow("completed", "Completed", is_terminal=True),
        StatusRow("failed", "Failed", is_terminal=True),
        StatusRow("cancelled", "Cancelled", is_terminal=True),
    ),
    "intake": (
        StatusRow("queued", "Queued"),
        StatusRow("processing", "Processing"),
        StatusRow("completed", "Completed", is_terminal=True),
        StatusRow("quarantined", "Quarantined"),  # held for a person; can be released
        StatusRow("failed", "Failed", is_terminal=True),
    ),
    "envelope": (
        StatusRow("created", "Created"),
        StatusRow("in_progress", "In progress"),
        StatusRow("completed", "Completed", is_terminal=True),
        StatusRow("expired", "Expired", is_terminal=True),
        StatusRow("declined", "Declined", is_terminal=True),
        StatusRow("cancelled", "Cancelled", is_terminal=True),
    ),
}


def status_rows() -> list[dict[str, object]]:
    """Every status code as table rows (column keys), in a stable order."""
    return [
        {"domain": domain, "code": row.code, "name": row.name, "sortOrder": (i + 1) * 10, "isTerminal": row.is_terminal}
        for domain, rows in STATUS_CODES.items()
        for i, row in enumerate(rows)
    ]


def document_type_rows() -> list[dict[str, object]]:
    return [row._asdict() for row in DOCUMENT_TYPES]
