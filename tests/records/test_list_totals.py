"""List totals: remembered in Redis while their tables are unchanged, exact after every write through
a unit of work, per tenant, and never a failure when the cache is down (shared_code/core/counts.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event

from shared_code.accounts.models import Account
from shared_code.accounts.resources import ACCOUNTS
from shared_code.core.cache import RedisStore
from shared_code.core.counts import ListCounts
from shared_code.core.http.params import ListQuery
from shared_code.core.resources import list_records
from shared_code.core.uow import UnitOfWork
from tests.records import factories as make
from tests.support import api, database
from tests.support.api import seed_tenant

admin_app = api.admin_app  # a fixture
migrated_sqlite_template = database.migrated_sqlite_template  # a fixture
migrated_sqlite_url = database.migrated_sqlite_url  # a fixture

FIRST_PAGE = ACCOUNTS.query.model_validate({"page_size": 2})


@contextmanager
def counted(engine: sa.Engine) -> Iterator[list[str]]:
    """The count statements sent to the database inside the block."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT COUNT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _total(app, tenant, query: ListQuery = FIRST_PAGE, *, uow_factory=None) -> int:
    with (uow_factory or app.unit_of_work)(tenant_id=tenant.id, actor_id=tenant.admin.id) as uow:
        _, total = list_records(uow.session, ACCOUNTS, query)
        return total


def _accounts(app, tenant, n: int) -> None:
    with make.tenant_session(app, tenant) as session:
        for i in range(n):
            make.account(session, f"Clinic {i:03}")


def test_a_total_is_counted_once_then_remembered(admin_app) -> None:
    tenant = seed_tenant(admin_app)
    _accounts(admin_app, tenant, 5)
    with counted(admin_app.engine) as counts:
        assert _total(admin_app, tenant) == 5
        assert _total(admin_app, tenant) == 5
        assert _total(admin_app, tenant) == 5
    assert len(counts) == 1
    # Another filter is another statement: counted on its own.
    with counted(admin_app.engine) as counts:
        assert _total(admin_app, tenant, ACCOUNTS.query.model_validate({"page_size": 2, "q": "clinic 00"})) == 5
    assert len(counts) == 1


def test_every_write_through_a_unit_of_work_recounts(admin_app) -> None:
    tenant = seed_tenant(admin_app)
    _accounts(admin_app, tenant, 3)
    assert _total(admin_app, tenant) == 3
    _accounts(admin_app, tenant, 2)  # insert
    assert _total(admin_app, tenant) == 5
    with make.tenant_session(admin_app, tenant) as session:  # soft delete, an update of a column
        session.scalars(sa.select(Account).limit(1)).one().deleted_at = datetime.now(UTC)
    assert _total(admin_app, tenant) == 4
    with make.tenant_session(admin_app, tenant) as session:  # a bulk statement, not an object
        session.execute(sa.update(Account).values(deleted_at=datetime.now(UTC)))
    assert _total(admin_app, tenant) == 0


def test_a_rolled_back_write_changes_nothing_and_a_short_page_needs_no_count(admin_app) -> None:
    tenant = seed_tenant(admin_app)
    _accounts(admin_app, tenant, 3)
    assert _total(admin_app, tenant) == 3
    with admin_app.unit_of_work(tenant_id=tenant.id, actor_id=tenant.admin.id) as uow:
        make.account(uow.session, "Never committed")
    with counted(admin_app.engine) as counts:
        assert _total(admin_app, tenant) == 3
        assert _total(admin_app, tenant, ACCOUNTS.query.model_validate({"page_size": 50})) == 3
    assert counts == []


def test_tenants_keep_their_own_totals_and_a_system_write_reaches_them(admin_app) -> None:
    one, two = seed_tenant(admin_app), seed_tenant(admin_app)
    _accounts(admin_app, one, 3)
    _accounts(admin_app, two, 4)
    assert (_total(admin_app, one), _total(admin_app, two)) == (3, 4)
    with admin_app.unit_of_work() as uow:  # no tenant: a system job
        uow.session.add(Account(tenant_id=two.id, name="Added by a job", number="JOB-1"))
        uow.commit()
    assert (_total(admin_app, one), _total(admin_app, two)) == (3, 5)


def test_a_write_around_the_unit_of_work_shows_when_the_total_expires(admin_app) -> None:
    tenant = seed_tenant(admin_app)
    _accounts(admin_app, tenant, 3)
    short = ListCounts(admin_app.cache, ttl_seconds=1)

    def uow(**kwargs) -> UnitOfWork:
        return UnitOfWork(admin_app.session_factory, counts=short, **kwargs)

    assert _total(admin_app, tenant, uow_factory=uow) == 3
    table = Account.__table__
    with admin_app.engine.begin() as conn:  # as a bulk load or a DBA would
        conn.execute(sa.update(table).where(table.c.tenantId == tenant.id, table.c.name == "Clinic 000")
                     .values(deletedAt=sa.func.now()))
    assert _total(admin_app, tenant, uow_factory=uow) == 3  # documented: stale until it expires
    time.sleep(1.2)
    assert _total(admin_app, tenant, uow_factory=uow) == 2


def test_an_unavailable_cache_means_counting_not_failing(admin_app) -> None:
    tenant = seed_tenant(admin_app)
    _accounts(admin_app, tenant, 3)
    dead = ListCounts(RedisStore("redis://127.0.0.1:1/0"), ttl_seconds=60)  # nothing listens on port 1

    def uow(**kwargs) -> UnitOfWork:
        return UnitOfWork(admin_app.session_factory, counts=dead, **kwargs)

    with counted(admin_app.engine) as counts:
        assert _total(admin_app, tenant, uow_factory=uow) == 3
        assert _total(admin_app, tenant, uow_factory=uow) == 3
    assert len(counts) == 2
    with uow(tenant_id=tenant.id, actor_id=tenant.admin.id) as work:  # stamping fails quietly too
        make.account(work.session, "Written while Redis is down")
        work.commit()
    assert _total(admin_app, tenant, uow_factory=uow) == 4


def test_a_search_pages_the_same_whether_it_collects_its_matches_first_or_not(admin_app, monkeypatch) -> None:
    from shared_code.core import search

    tenant = seed_tenant(admin_app)
    _accounts(admin_app, tenant, 12)  # Clinic 000 .. Clinic 011: "clinic 01" matches the last two
    pages = {}
    for few in (0, search.FEW_MATCHES):  # 0: every search walks the sort order; else matches first
        monkeypatch.setattr(search, "FEW_MATCHES", few)
        with admin_app.unit_of_work(tenant_id=tenant.id, actor_id=tenant.admin.id) as uow:
            pages[few] = [
                ([row.name for row in rows], total)
                for page in (1, 2, 3, 4)
                for rows, total in [list_records(uow.session, ACCOUNTS, ACCOUNTS.query.model_validate(
                    {"q": "clinic", "page_size": 5, "page": page, "sort": "-name"}))]
            ] + [([row.name for row in list_records(uow.session, ACCOUNTS, ACCOUNTS.query.model_validate(
                {"q": "clinic 01"}))[0]], 2)]
    assert pages[0] == pages[search.FEW_MATCHES]
    assert pages[0][0] == ([f"Clinic {i:03}" for i in (11, 10, 9, 8, 7)], 12)
    assert pages[0][2] == (["Clinic 001", "Clinic 000"], 12)
    assert pages[0][3] == ([], 12)
    assert pages[0][4] == (["Clinic 010", "Clinic 011"], 2)
