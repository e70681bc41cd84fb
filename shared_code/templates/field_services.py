"""The use cases behind detect-fields and extract-fields: the records and files read in one transaction,
the PDFs read outside any (OCR takes seconds, and a unit of work on SQLite holds the write lock), and
for `apply` the proposals stored in a second one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager

from shared_code.core.errors import Conflict
from shared_code.core.resources import flush_record, get_record
from shared_code.pdf.fill import FieldSpec
from shared_code.templates import field_schemas as fs
from shared_code.templates import schemas as s
from shared_code.templates.detection import ProposedField, detect_fields
from shared_code.templates.extraction import extract_fields
from shared_code.templates.models import TemplateField, TemplateVersion
from shared_code.templates.page_shapes import overlap
from shared_code.templates.resources import TEMPLATES
from shared_code.templates.service import find_version, version_content, version_fields

Transaction = Callable[[], AbstractContextManager]  # yields (app, session); commits when the block ends
_SAME_PLACE = 0.5  # a proposal overlapping an existing field this much is that field


def detect_template_fields(
    transaction: Transaction, *, template_id: uuid.UUID, number: int | None, apply: bool
) -> fs.Detection:
    """Proposed fields of a template version (the latest unless `number`); with `apply`, stored as fields
    (`source` detected) where the version has none yet. Applying needs a live template and an indexed
    version (409 otherwise)."""
    with transaction() as (app, session):
        version, data = version_content(app, session, template_id, number)
        number = version.number
    proposals = detect_fields(data)
    result = fs.Detection(template_id=template_id, version=number, proposals=[_public(p) for p in proposals])
    if not apply:
        return result
    with transaction() as (_, session):
        get_record(session, TEMPLATES, template_id)  # live: a retired template is not edited
        version = find_version(session, template_id, number)
        if version.status != "indexed":
            raise Conflict(
                f"version {number} is {version.status}: fields are added once it is indexed",
                details={"status": version.status},
            )
        applied, skipped = _store(session, version, proposals)
        session.flush()
        result.applied = [s.FieldPublic.model_validate(row) for row in applied]
        result.skipped = skipped
    return result


def _store(session, version: TemplateVersion, proposals: list[ProposedField]) -> tuple[list[TemplateField], list]:
    existing = version_fields(session, version.id)
    names = {row.name.lower() for row in existing}
    applied, skipped = [], []
    for proposal in proposals:
        if any(
            row.page == proposal.page and overlap((row.x0, row.y0, row.x1, row.y1), proposal.rect) > _SAME_PLACE
            for row in [*existing, *applied]
        ):
            skipped.append(proposal.name)
            continue
        name, count = proposal.name, 1
        while name.lower() in names:
            count += 1
            name = f"{proposal.name} {count}"[:200]
        names.add(name.lower())
        row = TemplateField(
            version_id=version.id,
            name=name,
            type=proposal.type,
            page=proposal.page,
            x0=proposal.x0,
            y0=proposal.y0,
            x1=proposal.x1,
            y1=proposal.y1,
            required=False,
            binding=proposal.binding,
            source="detected",
            confidence=proposal.confidence,
        )
        session.add(row)
        applied.append(row)
    flush_record(session, "field")
    return applied, skipped


def _public(proposal: ProposedField) -> fs.ProposedFieldPublic:
    return fs.ProposedFieldPublic.model_validate(proposal)


def extract_document_fields(
    transaction: Transaction, *, document_id: uuid.UUID, request: fs.ExtractRequest
) -> fs.ExtractionPublic:
    """The values of a filled document's fields: the fields of the template version it was filled from
    (`request.template_id`/`version`, else what the document records, else the template's latest).
    409 when neither names a template or the version has no fields."""
    from shared_code.documents.downloads import document_content

    with transaction() as (app, session):
        document, data = document_content(app, session, document_id)
        template_id = request.template_id or document.template_id
        if template_id is None:
            raise Conflict("the document names no template: say which one it was filled from (template_id)")
        number = request.version or (document.attributes or {}).get("template_version")
        version, template = version_content(app, session, template_id, number)
        rows = version_fields(session, version.id)
        ids = {row.name: row.id for row in rows}  # read now: the rows leave with the session
        fields = [FieldSpec(row.name, row.type, row.page, row.x0, row.y0, row.x1, row.y1) for row in rows]
        number = version.number
    if not fields:
        raise Conflict(f"version {number} of the template has no fields: detect or add them first")
    extraction = extract_fields(data, template, fields, page_map=request.pages)
    values = [fs.ExtractedValuePublic(field_id=ids[value.name], **vars(value)) for value in extraction.values]
    pages = [fs.PageReadingPublic.model_validate(reading) for reading in extraction.pages]
    return fs.ExtractionPublic(
        document_id=document_id, template_id=template_id, version=number, values=values, pages=pages
    )
