"""Reference data, the permission catalogue and the four system roles with their grants.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

The rows are frozen here as they were at this revision; tests keep them equal to
shared_code.core.reference and shared_code.auth.permissions, so a later change to either needs
a new migration. Ids are uuid5 of a fixed namespace and timestamps come from server defaults,
so the same SQL comes out every time (sql/pact_mssql.sql depends on it).
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("6f1d3c52-8f0e-4a51-9a57-2b0e4c8d1f10")  # = shared_code.core.models.PACT_NAMESPACE

DOCUMENT_TYPES = [
    ("participation_form", "Participation form", "Form an account signs to join a contract"),
    ("letter_of_commitment", "Letter of commitment", "Letter committing an account to a contract"),
    ("returned_scan", "Returned scan", "A scanned document as it came back, before matching"),
    ("signed_document", "Signed document", "A document signed electronically"),
    ("print_file", "Print file", "Documents of a batch assembled for printing"),
    ("other", "Other", "Anything else kept with an account"),
]

# domain → (code, name, terminal) in display order; sort order is 10, 20, 30, ...
STATUS_CODES = {
    "document": [
        ("draft", "Draft", False),
        ("uploaded", "Uploaded", False),
        ("processing", "Processing", False),
        ("review", "Needs review", False),
        ("failed", "Failed", False),
        ("completed", "Completed", False),
        ("archived", "Archived", False),
        ("deleted", "Deleted", True),
    ],
    "candidate": [
        ("eligible", "Eligible", False),
        ("invited", "Invited", False),
        ("sent", "Sent", False),
        ("returned", "Returned", False),
        ("activated", "Activated", True),
        ("declined", "Declined", True),
        ("expired", "Expired", True),
    ],
    "batch": [
        ("queued", "Queued", False),
        ("running", "Running", False),
        ("completed", "Completed", True),
        ("failed", "Failed", True),
        ("cancelled", "Cancelled", True),
    ],
    "intake": [
        ("queued", "Queued", False),
        ("processing", "Processing", False),
        ("completed", "Completed", True),
        ("quarantined", "Quarantined", False),
        ("failed", "Failed", True),
    ],
    "envelope": [
        ("created", "Created", False),
        ("in_progress", "In progress", False),
        ("completed", "Completed", True),
        ("expired", "Expired", True),
        ("declined", "Declined", True),
        ("cancelled", "Cancelled", True),
    ],
}

CRUD = ("read", "create", "update", "delete")
ACTIONS = {
    "users": CRUD,
    "roles": CRUD,
    "accounts": CRUD,
    "contracts": CRUD,
    "documents": CRUD,
    "templates": CRUD,
    "batches": (*CRUD, "release"),
    "returns": (*CRUD, "review"),
    "esign": (*CRUD, "send"),
    "workflows": (*CRUD, "run"),
    "reports": ("read", "export"),
    "audit": ("read", "export"),
    "settings": ("read", "update"),
}
DESCRIPTIONS = {
    "batches:release": "Release a generated batch for printing or sending",
    "returns:review": "Resolve returned documents that need review",
    "esign:send": "Send envelopes for electronic signature",
    "workflows:run": "Start a workflow by hand",
    "reports:export": "Export reports",
    "audit:export": "Export the audit trail",
}
BUSINESS = ("accounts", "contracts", "documents", "templates", "batches", "returns", "esign", "workflows", "reports")


def _codes(resources, actions=None):
    return [f"{r}:{a}" for r in resources for a in ACTIONS[r] if actions is None or a in actions]


ROLES = [
    ("Admin", "Everything, including users, roles and settings", _codes(ACTIONS)),
    (
        "Manager",
        "All business work; reads users, roles and the audit trail",
        _codes(BUSINESS) + _codes(("users", "roles", "audit"), ("read",)),
    ),
    (
        "User",
        "Reads all business records; creates and updates documents, returns and batches",
        _codes(BUSINESS, ("read",)) + _codes(("documents", "returns", "batches"), ("create", "update")),
    ),
    ("Viewer", "Reads business records", _codes(BUSINESS, ("read",))),
]


def _id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


_metadata = sa.MetaData()
# Real Table objects, not sa.table(): only they follow the SQLite engine's schema_translate_map.
document_type = sa.Table(
    "DocumentType",
    _metadata,
    sa.Column("code", sa.Unicode),
    sa.Column("name", sa.Unicode),
    sa.Column("description", sa.Unicode),
    schema="core",
)
status_code = sa.Table(
    "StatusCode",
    _metadata,
    sa.Column("domain", sa.Unicode),
    sa.Column("code", sa.Unicode),
    sa.Column("name", sa.Unicode),
    sa.Column("sortOrder", sa.Integer),
    sa.Column("isTerminal", sa.Boolean),
    schema="core",
)
permission = sa.Table(
    "Permission",
    _metadata,
    sa.Column("id", sa.Uuid),
    sa.Column("code", sa.Unicode),
    sa.Column("resource", sa.Unicode),
    sa.Column("action", sa.Unicode),
    sa.Column("description", sa.Unicode),
    schema="core",
)
role = sa.Table(
    "Role",
    _metadata,
    sa.Column("id", sa.Uuid),
    sa.Column("name", sa.Unicode),
    sa.Column("description", sa.Unicode),
    sa.Column("isSystem", sa.Boolean),
    schema="core",
)
role_permission = sa.Table(
    "RolePermission", _metadata, sa.Column("roleId", sa.Uuid), sa.Column("permissionId", sa.Uuid), schema="core"
)


def _insert(table: sa.Table, rows: list[dict]) -> None:
    # One multi-row INSERT per table (not op.bulk_insert, whose offline MSSQL output wraps rows in
    # SET IDENTITY_INSERT, an error on tables without an identity column).
    op.execute(table.insert().values(rows))


def upgrade() -> None:
    _insert(document_type, [{"code": c, "name": n, "description": d} for c, n, d in DOCUMENT_TYPES])
    _insert(
        status_code,
        [
            {"domain": domain, "code": code, "name": name, "sortOrder": (i + 1) * 10, "isTerminal": terminal}
            for domain, rows in STATUS_CODES.items()
            for i, (code, name, terminal) in enumerate(rows)
        ],
    )
    _insert(
        permission,
        [
            {
                "id": _id("permission", code),
                "code": code,
                "resource": code.split(":")[0],
                "action": code.split(":")[1],
                "description": DESCRIPTIONS.get(code, "{1} {0}".format(*code.split(":")).capitalize()),
            }
            for code in _codes(ACTIONS)
        ],
    )
    _insert(
        role,
        [{"id": _id("role", name), "name": name, "description": text, "isSystem": True} for name, text, _ in ROLES],
    )
    _insert(
        role_permission,
        [
            {"roleId": _id("role", name), "permissionId": _id("permission", code)}
            for name, _, codes in ROLES
            for code in codes
        ],
    )


def downgrade() -> None:
    role_ids = [_id("role", name) for name, _, _ in ROLES]
    op.execute(role_permission.delete().where(role_permission.c.roleId.in_(role_ids)))
    op.execute(role.delete().where(role.c.id.in_(role_ids)))
    op.execute(permission.delete().where(permission.c.code.in_(_codes(ACTIONS))))
    op.execute(status_code.delete().where(status_code.c.domain.in_(list(STATUS_CODES))))
    op.execute(document_type.delete().where(document_type.c.code.in_([c for c, _, _ in DOCUMENT_TYPES])))
