"""Fixtures of the templates tests: the app over a migrated SQLite database, real Redis and Azurite, a
tenant with one user per role, and callers: a Manager (who manages templates) and a User (who reads)."""

from __future__ import annotations

import pytest

from tests.support import api, database
from tests.support.api import caller, seed_tenant
from tests.templates.client import Templates

admin_app = api.admin_app  # a fixture
migrated_sqlite_template = database.migrated_sqlite_template  # a fixture
migrated_sqlite_url = database.migrated_sqlite_url  # a fixture


@pytest.fixture
def tenant(admin_app):
    return seed_tenant(admin_app)


@pytest.fixture
def manager(admin_app, tenant) -> Templates:
    return Templates(caller(admin_app, tenant.users["Manager"]))


@pytest.fixture
def reader(admin_app, tenant) -> Templates:
    """A User: reads templates and asks for recognition, changes none."""
    return Templates(caller(admin_app, tenant.users["User"]))
