"""`pact seed --demo` seeds the demo records into the default tenant, once."""

from __future__ import annotations

import re

import sqlalchemy as sa

from shared_code.accounts.models import Account
from shared_code.core.db import create_engine
from tests.cli import test_cli
from tests.cli.test_cli import run

database = test_cli.database  # a fixture
environment = test_cli.environment  # a fixture (autouse): the CLI's settings, a private SQLite database


def test_seed_demo_adds_demo_records_to_the_default_tenant_once(capsys, database: str) -> None:
    run(capsys, "db", "upgrade")
    code, out, _ = run(capsys, "seed", "--demo")
    assert code == 0
    added = re.search(r"^demo records: (.*) added$", out, re.MULTILINE).group(1)
    assert "300 accounts" in added and "25 contracts" in added and "12 distributors" in added
    engine = create_engine(database)
    with engine.connect() as conn:
        tenants = conn.execute(sa.select(sa.func.count(sa.distinct(Account.tenant_id)))).scalar_one()
        accounts = conn.execute(sa.select(sa.func.count()).select_from(Account)).scalar_one()
    engine.dispose()
    assert (tenants, accounts) == (1, 300)

    code, out, _ = run(capsys, "seed", "--demo")
    assert code == 0 and "demo records: 0 categories, 0 contracts" in out and "0 accounts" in out


def test_plain_seed_adds_no_demo_records(capsys, database: str) -> None:
    run(capsys, "db", "upgrade")
    code, out, _ = run(capsys, "seed")
    assert code == 0 and "demo records" not in out
