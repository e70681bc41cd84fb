"""Fixtures of the documents tests: the app over a migrated SQLite database, real Redis and Azurite."""

from __future__ import annotations

import pytest

from tests.documents.client import Documents
from tests.support import api, database
from tests.support.api import caller, seed_tenant

admin_app = api.admin_app  # a fixture
migrated_sqlite_template = database.migrated_sqlite_template  # a fixture
migrated_sqlite_url = database.migrated_sqlite_url  # a fixture


@pytest.fixture
def tenant(admin_app):
    return seed_tenant(admin_app)


@pytest.fixture
def docs(admin_app, tenant) -> Documents:
    """A User of the tenant: the least role that creates and updates documents."""
    return Documents(caller(admin_app, tenant.users["User"]))


@pytest.fixture
def manager(admin_app, tenant):
    return caller(admin_app, tenant.users["Manager"])
