"""What a list costs: every filter and sort has an index, a page costs the same few statements whatever
its size (no N+1), and on PostgreSQL the main list queries read an index, not the whole table."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from shared_code.accounts import relations
from shared_code.accounts import schemas as s
from shared_code.accounts.models import Account, Candidate, Contract
from shared_code.accounts.resources import ACCOUNTS, ALL
from shared_code.core import migrate
from shared_code.core.db import create_engine, create_session_factory
from shared_code.core.http.params import ListQuery
from shared_code.core.resources import RANGE_SUFFIXES, list_records
from shared_code.core.search import contains_any
from shared_code.core.uow import UnitOfWork
from shared_code.documents.models import Document
from shared_code.documents.resources import ALL as DOCUMENT_RESOURCES
from shared_code.templates.resources import TEMPLATES
from tests.records import factories as make
from tests.support import api, database, services
from tests.support.api import caller, seed_tenant

admin_app = api.admin_app  # a fixture
migrated_sqlite_template = database.migrated_sqlite_template  # a fixture
migrated_sqlite_url = database.migrated_sqlite_url  # a fixture

# What the relationship routes select by, besides the tenant: (model, column attribute).
RELATION_KEYS = [(Candidate, "account_id"), (Candidate, "contract_id"), (Document, "account_id"),
                 (Account, "parent_id")]


# -- every filter and sort has an index ------------------------------------------------------------


def _index_prefixes(model: type) -> set[tuple[str, ...]]:
    table = model.__table__
    keyed = [index.columns for index in table.indexes] + [
        c.columns for c in table.constraints if isinstance(c, sa.UniqueConstraint | sa.PrimaryKeyConstraint)]
    return {tuple(column.name for column in columns)[:2] for columns in keyed}


def _filtered_columns(resource) -> set[str]:
    """The attributes a resource's list filters and sorts by (a range filter names its column)."""
    fields = set(resource.query.model_fields) - set(ListQuery.model_fields) - {"deleted"}
    names = {next((f.removesuffix(x) for x in RANGE_SUFFIXES if f.endswith(x)), f) for f in fields}
    return (names - set(resource.custom_filters)) | set(resource.sorts)


@pytest.mark.parametrize("resource", (*ALL, *DOCUMENT_RESOURCES, TEMPLATES), ids=lambda r: r.name)
def test_every_filter_and_sort_of_a_list_has_an_index_led_by_the_tenant(resource) -> None:
    prefixes = _index_prefixes(resource.model)
    missing = [name for name in sorted(_filtered_columns(resource))
               if ("tenantId", resource.column(name).property.columns[0].name) not in prefixes]
    assert missing == [], f"add an index (tenantId, <column>, ...) on {resource.model.__name__} for {missing}"


@pytest.mark.parametrize(("model", "attribute"), RELATION_KEYS, ids=lambda x: getattr(x, "__name__", x))
def test_every_relationship_key_has_an_index_led_by_the_tenant(model, attribute) -> None:
    column = getattr(model, attribute).property.columns[0].name
    assert ("tenantId", column) in _index_prefixes(model)


# -- a page costs the same few statements, whatever its size ----------------------------------------------


@contextmanager
def counted(engine: sa.Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _populate(app, tenant, n: int) -> dict[str, str]:
    """n rows of every records resource, and n of each relation around one account and one contract."""
    with make.tenant_session(app, tenant) as session:
        root = make.account(session, "Heartland Health", account_type="health_system")
        main = make.contract(session, "Saline Solutions", status="active")
        statuses = ("eligible", "invited", "sent", "returned", "activated", "declined", "expired")
        for i in range(n):
            child = make.account(session, f"Heartland Clinic {i:03}", parent_id=root.id, account_type="clinic")
            contract = make.contract(session, f"Contract {i:03}", supplier="Baxter")
            make.candidate(session, root, contract, status=statuses[i % 7])
            make.candidate(session, child, main, status=statuses[i % 7])
            make.link(session, root, make.distributor(session, f"Distributor {i:03}"), territory=f"T{i}")
            make.document(session, f"Form {i:03}", root, contract_id=contract.id)
            make.requirement(session, category_id=make.category(session, f"Category {i:03}").id)
    return {"account": str(root.id), "contract": str(main.id)}


LISTS = [f"/{resource.name}" for resource in ALL] + ["/documents"] + [
    *(f"/accounts/{{account}}/{relation}" for relation in ("contracts", "candidates", "documents", "distributors",
                                                          "children")),
    "/contracts/{contract}/candidates",
]


def test_a_list_page_costs_the_same_few_statements_for_10_and_for_100_rows(admin_app) -> None:
    costs: dict[str, dict[int, tuple[int, int]]] = {path: {} for path in LISTS}  # path -> n -> (rows, statements)
    for n in (10, 100):
        tenant = seed_tenant(admin_app)
        ids, client = _populate(admin_app, tenant, n), caller(admin_app, tenant.admin)
        for path in LISTS:
            with counted(admin_app.engine) as statements:
                # A full page: a short one is the last, and its total needs no count (core.search).
                reply = client.get(path.format(**ids), page_size=n)
            assert reply.status == 200, (path, reply.json)
            costs[path][n] = (len(reply.data), len(statements))
    for path, ((rows_10, cost_10), (rows_100, cost_100)) in ((p, (c[10], c[100])) for p, c in costs.items()):
        assert 10 <= rows_10 < 100 <= rows_100, (path, rows_10, rows_100)  # the pages did grow
        assert cost_10 == cost_100, f"{path}: {cost_10} statements for {rows_10} rows, {cost_100} for {rows_100}"
        # BEGIN (SQLite's engine issues it itself), the parent of a relationship, the count and the page.
        assert cost_100 <= (4 if "{" in path else 3), f"{path}: {cost_100} statements"


def test_the_count_notices_a_query_per_row(admin_app) -> None:
    # The counter itself: a page that loads each row's account separately costs one statement a row.
    tenant = seed_tenant(admin_app)
    ids = _populate(admin_app, tenant, 10)
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        rows, _ = relations.list_contract_candidates(uow.session, contract_id=uuid.UUID(ids["contract"]),
                                                     query=s.ContractCandidateQuery())
        uow.session.expunge_all()
        with counted(admin_app.engine) as statements:
            accounts = [uow.session.get(Account, row.account_id) for row in rows]
    assert len(accounts) == 10 and len(statements) == len(accounts)


# -- PostgreSQL reads an index for the main lists (about 20,000 accounts and candidates) ---------------------

BIG = 20_000


@pytest.fixture(scope="module")
def big_pg(pg_url: str) -> Iterator[tuple[sa.Engine, uuid.UUID, dict[str, uuid.UUID]]]:
    """A migrated PostgreSQL database with one tenant of 20,000 accounts in 200 systems and as many
    candidates over 40 contracts, ANALYZEd; and a small second tenant."""
    url = services.create_pg_database()
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        yield engine, *_load_big_tenant(engine)
    finally:
        engine.dispose()
        services.drop_pg_database(url)


def _load_big_tenant(engine: sa.Engine) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    from shared_code.auth.models import Tenant

    rng = random.Random(4)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    big, small = uuid.uuid4(), uuid.uuid4()
    accounts, candidates = [], []
    systems = [uuid.uuid4() for _ in range(200)]
    contracts = [{"id": uuid.uuid4(), "tenant_id": big, "number": f"C-{i:03}", "name": f"Contract {i:03}"}
                 for i in range(40)]
    for i in range(BIG):
        account_id = systems[i] if i < len(systems) else uuid.uuid4()
        accounts.append({
            "id": account_id, "tenant_id": big, "number": f"{100000 + i}", "name": f"Account {rng.random():.12f}",
            "status": rng.choices(("active", "inactive", "prospect"), (8, 1, 1))[0],
            "parent_id": None if i < len(systems) else systems[i % len(systems)],
            "created_at": start + timedelta(minutes=i), "updated_at": start + timedelta(minutes=i),
        })
        candidates.append({"id": uuid.uuid4(), "tenant_id": big, "account_id": account_id,
                           "contract_id": contracts[i % 40]["id"], "status": "eligible",
                           "updated_at": start + timedelta(minutes=rng.randrange(500_000))})
    with create_session_factory(engine)() as session:
        session.add_all([Tenant(id=big, slug=f"big-{big.hex[:8]}", name="Big"),
                         Tenant(id=small, slug=f"small-{small.hex[:8]}", name="Small")])
        session.flush()
        session.execute(sa.insert(Contract), contracts)
        session.execute(sa.insert(Account), accounts)
        session.execute(sa.insert(Account), [{"tenant_id": small, "number": "S-1", "name": "Small account"}])
        session.execute(sa.insert(Candidate), candidates)
        session.commit()
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return big, {"system": systems[7], "contract": contracts[3]["id"], "account": accounts[500]["id"]}


def _plan_of_page(engine: sa.Engine, tenant_id: uuid.UUID, read, settings: tuple[str, ...] = ()) -> dict:
    """The plan PostgreSQL chooses for the page query (the one with LIMIT) that `read(session)` runs,
    under the planner `settings` given."""
    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with UnitOfWork(create_session_factory(engine), tenant_id=tenant_id) as uow:
            read(uow.session)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = next((st, p) for st, p in seen if "LIMIT" in st)
    with engine.connect() as conn:
        for setting in settings:
            conn.exec_driver_sql(f"SET {setting}")
        plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _scans(plan: dict) -> dict[str, set[str]]:
    """Per table, how it is read: 'Seq Scan', or the names of the indexes used."""
    scans: dict[str, set[str]] = {}
    for node in _nodes(plan):
        if "Relation Name" in node:
            scans.setdefault(node["Relation Name"], set()).add(node.get("Index Name") or node["Node Type"])
    return scans


def _records(resource, **filters):
    return lambda session: list_records(session, resource, resource.query(page_size=50, **filters))


MAIN_LISTS = {
    "accounts by name": (_records(ACCOUNTS), "Account", "IX_Account_tenantId_name"),
    "accounts by status, then name": (_records(ACCOUNTS, status="inactive"), "Account",
                                      "IX_Account_tenantId_status_name"),
    "accounts by number": (_records(ACCOUNTS, sort="-number"), "Account", "UQ_Account_tenantId_number"),
    "accounts newest first": (_records(ACCOUNTS, sort="-created_at"), "Account", "IX_Account_tenantId_createdAt"),
}


@pytest.mark.postgres
@pytest.mark.parametrize("name", MAIN_LISTS)
def test_main_account_lists_read_their_index_on_postgresql(big_pg, name) -> None:
    engine, tenant_id, _ = big_pg
    read, table, index = MAIN_LISTS[name]
    scans = _scans(_plan_of_page(engine, tenant_id, read))
    assert scans[table] == {index}, scans


@pytest.mark.postgres
def test_relationship_pages_never_scan_a_whole_table_on_postgresql(big_pg) -> None:
    engine, tenant_id, ids = big_pg
    reads = {
        "children": lambda session: relations.list_account_children(
            session, account_id=ids["system"], query=s.AccountChildQuery()),
        "an account's candidacies": lambda session: relations.list_account_candidates(
            session, account_id=ids["account"], query=s.AccountCandidateQuery()),
        "a contract's candidates": lambda session: relations.list_contract_candidates(
            session, contract_id=ids["contract"], query=s.ContractCandidateQuery()),
    }
    for name, read in reads.items():
        scans = _scans(_plan_of_page(engine, tenant_id, read))
        assert not any("Seq Scan" in how for table, how in scans.items() if table in ("Account", "Candidate")), (
            name, scans)
    expected = {"children": ("Account", "IX_Account_tenantId_parentId_name"),
                "a contract's candidates": ("Candidate", "IX_Candidate_tenantId_contractId_updatedAt")}
    for name, (table, index) in expected.items():
        scans = _scans(_plan_of_page(engine, tenant_id, reads[name]))
        assert scans[table] == {index}, (name, scans)


@pytest.mark.postgres
def test_the_search_expression_is_the_one_the_trigram_indexes_serve_on_postgresql(big_pg) -> None:
    # On this data (names of digits) the planner rightly prefers other plans; what must hold is that
    # the search's SQL is exactly what migration 0006 indexed, so that large, wordy tables use them.
    engine, _, _ = big_pg
    columns = [ACCOUNTS.column(name) for name in ACCOUNTS.search]
    statement = sa.select(Account.id).where(contains_any(tuple(columns), "mercy"))
    compiled = statement.compile(dialect=engine.dialect)
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    used = {node.get("Index Name") for node in _nodes(plan) if node["Node Type"] == "Bitmap Index Scan"}
    assert used == {f"TX_Account_{column}" for column in ("name", "number", "city", "gln", "hin", "dea")}, plan
