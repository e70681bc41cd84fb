"""The audit trail: who did what to which record, written in the same transaction as the change.

Entries come in two ways and land in one table:

- **automatically**: `watch(session)` (every unit of work calls it) records each create, update,
  soft delete, restore and delete of a tenant's records as the session flushes them, as
  `<entity>.create|update|delete|restore` with the before and after of the changed fields. A use
  case cannot forget to audit, and a rolled-back change leaves no entry.
- **by name**: `record_audit` for events that are not a row change (sign-in, failed sign-in, key
  use) or that deserve a better name than a field diff (`user.roles_changed`, `api_key.revoke`).

One change gives one entry, and a record changed twice in a transaction (two flushes) one update.
A named entry about a record whose update is not flushed yet takes the field diff into its own
`changes`; one recorded after the hook wrote the update (in the same transaction) takes that entry
over: its name replaces `<entity>.update`. Either way the field diff is kept for the fields it
covers and the named entry's other details are added. Creates and deletes keep their own entries
unless the named entry has the same action (`api_key.create` after the key's flush is one entry).

Secrets never reach the trail: fields named like `password_hash`, `key_hash`, `token_hash`,
`secret_encrypted` or `code_hash` are written as "***". Bulk `UPDATE`/`DELETE` statements do not go
through the flush, so a use case that uses one records a named entry for it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column
from sqlalchemy.orm import object_mapper as _mapper
from sqlalchemy.orm.attributes import instance_state

from shared_code.core.context import current_correlation_id
from shared_code.core.models import Base, TenantOrSystem, TenantOwned, TenantRoot, UUIDPrimaryKey, check_one_of, utcnow

ACTOR_TYPES = ("user", "api_key", "system")
MASK = "***"

# Credential bookkeeping, audited by name instead (auth.login, auth.logout, auth.refresh_reuse,
# user.invite, user.mfa_enabled, user.recovery_code_used): an entry per refresh or per code
# would bury the changes people make.
NOT_AUDITED = frozenset({"AuditLog", "RefreshToken", "OneTimeToken", "RecoveryCode"})
# Columns whose change is bookkeeping, not news: keys, the tenant, who/when stamps, and usage
# stamps whose use is audited by name (a sign-in, a key's use, a TOTP step).
IGNORED_FIELDS = frozenset(
    {
        "tenant_id",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "deleted_by",
        "last_login_at",
        "last_used_at",
        "last_used_step",
    }
)
SECRET_FIELDS = frozenset(
    {"password", "password_hash", "key_hash", "token_hash", "secret", "secret_encrypted", "code_hash"}
)
_SECRET_SUFFIXES = ("_hash", "_encrypted", "_secret", "_password")
_RECORDED = "audit_recorded"  # session.info: automatic entries of this transaction, by entity


class AuditLog(UUIDPrimaryKey, TenantOwned, Base):
    """One audited action. Rows are only ever added. Platform events (no tenant) have no tenant id."""

    __tablename__ = "AuditLog"
    __table_args__ = (
        sa.Index(None, "tenantId", "occurredAt"),
        sa.Index(None, "entityType", "entityId"),
        check_one_of("actorType", ACTOR_TYPES),
        {"schema": "core"},
    )

    # Nullable, unlike other tenant-owned rows; the (tenantId, occurredAt) index serves lookups by tenant.
    tenant_id: Mapped[uuid.UUID | None] = mapped_column("tenantId", sa.ForeignKey("core.Tenant.id"), sort_order=-90)
    occurred_at: Mapped[datetime] = mapped_column(server_default=utcnow())
    actor_type: Mapped[str] = mapped_column(sa.Unicode(20))
    actor_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(sa.Unicode(100))
    entity_type: Mapped[str] = mapped_column(sa.Unicode(100))
    entity_id: Mapped[str | None] = mapped_column(sa.Unicode(100))
    changes: Mapped[dict[str, Any] | None]
    correlation_id: Mapped[str | None] = mapped_column(sa.Unicode(64))
    ip: Mapped[str | None] = mapped_column(sa.Unicode(45))  # long enough for IPv6


def record_audit(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: object | None = None,
    changes: dict[str, Any] | None = None,
    actor_type: str | None = None,
    actor_id: uuid.UUID | None = None,
    tenant_id: uuid.UUID | None = None,
    correlation_id: str | None = None,
    ip: str | None = None,
) -> AuditLog:
    """Add a named audit entry to `session` (committed, or rolled back, with the caller's change).

    Actor and tenant default to those of the unit of work that owns the session (without an
    actor the entry is the system's), the correlation id to the current operation's. Secret
    fields in `changes` are masked.
    """
    changes = mask_changes(changes) if changes is not None else None
    key = (entity_type, None if entity_id is None else str(entity_id))
    taken = _take_over(session, key, action)
    if taken is not None:
        taken.action = action
        taken.changes = {**(changes or {}), **(taken.changes or {})}
        if actor_id is not None:
            taken.actor_id, taken.actor_type = actor_id, actor_type or "user"
        taken.ip = ip or taken.ip
        return taken
    entry = _entry(
        session,
        action=action,
        entity=key,
        changes=changes,
        tenant_id=tenant_id if tenant_id is not None else session.info.get("tenant_id"),
        actor=(actor_type, actor_id),
        correlation_id=correlation_id,
        ip=ip,
    )
    session.add(entry)
    return entry


def watch(session: Session) -> None:
    """Record every flushed change of `session`'s tenant-scoped records (the unit of work calls this)."""
    event.listen(session, "before_flush", _record_changes)
    event.listen(session, "after_transaction_end", _forget_recorded)


def is_secret(field: str) -> bool:
    return field in SECRET_FIELDS or field.endswith(_SECRET_SUFFIXES)


def mask_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` with every secret field's values replaced by "***" (absent values stay None)."""
    return {name: _mask(value) if is_secret(name) else value for name, value in changes.items()}


def action_name(entity_type: str, verb: str) -> str:
    """`ApiKey`, `create` → `api_key.create`."""
    return f"{re.sub(r'(?<!^)(?=[A-Z])', '_', entity_type).lower()}.{verb}"


# -- the flush hook ---------------------------------------------------------------------------


def _record_changes(session: Session, _context: Any, _instances: Any) -> None:
    named = {
        (entry.entity_type, entry.entity_id): entry
        for entry in session.new
        if isinstance(entry, AuditLog) and entry.entity_id is not None
    }
    recorded = session.info.setdefault(_RECORDED, {})
    with session.no_autoflush:
        for obj, verb, changes in list(_flushed_changes(session)):
            entity = (type(obj).__name__, _identity(obj))
            action = action_name(entity[0], verb)
            owner = named.get(entity)
            if owner is not None and (verb == "update" or owner.action == action):
                owner.changes = {**(owner.changes or {}), **changes}
                continue
            earlier = recorded.get(entity)
            if verb == "update" and earlier is not None and earlier.action.endswith((".create", ".update")):
                earlier.changes = _merge(earlier.changes or {}, changes)  # one entry per record and transaction
                continue
            entry = _entry(session, action=action, entity=entity, changes=changes, tenant_id=_tenant_of(obj, session))
            session.add(entry)
            recorded[entity] = entry


def _flushed_changes(session: Session) -> Iterator[tuple[Any, str, dict[str, Any]]]:
    for obj in session.new:
        if _audited(obj):
            _assign_primary_key(obj)
            yield obj, "create", _snapshot(obj, before=False)
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj):
            changes = _diff(obj)
            if changes:
                yield obj, _update_verb(obj, changes), changes
    for obj in session.deleted:
        if _audited(obj):
            yield obj, "delete", _snapshot(obj, before=True)


def _forget_recorded(session: Session, transaction: SessionTransaction) -> None:
    # At the end of the transaction or of a savepoint (an entry rolled back with a savepoint must
    # not be taken over later), not of the inner transaction each flush opens.
    if transaction.parent is None or transaction.nested:
        session.info.pop(_RECORDED, None)


def _merge(earlier: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    """Two diffs of one record as one: the first before, the last after; fields back where they were drop out."""
    merged = dict(earlier)
    for key, pair in later.items():
        if key in merged:
            pair = {"before": merged[key]["before"], "after": pair["after"]}
        merged[key] = pair
        if pair["before"] == pair["after"]:
            del merged[key]
    return merged


def _take_over(session: Session, key: tuple[str, str | None], action: str) -> AuditLog | None:
    recorded = session.info.get(_RECORDED, {})
    entry = recorded.get(key)
    if entry is None or not (entry.action == action or entry.action.endswith(".update")):
        return None
    del recorded[key]
    return entry


def _audited(obj: Any) -> bool:
    return isinstance(obj, TenantOwned | TenantOrSystem | TenantRoot) and type(obj).__tablename__ not in NOT_AUDITED


def _update_verb(obj: Any, changes: dict[str, Any]) -> str:
    deleted = changes.get("deleted_at")
    if deleted is None:
        return "update"
    if deleted["before"] is None and deleted["after"] is not None:
        return "delete"  # a soft delete
    return "restore" if deleted["after"] is None else "update"


def _fields(obj: Any) -> Iterator[tuple[str, Any]]:
    """(attribute, column) of the columns worth auditing."""
    mapper = _mapper(obj)
    keys = {column.key for column in mapper.primary_key}
    for prop in mapper.column_attrs:
        if prop.key not in IGNORED_FIELDS and prop.key not in keys and prop.columns[0].key not in keys:
            yield prop.key, prop.columns[0]


def _collections(obj: Any) -> Iterator[str]:
    """Many-to-many collections (a user's roles, a role's permissions), audited as lists of names."""
    for rel in _mapper(obj).relationships:
        if rel.secondary is not None and rel.uselist:
            yield rel.key


def _snapshot(obj: Any, *, before: bool) -> dict[str, Any]:
    """A new row's values as `{field: {before: None, after: v}}`, a deleted row's the other way round."""
    state = instance_state(obj)
    values: dict[str, Any] = {}
    for key, column in _fields(obj):
        if before:
            value = getattr(obj, key)
        elif key in state.dict:
            value = state.dict[key]
        elif column.default is not None and column.default.is_scalar:
            value = column.default.arg  # applied by the INSERT, after this hook
        else:
            value = None
        if value is not None:
            values[key] = value
    for key in _collections(obj):
        if before or key in state.dict:
            values[key] = _labels(getattr(obj, key))
    return {
        key: _masked_pair(key, value, None) if before else _masked_pair(key, None, value)
        for key, value in values.items()
    }


def _diff(obj: Any) -> dict[str, Any]:
    state = instance_state(obj)
    changes: dict[str, Any] = {}
    for key, _ in _fields(obj):
        history = state.attrs[key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[key] = _masked_pair(key, old, new)
    for key in _collections(obj):
        history = state.attrs[key].history
        if history.has_changes():
            kept = list(history.unchanged)
            before, after = _labels(kept + list(history.deleted)), _labels(kept + list(history.added))
            changes[key] = {"before": before, "after": after}
    return changes


def _masked_pair(key: str, before: Any, after: Any) -> dict[str, Any]:
    pair = {"before": _jsonable(before), "after": _jsonable(after)}
    return _mask(pair) if is_secret(key) else pair


def _mask(value: Any) -> Any:
    if isinstance(value, dict) and set(value) <= {"before", "after"}:
        return {side: None if v is None else MASK for side, v in value.items()}
    return None if value is None else MASK


def _labels(objects: Iterable[Any]) -> list[str]:
    return sorted(_label(o) for o in objects)


def _label(obj: Any) -> str:
    for attribute in ("code", "name", "email"):
        value = getattr(obj, attribute, None)
        if isinstance(value, str):
            return value
    return _identity(obj)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def _assign_primary_key(obj: Any) -> None:
    """Give a new row its Python-side key now, so its entry can name it (the INSERT would anyway)."""
    mapper = _mapper(obj)
    for column in mapper.primary_key:
        prop = mapper.get_property_by_column(column)
        if getattr(obj, prop.key) is None and column.default is not None and column.default.is_callable:
            setattr(obj, prop.key, column.default.arg(None))


def _identity(obj: Any) -> str:
    mapper = _mapper(obj)
    return ",".join(str(getattr(obj, mapper.get_property_by_column(c).key)) for c in mapper.primary_key)


def _tenant_of(obj: Any, session: Session) -> uuid.UUID | None:
    if isinstance(obj, TenantRoot):
        return obj.id
    return getattr(obj, "tenant_id", None) or session.info.get("tenant_id")


def _entry(
    session: Session,
    *,
    action: str,
    entity: tuple[str, str | None],
    changes: dict[str, Any] | None,
    tenant_id: uuid.UUID | None,
    actor: tuple[str | None, uuid.UUID | None] = (None, None),
    correlation_id: str | None = None,
    ip: str | None = None,
) -> AuditLog:
    actor_type, actor_id = actor
    if actor_id is None:
        actor_id = session.info.get("actor_id")
        actor_type = actor_type or session.info.get("actor_type")
    if actor_type is None:
        actor_type = "user" if actor_id is not None else "system"
    return AuditLog(
        tenant_id=tenant_id,
        actor_type=actor_type,
        actor_id=actor_id,
        action=action,
        entity_type=entity[0],
        entity_id=entity[1],
        changes=changes,
        correlation_id=correlation_id or current_correlation_id(),
        ip=ip,
    )
