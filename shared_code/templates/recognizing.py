"""Recognition for a tenant: which of its templates each page of a file is.

The Recognizer (recognition.py) is built from the fingerprints of every indexed version of the
tenant's live templates, and kept per tenant in this process: rebuilding reads every page's
fingerprint, while telling whether anything changed costs one small query (how many versions are
indexed, when the last one was, when a template last changed: a retirement or restore shows there).
The file is read outside any transaction: recognising a scan takes seconds.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.core.errors import UnsupportedMediaType
from shared_code.templates import schemas as s
from shared_code.templates.models import Template, TemplatePage, TemplateVersion

MAX_TENANTS = 32  # recognizers kept in this process; the least recently used goes first
# What a file must start with: a PDF, PNG, JPEG or TIFF (either byte order), whatever its declared type.
_MAGIC = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


class RecognizerCache:
    """Recognizers by tenant, each with the state of the templates it was built from."""

    def __init__(self, max_tenants: int = MAX_TENANTS) -> None:
        self._entries: OrderedDict[uuid.UUID, tuple[tuple[Any, ...], Any]] = OrderedDict()
        self._max = max_tenants
        self._lock = threading.Lock()
        self.builds = 0  # how many times a recognizer was built (it shows the cache at work)

    def recognizer(self, session: Session, tenant_id: uuid.UUID):
        """The tenant's recognizer, rebuilt when its templates changed since it was built."""
        key = _templates_state(session)
        with self._lock:
            entry = self._entries.get(tenant_id)
            if entry is not None and entry[0] == key:
                self._entries.move_to_end(tenant_id)
                return entry[1]
        recognizer = _build(session)  # outside the lock: other tenants need not wait
        with self._lock:
            self.builds += 1
            self._entries[tenant_id] = (key, recognizer)
            self._entries.move_to_end(tenant_id)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return recognizer


RECOGNIZERS = RecognizerCache()


def recognize_file(app, *, tenant_id: uuid.UUID, data: bytes, cache: RecognizerCache = RECOGNIZERS) -> s.Recognition:
    """For each page of `data` (a PDF, PNG, JPEG or TIFF), the tenant's template page it most likely is.

    Raises `UnsupportedMediaType` for any other kind of file, `Unprocessable` for one that cannot be read."""
    if not data.startswith(_MAGIC):
        raise UnsupportedMediaType("the file is not a PDF, PNG, JPEG or TIFF")
    recognizer = tenant_recognizer(app, tenant_id, cache=cache)
    pages = recognizer.recognize_file(data)
    return s.Recognition(pages=[_public(page) for page in pages], template_pages=len(recognizer))


def tenant_recognizer(app, tenant_id: uuid.UUID, *, cache: RecognizerCache = RECOGNIZERS):
    """The Recognizer of the tenant's templates as they are now (intake uses it page by page)."""
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        return cache.recognizer(uow.session, tenant_id)


def _public(page) -> s.RecognizedPage:
    ref, runner_up = page.ref, page.runner_up
    return s.RecognizedPage(
        index=page.index,
        template_id=ref.template_id if ref else None,
        template_version=ref.version if ref else None,
        template_page=ref.page if ref else None,
        rotation=page.rotation,
        confidence=page.confidence,
        runner_up=s.RunnerUpPublic(template_id=runner_up.template_id, confidence=runner_up.confidence)
        if runner_up
        else None,
    )


def _live_indexed():
    return sa.and_(TemplateVersion.status == "indexed", Template.deleted_at.is_(None))


def _templates_state(session: Session) -> tuple[Any, ...]:
    versions = (
        sa.select(sa.func.count(TemplateVersion.id), sa.func.max(TemplateVersion.indexed_at))
        .join(Template, Template.id == TemplateVersion.template_id)
        .where(_live_indexed())
    )
    count, last_indexed = session.execute(versions).one()
    last_changed = session.scalar(sa.select(sa.func.max(Template.updated_at)))
    return count, last_indexed, last_changed


def _build(session: Session):
    from shared_code.templates.recognition import Recognizer, TemplatePageRef

    rows = session.execute(
        sa.select(Template.id, TemplateVersion.number, TemplatePage.number, TemplatePage.fingerprint)
        .join(TemplateVersion, TemplateVersion.template_id == Template.id)
        .join(TemplatePage, TemplatePage.version_id == TemplateVersion.id)
        .where(_live_indexed())
        # Newest versions first: where two versions' pages look alike, the newer is the likelier answer.
        .order_by(Template.id, TemplateVersion.number.desc(), TemplatePage.number)
    )
    return Recognizer(
        (TemplatePageRef(str(template), version, page), fingerprint) for template, version, page, fingerprint in rows
    )
