"""The demo data set: believable, whole (every reference resolves, hierarchies are trees), deterministic,
idempotent and quick to seed."""

from __future__ import annotations

import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.accounts import schemas as s
from shared_code.accounts.demo import KINDS, build_demo_records, seed_demo_records
from shared_code.accounts.models import CANDIDATE_STATUSES, Account, Candidate
from shared_code.auth.models import Tenant
from shared_code.core.audit import AuditLog
from shared_code.core.db import create_engine, create_session_factory
from shared_code.core.uow import UnitOfWork
from tests.support import database

migrated_sqlite_template = database.migrated_sqlite_template  # a fixture
migrated_sqlite_url = database.migrated_sqlite_url  # a fixture

TODAY = date(2026, 3, 14)
NOW = datetime(2026, 3, 14, 17, tzinfo=UTC)


@pytest.fixture
def engine(migrated_sqlite_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(migrated_sqlite_url)
    yield engine
    engine.dispose()


def _tenant(engine: sa.Engine, slug: str) -> uuid.UUID:
    with Session(engine) as session:
        tenant = Tenant(slug=slug, name=slug.title())
        session.add(tenant)
        session.commit()
        return tenant.id


def _seed(engine: sa.Engine, tenant_id: uuid.UUID) -> dict[str, int]:
    with UnitOfWork(create_session_factory(engine), tenant_id=tenant_id) as uow:
        added = seed_demo_records(uow.session, tenant_id=tenant_id, today=TODAY)
        uow.commit()
    return added


def _rows(engine: sa.Engine, model: type, tenant_id: uuid.UUID) -> list:
    with Session(engine) as session:
        return list(session.scalars(sa.select(model).where(model.tenant_id == tenant_id)))


@pytest.fixture
def demo(engine: sa.Engine) -> tuple[uuid.UUID, dict[str, int], float]:
    tenant_id = _tenant(engine, "demo")
    started = time.perf_counter()
    added = _seed(engine, tenant_id)
    return tenant_id, added, time.perf_counter() - started


def test_the_demo_has_hundreds_of_accounts_tens_of_contracts_and_is_quick(engine, demo) -> None:
    tenant_id, added, seconds = demo
    assert added["accounts"] == 300 and added["contracts"] == 25 and added["distributors"] == 12
    assert added["categories"] == 8 and added["requirements"] >= 8
    assert 1000 <= added["candidates"] <= 2000 and added["account_distributors"] >= 280
    assert {kind: len(_rows(engine, model, tenant_id)) for kind, model in KINDS.items()} == added
    assert seconds < 3, f"seeding took {seconds:.2f} s"


def test_seeding_again_adds_nothing_and_audits_once(engine, demo) -> None:
    tenant_id, added, _ = demo
    assert _seed(engine, tenant_id) == dict.fromkeys(KINDS, 0)
    assert {kind: len(_rows(engine, model, tenant_id)) for kind, model in KINDS.items()} == added
    entries = [e for e in _rows(engine, AuditLog, tenant_id) if e.action == "demo.seed"]
    assert len(entries) == 1 and entries[0].changes == {"added": added}


def test_a_partly_missing_demo_is_completed(engine, demo) -> None:
    tenant_id, added, _ = demo
    with Session(engine) as session:  # e.g. someone cleared the candidates by hand
        session.execute(sa.delete(Candidate).where(Candidate.tenant_id == tenant_id))
        session.commit()
    assert _seed(engine, tenant_id) == dict.fromkeys(KINDS, 0) | {"candidates": added["candidates"]}


def test_the_demo_is_the_same_every_time_and_each_tenant_has_its_own_ids() -> None:
    first, again = (build_demo_records(uuid.UUID(int=1), today=TODAY) for _ in range(2))
    other = build_demo_records(uuid.UUID(int=2), today=TODAY)
    assert first == again
    assert [a["name"] for a in first["accounts"]] == [a["name"] for a in other["accounts"]]
    assert not {a["id"] for a in first["accounts"]} & {a["id"] for a in other["accounts"]}


def test_two_tenants_can_both_have_the_demo(engine, demo) -> None:
    _, added, _ = demo
    assert _seed(engine, _tenant(engine, "second")) == added


def test_accounts_form_health_system_trees(engine, demo) -> None:
    tenant_id, _, _ = demo
    accounts = {a.id: a for a in _rows(engine, Account, tenant_id)}
    parents_of = {"health_system": {None}, "hospital": {"health_system"}}
    for account in accounts.values():
        parent = accounts.get(account.parent_id)
        assert account.parent_id is None or parent is not None, account.name  # within the tenant
        expected = parents_of.get(account.account_type, {"hospital", None})
        assert (parent.account_type if parent else None) in expected, (account.name, account.account_type)
    children = Counter(a.parent_id for a in accounts.values() if a.parent_id)
    systems = [a for a in accounts.values() if a.account_type == "health_system"]
    assert len(systems) >= 15 and all(children[system.id] >= 2 for system in systems)
    hospitals = [a for a in accounts.values() if a.account_type == "hospital"]
    assert sum(children[h.id] >= 1 for h in hospitals) >= len(hospitals) * 0.9
    assert sum(a.parent_id is None and a.account_type != "health_system" for a in accounts.values()) >= 10
    assert {a.account_type for a in accounts.values()} >= {"clinic", "physician_practice", "pharmacy",
                                                           "long_term_care"}


def test_accounts_pass_the_apis_validation_with_well_formed_identifiers(engine, demo) -> None:
    tenant_id, _, _ = demo
    accounts = _rows(engine, Account, tenant_id)
    fields = set(s.AccountCreate.model_fields)
    for account in accounts:
        s.AccountCreate.model_validate({f: getattr(account, f) for f in fields if getattr(account, f) is not None})
        if account.gln:
            digits = [int(d) for d in account.gln]
            assert sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1]))) % 10 == (
                10 - digits[-1]) % 10, account.gln
        if account.dea:
            d = [int(x) for x in account.dea[2:]]
            assert (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6], account.dea
    assert len({a.number for a in accounts}) == len({a.hin for a in accounts}) == len(accounts)
    assert sum(a.gln is not None for a in accounts) > 0.7 * len(accounts)
    assert all(a.city and a.state and a.postal_code and a.address_line1 and a.phone for a in accounts)


def test_candidates_are_in_every_status_with_dates_in_order(engine, demo) -> None:
    tenant_id, _, _ = demo
    candidates = _rows(engine, Candidate, tenant_id)
    assert set(Counter(c.status for c in candidates)) == set(CANDIDATE_STATUSES)
    steps = {"eligible": (), "invited": ("invited_at",), "sent": ("invited_at", "sent_at"),
             "returned": ("invited_at", "sent_at", "returned_at"),
             "activated": ("invited_at", "sent_at", "returned_at", "activated_at"),
             "declined": ("invited_at", "sent_at", "closed_at"), "expired": ("invited_at", "closed_at")}
    for c in candidates:
        moments = [getattr(c, name) for name in steps[c.status]]
        unset = {"invited_at", "sent_at", "returned_at", "activated_at", "closed_at"} - set(steps[c.status])
        assert all(moments) and not any(getattr(c, name) for name in unset), (c.status, c.id)
        assert [c.created_at, *moments] == sorted([c.created_at, *moments]) and c.updated_at <= NOW, c.id
        assert c.updated_at == (moments[-1] if moments else c.created_at)
    pairs = [(c.account_id, c.contract_id) for c in candidates]
    assert len(set(pairs)) == len(pairs)
    accounts = {a.id: a for a in _rows(engine, Account, tenant_id)}
    assert all(c.created_at >= accounts[c.account_id].created_at for c in candidates)


def test_contracts_terms_match_their_status_and_every_account_has_one_primary_distributor() -> None:
    records = build_demo_records(uuid.UUID(int=1), today=TODAY)
    for contract in records["contracts"]:
        assert contract["starts_on"] < contract["ends_on"]
        expected = ("draft" if contract["starts_on"] > TODAY else "expired" if contract["ends_on"] < TODAY
                    else "active")
        assert contract["status"] in (expected, "terminated"), contract["name"]
    assert {c["status"] for c in records["contracts"]} == {"draft", "active", "expired", "terminated"}
    assert len({c["category_id"] for c in records["contracts"]}) == 8 and all(c["tier"] for c in records[
        "contracts"][:3])
    primaries = defaultdict(int)
    for link in records["account_distributors"]:
        primaries[link["account_id"]] += link["is_primary"]
    sites = {a["id"] for a in records["accounts"] if a["account_type"] != "health_system"}
    assert set(primaries) == sites and set(primaries.values()) == {1}
    requirements = records["requirements"]
    assert {r["document_type"] for r in requirements} == {"participation_form", "letter_of_commitment"}
    assert all((r["contract_id"] is None) != (r["category_id"] is None) for r in requirements)
