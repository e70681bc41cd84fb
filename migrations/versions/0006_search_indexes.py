"""PostgreSQL: trigram indexes for the `q` search of the large lists (accounts, contracts, documents).

A list's `q` matches `lower(column) LIKE '%term%'` on several columns; a B-tree cannot serve a
pattern that starts with `%`, so on 100,000 accounts each search scanned the table (about 110 ms).
A GIN index of `lower(column)` with pg_trgm's operator class serves exactly that expression (terms
of three characters or more). PostgreSQL only: SQLite scans (it is the small, embedded choice) and
MSSQL has no trigram indexes (full-text search is the DBA's option there; see docs/DATABASE.md).
The indexes are named `TX_...`: they are not in the models, and comparisons skip them
(`shared_code.core.migrate.include_object`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

DIALECTS = ("postgresql",)  # elsewhere this revision changes nothing (tests/migrations knows)

# (schema, table, column) of each searched column worth an index: the lists that grow large.
SEARCHED = (
    ("acs", "Account", "name"),
    ("acs", "Account", "number"),
    ("acs", "Account", "city"),
    ("acs", "Account", "gln"),
    ("acs", "Account", "hin"),
    ("acs", "Account", "dea"),
    ("acs", "Contract", "name"),
    ("acs", "Contract", "number"),
    ("acs", "Contract", "supplier"),
    ("doc", "Document", "title"),
    ("doc", "Document", "fileName"),
)


def _name(table: str, column: str) -> str:
    return f"TX_{table}_{column}"


def upgrade() -> None:
    if op.get_context().dialect.name not in DIALECTS:
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it. On Azure
    # Database for PostgreSQL it must first be allowed (server parameter azure.extensions).
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for schema, table, column in SEARCHED:
        op.execute(
            f'CREATE INDEX "{_name(table, column)}" ON {schema}."{table}" '
            f'USING gin (lower("{column}") gin_trgm_ops)'
        )


def downgrade() -> None:
    if op.get_context().dialect.name not in DIALECTS:
        return
    for schema, table, column in reversed(SEARCHED):
        op.execute(f'DROP INDEX {schema}."{_name(table, column)}"')
    # The extension stays: other objects of the database may use it, and it holds no data.
