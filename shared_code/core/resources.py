"""Generic use cases for records with a REST shape: list, get, create, update, delete, restore, export, bulk.

A `Resource` says what a kind of record is (its table, its API shapes, what `q` searches, what can be
sorted and filtered); the functions here apply PACT's rules to any of them:
- lists page, sort (only by declared, indexed columns) and filter; `q` searches the declared text
  columns; soft-deleted rows appear only with `deleted=true`;
- updates and deletes honour `If-Match`: the ETag is the row's version, and the UPDATE itself only
  applies to that version, so two writers holding one ETag cannot both win;
- unique keys (e.g. an account number within a tenant) answer 409, not 500;
- everything runs in the caller's unit of work, so tenant scoping and the audit trail apply.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shared_code.core.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from shared_code.core.http.params import ListQuery
from shared_code.core.search import contains_any, fetch_page, ordering

RANGE_SUFFIXES = {"_from": "__ge__", "_to": "__le__"}
BULK_LIMIT = 1000
BULK_CHUNK = 200
EXPORT_LIMIT = 500_000


@dataclass(frozen=True)
class Resource:
    name: str  # plural, as in the route and the permission: "accounts"
    entity: str  # singular, for messages: "account"
    model: type
    public: type[BaseModel]
    create: type[BaseModel] | None  # None: records made some other way (documents: by upload)
    update: type[BaseModel]
    query: type[ListQuery]
    search: tuple[str, ...]
    sorts: tuple[str, ...]
    default_sort: str
    permission: str = ""  # the catalogue resource guarding it, when not `name` (candidates: contracts)
    # Filters that are not plain equality or a date range: query field -> clause builder.
    custom_filters: Mapping[str, Callable[[Any], sa.ColumnElement[bool]]] = field(default_factory=dict)
    # Foreign keys of the create/update body that must name a record of the caller's tenant.
    references: Mapping[str, type] = field(default_factory=dict)

    @property
    def guard(self) -> str:
        return self.permission or self.name

    def column(self, name: str) -> Any:
        return getattr(self.model, name)


def etag(row: Any) -> str:
    return f'"{row.version}"'


def _version_from(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise PreconditionFailed("If-Match does not match the current version")
    return int(text)


def list_records(session: Session, resource: Resource, query: ListQuery) -> tuple[list[Any], int]:
    """One page of records matching the query, and how many match in all."""
    return fetch_page(
        session,
        resource.model,
        query,
        sortable=_sortable(resource),
        default_sort=resource.default_sort,
        conditions=_conditions(resource, query),
        match_first=bool(query.q),
    )


def _sortable(resource: Resource) -> dict[str, Any]:
    return {name: resource.column(name) for name in resource.sorts}


def iter_records(session: Session, resource: Resource, query: ListQuery) -> Iterator[Any]:
    """Every record matching the query, in order, fetched in batches (exports)."""
    order = ordering(query, _sortable(resource), resource.default_sort)
    statement = (
        sa.select(resource.model)
        .where(*_conditions(resource, query))
        .order_by(*order, resource.model.id)
        .limit(EXPORT_LIMIT)
        .execution_options(yield_per=500)
    )
    yield from session.scalars(statement)


def _conditions(resource: Resource, query: ListQuery) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    values = query.model_dump(exclude_none=True, exclude=set(ListQuery.model_fields))
    deleted = resource.model.deleted_at
    conditions.append(deleted.is_not(None) if values.pop("deleted", False) else deleted.is_(None))
    if query.q:
        conditions.append(contains_any(tuple(resource.column(c) for c in resource.search), query.q))
    for name, value in values.items():
        if name in resource.custom_filters:
            conditions.append(resource.custom_filters[name](value))
            continue
        suffix = next((s for s in RANGE_SUFFIXES if name.endswith(s)), None)
        if suffix:
            column = resource.column(name.removesuffix(suffix))
            if isinstance(value, date) and not isinstance(value, datetime) and _is_timestamp(column):
                value = datetime.combine(value, datetime.min.time() if suffix == "_from" else datetime.max.time(), UTC)
            conditions.append(getattr(column, RANGE_SUFFIXES[suffix])(value))
        else:
            conditions.append(resource.column(name) == value)
    return conditions


def _is_timestamp(column: Any) -> bool:
    return isinstance(column.type, sa.DateTime) or getattr(column.type, "impl", None).__class__ is sa.DateTime


def get_record(session: Session, resource: Resource, record_id: uuid.UUID, *, deleted: bool = False) -> Any:
    row = session.get(resource.model, record_id)
    if row is None or (row.deleted_at is not None and not deleted):
        raise NotFound(f"no such {resource.entity}")
    return row


def create_record(session: Session, resource: Resource, data: BaseModel) -> Any:
    values = data.model_dump(exclude_unset=True)
    _check_references(session, resource, values)
    row = resource.model(**values)
    session.add(row)
    _flush(session, resource)
    return row


def update_record(
    session: Session, resource: Resource, record_id: uuid.UUID, data: BaseModel, *, if_match: str | None
) -> Any:
    row = get_record(session, resource, record_id)
    require_version(row, if_match)
    values = data.model_dump(exclude_unset=True)
    _check_references(session, resource, values)
    for name, value in values.items():
        setattr(row, name, value)
    _flush(session, resource)
    return row


def delete_record(session: Session, resource: Resource, record_id: uuid.UUID, *, if_match: str | None, actor) -> Any:
    row = get_record(session, resource, record_id)
    require_version(row, if_match)
    row.mark_deleted(by=actor)
    _flush(session, resource)
    return row


def restore_record(session: Session, resource: Resource, record_id: uuid.UUID) -> Any:
    row = get_record(session, resource, record_id, deleted=True)
    if row.deleted_at is None:
        return row
    row.restore()
    _flush(session, resource)
    return row


def require_version(row: Any, if_match: str | None) -> None:
    """Refuse (412) when `If-Match` names another version of `row` than the one it has."""
    expected = _version_from(if_match)
    if expected is not None and expected != row.version:
        raise PreconditionFailed("the record has changed since it was read; fetch it again")


def _check_references(session: Session, resource: Resource, values: Mapping[str, Any]) -> None:
    for name, model in resource.references.items():
        target = values.get(name)
        if target is not None and session.get(model, target) is None:  # scoped: another tenant's is absent
            raise InvalidInput(f"{name} names no record", details=[{"field": name, "message": "not found"}])


def _flush(session: Session, resource: Resource) -> None:
    flush_record(session, resource.entity)


def flush_record(session: Session, entity: str) -> None:
    """Flush in a savepoint: a stale version is 412, a broken unique or foreign key 409 naming the constraint."""
    try:
        with session.begin_nested():
            session.flush()
    except StaleDataError:
        raise PreconditionFailed("the record has changed since it was read; fetch it again") from None
    except IntegrityError as exc:
        raise Conflict(f"this {entity} conflicts with an existing one", details=_constraint(exc)) from None


def _constraint(exc: IntegrityError) -> dict[str, str] | None:
    text = str(exc.orig)
    for prefix in ("UQ_", "FK_", "CK_"):
        if prefix in text:
            start = text.index(prefix)
            return {"constraint": text[start:].split()[0].strip("\"'`[]()\n,")}
    return None


@dataclass(frozen=True)
class BulkOutcome:
    id: str
    ok: bool
    status: int
    error: str | None = None


def bulk_apply(
    session: Session,
    resource: Resource,
    *,
    ids: list[uuid.UUID],
    action: Callable[[Session, uuid.UUID], Any],
) -> list[BulkOutcome]:
    """Apply `action` to each id, in chunks; a chunk is one transaction (savepoint) and is applied whole
    or not at all: when one item fails, the chunk's other items are reported as not applied."""
    if len(ids) > BULK_LIMIT:
        raise InvalidInput(f"at most {BULK_LIMIT} ids per request")
    outcomes: list[BulkOutcome] = []
    for start in range(0, len(ids), BULK_CHUNK):
        chunk = ids[start : start + BULK_CHUNK]
        failures: dict[uuid.UUID, tuple[int, str]] = {}
        savepoint = session.begin_nested()
        for record_id in chunk:
            try:
                with session.begin_nested():
                    action(session, record_id)
            except (NotFound, PreconditionFailed, Conflict, InvalidInput) as exc:
                from shared_code.core.http.errors import status_for

                failures[record_id] = (status_for(exc), exc.message)
        if failures:
            savepoint.rollback()
            for record_id in chunk:
                status, message = failures.get(record_id, (424, "not applied: another item of its chunk failed"))
                outcomes.append(BulkOutcome(str(record_id), False, status, message))
        else:
            savepoint.commit()
            outcomes.extend(BulkOutcome(str(record_id), True, 200) for record_id in chunk)
    return outcomes


def bulk_changes(
    session: Session, resource: Resource, action: str, ids: list[uuid.UUID], changes: dict[str, Any] | None, principal
) -> list[BulkOutcome]:
    """The bulk route's use case: the same update, delete or restore applied to many records."""
    from shared_code.core.errors import PermissionDenied
    from shared_code.core.http.request import validate

    if action in ("delete", "restore") and not principal.can(f"{resource.guard}:delete"):
        raise PermissionDenied(f"this needs the permission {resource.guard}:delete")
    if action == "update":
        if not changes:
            raise InvalidInput("an update needs `changes`")
        data = validate(resource.update, changes)
        return bulk_apply(
            session, resource, ids=ids, action=lambda s, i: update_record(s, resource, i, data, if_match=None)
        )
    if action == "delete":
        return bulk_apply(
            session,
            resource,
            ids=ids,
            action=lambda s, i: delete_record(s, resource, i, if_match=None, actor=principal.id),
        )
    return bulk_apply(session, resource, ids=ids, action=lambda s, i: restore_record(s, resource, i))
