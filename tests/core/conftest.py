"""Database fixtures (tests/support/database.py), imported to register them for this package."""

from tests.support.database import (  # noqa: F401
    migrated_sqlite_template,
    migrated_sqlite_url,
    migrated_url,
    pg_empty_url,
    pg_migrated_url,
    session_factory,
)
