"""A template version's fields, managed by hand: list, add, change (If-Match honoured), remove.

Fields belong to an indexed version (its pages are known, so a field's page and rectangle can be
checked against them); the latest version unless another is named. Names are unique within a version
(409). A retired template's fields can be read, not changed. Every change is in the audit trail.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.core.errors import Conflict, InvalidInput, NotFound
from shared_code.core.resources import flush_record, get_record, require_version
from shared_code.templates import schemas as s
from shared_code.templates.models import TemplateField, TemplatePage, TemplateVersion
from shared_code.templates.resources import TEMPLATES
from shared_code.templates.service import find_version, version_fields


def list_fields(session: Session, template_id: uuid.UUID, number: int | None) -> s.FieldList:
    version = find_version(session, template_id, number)
    fields = [s.FieldPublic.model_validate(field) for field in version_fields(session, version.id)]
    return s.FieldList(template_id=template_id, version=version.number, fields=fields)


def create_field(session: Session, template_id: uuid.UUID, number: int | None, data: s.FieldCreate) -> TemplateField:
    get_record(session, TEMPLATES, template_id)  # live: a retired template is not edited
    version = find_version(session, template_id, number)
    _require_indexed(version)
    field = TemplateField(version_id=version.id, source="manual", **data.model_dump())
    _check_placement(session, version, field)
    session.add(field)
    flush_record(session, "field")
    return field


def update_field(
    session: Session, template_id: uuid.UUID, field_id: uuid.UUID, data: s.FieldUpdate, *, if_match: str | None
) -> TemplateField:
    field, version = _field_of(session, template_id, field_id)
    require_version(field, if_match)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(field, name, value)
    try:
        s.check_rectangle(field.x0, field.y0, field.x1, field.y1)
    except ValueError as exc:
        raise InvalidInput(str(exc), details=[{"field": "x0", "message": str(exc)}]) from None
    _check_placement(session, version, field)
    flush_record(session, "field")
    return field


def delete_field(session: Session, template_id: uuid.UUID, field_id: uuid.UUID, *, if_match: str | None) -> None:
    field, _ = _field_of(session, template_id, field_id)
    require_version(field, if_match)
    session.delete(field)
    flush_record(session, "field")


def _field_of(session: Session, template_id: uuid.UUID, field_id: uuid.UUID) -> tuple[TemplateField, TemplateVersion]:
    get_record(session, TEMPLATES, template_id)
    field = session.get(TemplateField, field_id)
    version = None if field is None else session.get(TemplateVersion, field.version_id)
    if version is None or version.template_id != template_id:
        raise NotFound("no such field")
    return field, version


def _require_indexed(version: TemplateVersion) -> None:
    if version.status != "indexed":
        raise Conflict(
            f"version {version.number} is {version.status}: fields are added once it is indexed",
            details={"status": version.status},
        )


def _check_placement(session: Session, version: TemplateVersion, field: TemplateField) -> None:
    """The field's page exists in the version, and its rectangle lies on that page."""
    page = session.scalar(
        sa.select(TemplatePage).where(TemplatePage.version_id == version.id, TemplatePage.number == field.page)
    )
    if page is None:
        raise InvalidInput(
            f"the version has {version.page_count} page(s)", details=[{"field": "page", "message": "no such page"}]
        )
    if field.x1 > page.width + 0.5 or field.y1 > page.height + 0.5:  # half a point for rounding
        raise InvalidInput(
            f"the rectangle reaches beyond page {page.number} ({page.width} x {page.height} points)",
            details=[{"field": "x1" if field.x1 > page.width + 0.5 else "y1", "message": "outside the page"}],
        )
