"""The template tables on each dialect: a name is unique among a tenant's live templates only (a filtered
index, written per dialect), versions are numbered once per template, and a field is a rectangle."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shared_code.auth.models import Tenant
from shared_code.templates.models import Template, TemplateField, TemplateVersion
from tests.support.database import (  # noqa: F401 - fixtures
    migrated_sqlite_template,
    migrated_sqlite_url,
    migrated_url,
    pg_migrated_url,
    session_factory,
    unique,
)


@pytest.fixture
def tenant_id(session_factory) -> uuid.UUID:  # noqa: F811
    with session_factory() as session:
        tenant = Tenant(slug=unique("t"), name="T")
        session.add(tenant)
        session.commit()
        return tenant.id


def _template(session, tenant_id, name: str, **values) -> Template:
    template = Template(tenant_id=tenant_id, name=name, **values)
    session.add(template)
    session.flush()
    return template


def test_a_name_is_unique_among_live_templates_only(session_factory, tenant_id):  # noqa: F811
    with session_factory() as session:
        first = _template(session, tenant_id, "Participation")
        with pytest.raises(IntegrityError), session.begin_nested():
            _template(session, tenant_id, "Participation")
        first.deleted_at = datetime.now(UTC)
        session.flush()
        _template(session, tenant_id, "Participation")  # the retired one's name is free
        _template(session, tenant_id, "participation")  # names differ by case
        other_tenant = Tenant(slug=unique("o"), name="O")  # another tenant has a namespace of its own
        session.add(other_tenant)
        session.flush()
        _template(session, other_tenant.id, "Participation")
        with pytest.raises(IntegrityError), session.begin_nested():
            first.deleted_at = None  # restoring it would make two live ones
            session.flush()
        session.rollback()


def test_versions_are_numbered_once_and_fields_are_rectangles(session_factory, tenant_id):  # noqa: F811
    with session_factory() as session:
        template = _template(session, tenant_id, unique("Form"))

        def version(number: int) -> TemplateVersion:
            row = TemplateVersion(
                tenant_id=tenant_id,
                template_id=template.id,
                number=number,
                blob_name=unique("blob"),
                file_name="f.pdf",
                size_bytes=1,
                sha256="0" * 64,
            )
            session.add(row)
            session.flush()
            return row

        first = version(1)
        with pytest.raises(IntegrityError), session.begin_nested():
            version(1)
        for box in ((10, 10, 5, 20), (10, 10, 20, 10)):
            with pytest.raises(IntegrityError), session.begin_nested():
                session.add(
                    TemplateField(
                        tenant_id=tenant_id,
                        version_id=first.id,
                        name=unique("f"),
                        type="text",
                        page=1,
                        x0=box[0],
                        y0=box[1],
                        x1=box[2],
                        y1=box[3],
                    )
                )
                session.flush()
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(
                TemplateField(
                    tenant_id=tenant_id, version_id=first.id, name="f", type="radio", page=1, x0=1, y0=1, x1=2, y1=2
                )
            )
            session.flush()
        assert session.scalar(sa.select(sa.func.count(TemplateField.id))) == 0
        session.rollback()
