"""Fixtures of the identity tests: the started app over a migrated SQLite database, real Redis and
Azurite (tests/support), a seeded tenant with one user per system role, and its administrator signed
in. A module that needs something else under one of these names defines its own."""

from __future__ import annotations

import pytest

from tests.support.api import InProcessApi, SeededTenant, admin_app, caller, seed_tenant  # noqa: F401
from tests.support.database import migrated_sqlite_template, migrated_sqlite_url  # noqa: F401


@pytest.fixture
def tenant(admin_app) -> SeededTenant:  # noqa: F811 - admin_app is the fixture imported above
    return seed_tenant(admin_app)


@pytest.fixture
def admin(admin_app, tenant) -> InProcessApi:  # noqa: F811
    return caller(admin_app, tenant.admin)
