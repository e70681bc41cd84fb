"""Indexes for every list's filters and sorts: accounts by type, state, city, parent (in name order) and
update time; contracts by supplier and dates; candidates by time and by contract in time order;
distributors, account-distributor links, contract categories and requirements by their sorts;
documents by type and by every sort; bundles by status, account, contract and time.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# (schema, table, columns) of each index added; names follow the models' naming convention.
ADDED = (
    ("acs", "Account", ("tenantId", "accountType", "name")),
    ("acs", "Account", ("tenantId", "city")),
    ("acs", "Account", ("tenantId", "parentId", "name")),
    ("acs", "Account", ("tenantId", "state", "name")),
    ("acs", "Account", ("tenantId", "updatedAt")),
    ("acs", "AccountDistributor", ("tenantId", "createdAt")),
    ("acs", "AccountDistributor", ("tenantId", "territory")),
    ("acs", "Candidate", ("tenantId", "contractId", "updatedAt")),
    ("acs", "Candidate", ("tenantId", "createdAt")),
    ("acs", "Candidate", ("tenantId", "updatedAt")),
    ("acs", "Contract", ("tenantId", "endsOn")),
    ("acs", "Contract", ("tenantId", "startsOn")),
    ("acs", "Contract", ("tenantId", "supplier")),
    ("acs", "Distributor", ("tenantId", "createdAt")),
    ("acs", "Distributor", ("tenantId", "status", "name")),
    ("idm", "ContractCategory", ("tenantId", "createdAt")),
    ("idm", "ContractCategory", ("tenantId", "name")),
    ("idm", "ContractRequirement", ("tenantId", "createdAt")),
    ("idm", "ContractRequirement", ("tenantId", "documentType")),
    ("doc", "Document", ("tenantId", "documentType", "createdAt")),
    ("doc", "Document", ("tenantId", "updatedAt")),
    ("doc", "Document", ("tenantId", "title")),
    ("doc", "Document", ("tenantId", "fileName")),
    ("doc", "Document", ("tenantId", "sizeBytes")),
    ("doc", "Document", ("tenantId", "pageCount")),
    ("doc", "Bundle", ("tenantId", "status", "name")),
    ("doc", "Bundle", ("tenantId", "accountId")),
    ("doc", "Bundle", ("tenantId", "contractId")),
    ("doc", "Bundle", ("tenantId", "createdAt")),
    ("doc", "Bundle", ("tenantId", "updatedAt")),
)
# Replaced by (tenantId, parentId, name), which also serves an account's children in name order.
REPLACED = ("acs", "Account", ("tenantId", "parentId"))


def _name(table: str, columns: tuple[str, ...]) -> str:
    return op.f(f"IX_{table}_{'_'.join(columns)}")


def upgrade() -> None:
    for schema, table, columns in ADDED:  # the replacement exists before the old index goes
        op.create_index(_name(table, columns), table, list(columns), unique=False, schema=schema)
    schema, table, columns = REPLACED
    op.drop_index(_name(table, columns), table_name=table, schema=schema)


def downgrade() -> None:
    schema, table, columns = REPLACED
    op.create_index(_name(table, columns), table, list(columns), unique=False, schema=schema)
    for schema, table, columns in reversed(ADDED):
        op.drop_index(_name(table, columns), table_name=table, schema=schema)
