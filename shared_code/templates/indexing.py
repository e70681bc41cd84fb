"""Indexing: what the blob trigger on `templates` does with each file that lands there.

A version's file (`<tenant>/<template>/v<n>.pdf`, named by PACT) is indexed:
1. find: the version its name records (none: ignored, visibly);
2. analyse (outside any transaction: OCR takes seconds, and a unit of work on SQLite holds the write
   lock): pages with size, text, fingerprint and thumbnail, and the AcroForm fields. A file that
   cannot be read (damaged, encrypted, not a PDF) fails the version with the reason;
3. store: page thumbnails to `thumbnails` (by name, so writing them again is harmless; deleted again
   if the transaction does not commit);
4. record, in one transaction: page rows, AcroForm fields, the version `indexed`.
Any other PDF under `<tenant>/` was dropped there by hand: it becomes the next version of the live
template named like the file (or a new template), and is copied to its version's name, whose own
arrival indexes it. A blob seen again changes nothing: an indexed version is left alone, a dropped
file a template already has (same SHA-256) adds no version. A name that does not start with a known
tenant's id is ignored: logged and written to the audit trail, never retried.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.auth.models import Tenant
from shared_code.core import names
from shared_code.core.audit import record_audit
from shared_code.core.errors import Unprocessable
from shared_code.core.files import clean_file_name, delete_blobs_quietly, when_settled
from shared_code.templates.blobs import TemplateBlob, parse_blob_name, thumbnail_blob_name
from shared_code.templates.models import Template, TemplateField, TemplatePage, TemplateVersion
from shared_code.templates.uploads import add_version_row, mark_failed, next_version

log = logging.getLogger("pact.templates.indexing")

CHANGED_AFTER_UPLOAD = "the file was replaced after it was uploaded (its SHA-256 differs); upload it as a new version"
UNEXPECTED = "the file could not be indexed (an unexpected error; the logs have the details)"
# AcroForm widget types → field types; push buttons hold no data and are left out.
_ACRO_TYPES = {"text": "text", "choice": "text", "checkbox": "checkbox", "radio": "checkbox", "signature": "signature"}


@dataclass(frozen=True)
class IndexOutcome:
    """What became of one blob: `indexed`, `failed`, `registered` (a dropped file, now a version),
    `unchanged` (seen before) or `ignored`; with the version concerned and the reason."""

    action: str
    blob_name: str
    version_id: uuid.UUID | None = None
    reason: str | None = None


def index_template_blob(app, blob_name: str, data: bytes) -> IndexOutcome:
    """Index (or register) the blob `blob_name` of the `templates` container, whose content is `data`."""
    blob = parse_blob_name(blob_name)
    if blob.tenant_id is None or not _tenant_exists(app, blob.tenant_id):
        return _ignore(app, blob, None, "the name does not start with the id of a tenant")
    if blob.is_version_file:
        outcome = _index_version(app, blob, data)
    elif not blob.name.lower().endswith(".pdf"):
        outcome = _ignore(app, blob, blob.tenant_id, "only .pdf files become templates")
    else:
        outcome = _register_dropped(app, blob, data)
    log.info("template blob %s: %s%s", blob_name, outcome.action, f" ({outcome.reason})" if outcome.reason else "")
    return outcome


# -- a version's file -----------------------------------------------------------------------------


def _index_version(app, blob: TemplateBlob, data: bytes) -> IndexOutcome:
    from shared_code.templates.analysis import analyse_template

    digest = hashlib.sha256(data).hexdigest()
    with app.unit_of_work(tenant_id=blob.tenant_id) as uow:
        version = _version_named(uow.session, blob.name)
        if version is None:
            return _ignored_in(uow, blob, "no template version has this name")
        if version.sha256 == digest and version.status != "pending":
            return IndexOutcome("unchanged", blob.name, version.id)
        version_id, template_id, number = version.id, version.template_id, version.number
    if version.sha256 != digest:
        return _fail(app, blob, version_id, CHANGED_AFTER_UPLOAD)
    try:
        analysis = analyse_template(data)
    except Unprocessable as exc:
        return _fail(app, blob, version_id, exc.message)
    except Exception:  # analysis is deterministic: trying again would fail again, so say so on the version
        log.exception("indexing %s failed unexpectedly", blob.name)
        return _fail(app, blob, version_id, UNEXPECTED)
    with app.unit_of_work(tenant_id=blob.tenant_id) as uow:
        session = uow.session
        version = _version_named(session, blob.name, lock=True)
        if version is None or version.status != "pending" or version.sha256 != digest:
            return IndexOutcome("unchanged", blob.name, version_id)  # indexed meanwhile (the blob seen twice)
        thumbnails = _store_thumbnails(app, session, blob.tenant_id, template_id, number, analysis.pages)
        _record_pages(session, version, analysis.pages, thumbnails)
        fields = _record_fields(session, version, analysis.fields)
        version.status, version.error = "indexed", None
        version.page_count, version.indexed_at = analysis.page_count, datetime.now(UTC)
        template = session.get(Template, template_id)
        if template.latest_version == number:
            template.status = "indexed"
        record_audit(
            session,
            action="template_version.indexed",
            entity_type="TemplateVersion",
            entity_id=version_id,
            changes={"pages": analysis.page_count, "fields": fields},
        )
        uow.commit()
    return IndexOutcome("indexed", blob.name, version_id)


def _version_named(session: Session, blob_name: str, *, lock: bool = False) -> TemplateVersion | None:
    statement = sa.select(TemplateVersion).where(TemplateVersion.blob_name == blob_name)
    return session.scalar(statement.with_for_update() if lock else statement)


def _fail(app, blob: TemplateBlob, version_id: uuid.UUID, reason: str) -> IndexOutcome:
    with app.unit_of_work(tenant_id=blob.tenant_id) as uow:
        mark_failed(uow.session, version_id, reason)
        uow.commit()
    return IndexOutcome("failed", blob.name, version_id, reason)


def _store_thumbnails(app, session: Session, tenant_id, template_id, number: int, pages) -> dict[int, str]:
    written = {page.number: thumbnail_blob_name(tenant_id, template_id, number, page.number) for page in pages}
    when_settled(
        session,
        committed=None,
        abandoned=lambda: delete_blobs_quietly(app.blobs, [(names.THUMBNAILS, n) for n in written.values()]),
    )
    for page in pages:
        app.blobs.upload_bytes(names.THUMBNAILS, written[page.number], page.thumbnail_png, content_type="image/png")
    return written


def _record_pages(session: Session, version: TemplateVersion, pages, thumbnails: dict[int, str]) -> None:
    # Facts of the file, not edits: one INSERT, outside the per-row audit trail (fingerprints and page
    # text would swamp it); the version's `template_version.indexed` entry records the count.
    session.execute(
        sa.insert(TemplatePage),
        [
            {
                "id": uuid.uuid4(),
                "tenant_id": version.tenant_id,
                "version_id": version.id,
                "number": page.number,
                "width": page.width,
                "height": page.height,
                "text": page.text,
                "text_source": page.text_source,
                "fingerprint": page.fingerprint,
                "thumbnail_blob": thumbnails.get(page.number),
            }
            for page in pages
        ],
    )


def _record_fields(session: Session, version: TemplateVersion, acro_fields) -> int:
    """The AcroForm's widgets as fields (source `acroform`); a name met again (a radio group's buttons,
    one field shown on two pages) is numbered: `choice`, `choice#2`, ..."""
    rows, used = [], set()
    for field in acro_fields:
        kind = _ACRO_TYPES.get(field.type)
        x0, y0, x1, y1 = field.rect
        if kind is None or not (x0 < x1 and y0 < y1):
            continue  # a push button, or a widget without an area
        name = _unused(field.name[:190], used)
        rows.append({
            "id": uuid.uuid4(), "tenant_id": version.tenant_id, "version_id": version.id, "name": name,
            "type": kind, "page": field.page, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "required": False,
            "source": "acroform", "confidence": 1.0,
        })  # fmt: skip
    if rows:
        session.execute(sa.insert(TemplateField), rows)
    return len(rows)


def _unused(name: str, used: set[str]) -> str:
    candidate, count = name, 1
    while candidate in used:
        count += 1
        candidate = f"{name}#{count}"
    used.add(candidate)
    return candidate


# -- a file dropped by hand -----------------------------------------------------------------------


def _register_dropped(app, blob: TemplateBlob, data: bytes) -> IndexOutcome:
    digest, name = hashlib.sha256(data).hexdigest(), _template_name(blob)
    with app.unit_of_work(tenant_id=blob.tenant_id) as uow:
        session = uow.session
        template = session.scalar(sa.select(Template).where(Template.name == name, Template.deleted_at.is_(None)))
        known = template and session.scalar(
            sa.select(TemplateVersion).where(TemplateVersion.template_id == template.id,
                                             TemplateVersion.sha256 == digest))  # fmt: skip
        if known:
            target, outcome = known.blob_name, IndexOutcome("unchanged", blob.name, known.id)
        else:
            template = next_version(template) if template else _new_template(session, name)
            version = add_version_row(session, template, size_bytes=len(data), sha256=digest, file_name=blob.name)
            record_audit(session, action="template_version.dropped", entity_type="TemplateVersion",
                         entity_id=version.id, changes={"blob": blob.name, "template": name})  # fmt: skip
            uow.commit()
            target, outcome = version.blob_name, IndexOutcome("registered", blob.name, version.id)
    # After the commit, so the copy's own trigger finds its version; again when seen again, in case
    # the copy was lost (a crash between the commit and here).
    if outcome.action == "registered" or not app.blobs.exists(names.TEMPLATES, target):
        app.blobs.upload_bytes(names.TEMPLATES, target, data, content_type="application/pdf")
    return outcome


def _new_template(session: Session, name: str) -> Template:
    template = Template(name=name, latest_version=1, status="pending")
    session.add(template)
    session.flush()  # two drops of one name at once: the second breaks the live-name index, and is retried
    return template


def _template_name(blob: TemplateBlob) -> str:
    stem = clean_file_name(blob.stem, fallback="template").strip()
    return stem[:200].strip() or "template"


# -- names that say nothing PACT knows --------------------------------------------------------------


def _tenant_exists(app, tenant_id: uuid.UUID) -> bool:
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        return uow.session.get(Tenant, tenant_id) is not None


def _ignore(app, blob: TemplateBlob, tenant_id: uuid.UUID | None, reason: str) -> IndexOutcome:
    with app.unit_of_work(tenant_id=tenant_id) as uow:
        return _ignored_in(uow, blob, reason)


def _ignored_in(uow, blob: TemplateBlob, reason: str) -> IndexOutcome:
    """Say in the log and in the audit trail (the tenant's, or the platform's) that the blob is left alone."""
    log.warning("template blob %s ignored: %s", blob.name, reason)
    record_audit(
        uow.session,
        action="template.blob_ignored",
        entity_type="TemplateBlob",
        changes={"blob": blob.name[:500], "reason": reason},
    )
    uow.commit()
    return IndexOutcome("ignored", blob.name, reason=reason)
