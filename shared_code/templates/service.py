"""Reading templates: one template with its latest version (pages, fields, how indexing went), its
versions, and a version's file. Retired templates are readable here (generations pin their versions);
the lists leave them out unless asked (`deleted=true`)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.core import names
from shared_code.core.errors import NotFound, PayloadTooLarge
from shared_code.core.files import MiB
from shared_code.core.resources import get_record
from shared_code.templates import schemas as s
from shared_code.templates.models import Template, TemplateField, TemplatePage, TemplateVersion
from shared_code.templates.resources import TEMPLATES

THUMBNAIL_TTL = timedelta(minutes=15)
# A response body leaves a function whole, from memory.
CONTENT_MAX_BYTES = 32 * MiB


def find_template(session: Session, template_id: uuid.UUID) -> Template:
    """The template, live or retired (404 for none of the caller's tenant)."""
    return get_record(session, TEMPLATES, template_id, deleted=True)


def find_version(session: Session, template_id: uuid.UUID, number: int | None = None) -> TemplateVersion:
    """Version `number` of the template (its latest when None), whether the template is live or retired."""
    template = find_template(session, template_id)
    version = session.scalar(
        sa.select(TemplateVersion).where(
            TemplateVersion.template_id == template.id,
            TemplateVersion.number == (template.latest_version if number is None else number),
        )
    )
    if version is None:
        raise NotFound("no such template version")
    return version


def template_detail(app, session: Session, template_id: uuid.UUID) -> s.TemplateDetail:
    """The template and its latest version: status (and error), file, pages with thumbnail links, fields."""
    template = find_template(session, template_id)
    version = find_version(session, template_id)
    pages = session.scalars(
        sa.select(TemplatePage).where(TemplatePage.version_id == version.id).order_by(TemplatePage.number)
    )
    return s.TemplateDetail(
        **s.TemplatePublic.model_validate(template).model_dump(),
        error=version.error,
        page_count=version.page_count,
        file_name=version.file_name,
        size_bytes=version.size_bytes,
        sha256=version.sha256,
        indexed_at=version.indexed_at,
        pages=[_page(app, page) for page in pages],
        fields=[s.FieldPublic.model_validate(field) for field in version_fields(session, version.id)],
    )


def _page(app, page: TemplatePage) -> s.PagePublic:
    url = None
    if page.thumbnail_blob:
        url, _ = app.blobs.read_url(names.THUMBNAILS, page.thumbnail_blob, ttl=THUMBNAIL_TTL)
    return s.PagePublic(
        number=page.number, width=page.width, height=page.height, text_source=page.text_source, thumbnail_url=url
    )


def version_fields(session: Session, version_id: uuid.UUID) -> list[TemplateField]:
    return list(
        session.scalars(
            sa.select(TemplateField)
            .where(TemplateField.version_id == version_id)
            .order_by(TemplateField.page, TemplateField.y1.desc(), TemplateField.x0, TemplateField.name)
        )
    )


def template_versions(session: Session, template_id: uuid.UUID) -> s.VersionList:
    """Every version of the template, newest first."""
    template = find_template(session, template_id)
    versions = session.scalars(
        sa.select(TemplateVersion)
        .where(TemplateVersion.template_id == template.id)
        .order_by(TemplateVersion.number.desc())
    )
    return s.VersionList(template_id=template.id, versions=[s.VersionPublic.model_validate(v) for v in versions])


def version_content(app, session: Session, template_id: uuid.UUID, number: int) -> tuple[TemplateVersion, bytes]:
    """A version and its file's bytes."""
    version = find_version(session, template_id, number)
    if version.size_bytes > CONTENT_MAX_BYTES:
        raise PayloadTooLarge(
            f"the file is larger than {CONTENT_MAX_BYTES // MiB} MiB", details={"max_bytes": CONTENT_MAX_BYTES}
        )
    return version, app.blobs.read_bytes(names.TEMPLATES, version.blob_name)
