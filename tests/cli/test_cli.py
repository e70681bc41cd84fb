"""`pact` end to end, in process, on a temporary SQLite database."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.auth.models import User
from shared_code.auth.passwords import verify_password
from shared_code.cli import COMMAND_MODULES, build_parser, main
from shared_code.core import migrate
from shared_code.core.bootstrap import reset_container
from shared_code.core.db import create_engine
from shared_code.core.seed import DEMO_PASSWORD, DEMO_USERS


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli' / 'pact.db'}"


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: str) -> Iterator[None]:
    for name in ("PACT_ADMIN_PASSWORD", "PACT_ADMIN_EMAIL", "PACT_DEFAULT_TENANT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PACT_ENV", "test")
    monkeypatch.setenv("PACT_DATABASE_URL", database)
    monkeypatch.setenv("AzureWebJobsStorage", "UseDevelopmentStorage=true")  # never contacted here
    monkeypatch.setenv("PACT_LOCAL_SETTINGS", str(tmp_path / "no-local-settings.json"))
    reset_container()
    yield
    reset_container()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    reset_container()  # as a new process would
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_failure(code: int, err: str, *fragments: str) -> None:
    assert code == 2
    assert err.startswith("pact: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


def _user(database: str, email: str) -> User:
    engine = create_engine(database)
    with Session(engine) as session:
        user = session.scalars(sa.select(User).where(User.email == email)).one()
        _ = user.roles
    engine.dispose()
    return user


def test_every_command_module_is_registered() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices
    assert {"db", "sql", "seed", "user"} <= set(commands)
    assert len(COMMAND_MODULES) == len(set(COMMAND_MODULES))


def test_help_exits_cleanly(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "db" in capsys.readouterr().out


def test_db_upgrade_downgrade_and_current(capsys, database: str) -> None:
    assert run(capsys, "db", "current")[1].strip().endswith(f"at base (head is {migrate.head()}: run `pact db upgrade`)")

    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and out.strip().endswith(f"at {migrate.head()}")
    assert "(up to date)" in run(capsys, "db", "current")[1]

    code, out, _ = run(capsys, "db", "downgrade", "0001")
    assert code == 0 and migrate.current(database) == "0001"
    run(capsys, "db", "upgrade", "0002")
    assert migrate.current(database) == "0002"


def test_seed_prints_a_generated_password_once_and_it_works(capsys, database: str) -> None:
    run(capsys, "db", "upgrade")
    code, out, _ = run(capsys, "seed")
    assert code == 0
    assert "admin: admin@pact.local (created)" in out
    password = re.search(r"^admin password: (\S+)$", out, re.MULTILINE).group(1)
    assert verify_password(password, _user(database, "admin@pact.local").password_hash)

    code, out, _ = run(capsys, "seed")
    assert code == 0 and "admin: admin@pact.local (exists)" in out
    assert "password" not in out


def test_seed_with_a_configured_password_prints_none(capsys, monkeypatch, database: str) -> None:
    monkeypatch.setenv("PACT_ADMIN_PASSWORD", "chosen-by-the-operator")
    run(capsys, "db", "upgrade")
    code, out, _ = run(capsys, "seed")
    assert code == 0 and "password" not in out
    assert verify_password("chosen-by-the-operator", _user(database, "admin@pact.local").password_hash)


def test_seed_demo_adds_the_demo_team(capsys, database: str) -> None:
    run(capsys, "db", "upgrade")
    code, out, _ = run(capsys, "seed", "--demo")
    assert code == 0 and f"demo users: {len(DEMO_USERS)} added (password: {DEMO_PASSWORD})" in out
    assert "demo users: 0 added" in run(capsys, "seed", "--demo")[1]


def test_seed_refuses_an_unmigrated_database(capsys) -> None:
    code, _, err = run(capsys, "seed")
    assert_one_line_failure(code, err, "pact db upgrade")


def test_seed_demo_is_refused_in_production(capsys, monkeypatch) -> None:
    monkeypatch.setenv("PACT_ENV", "production")
    code, _, err = run(capsys, "seed", "--demo")
    assert_one_line_failure(code, err, "production")


def test_user_create(capsys, database: str) -> None:
    run(capsys, "db", "upgrade")
    run(capsys, "seed")
    code, out, _ = run(
        capsys, "user", "create", "--email", "Jo.Bloggs@Example.com", "--role", "Manager", "--role", "Viewer"
    )
    assert code == 0 and "created jo.bloggs@example.com in default with roles Manager, Viewer" in out
    password = re.search(r"^password: (\S+)", out, re.MULTILINE).group(1)
    user = _user(database, "jo.bloggs@example.com")
    assert user.display_name == "Jo Bloggs" and verify_password(password, user.password_hash)

    code, out, _ = run(
        capsys, "user", "create", "--email", "sam@example.com", "--role", "User", "--password", "given-pw-123"
    )
    assert code == 0 and "password" not in out.replace("created", "")
    assert verify_password("given-pw-123", _user(database, "sam@example.com").password_hash)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--email", "jo@example.com", "--role", "Admin"], "already exists"),
        (["--email", "new@example.com", "--role", "Wizard"], "no role named 'Wizard'"),
        (["--email", "new@example.com", "--role", "User", "--tenant", "elsewhere"], "no tenant 'elsewhere'"),
        (["--email", "not-an-address", "--role", "User"], "not an e-mail address"),
    ],
)
def test_user_create_failures_are_one_line(capsys, argv: list[str], message: str) -> None:
    run(capsys, "db", "upgrade")
    run(capsys, "seed")
    run(capsys, "user", "create", "--email", "jo@example.com", "--role", "User", "--password", "pw-pw-pw-pw")
    code, _, err = run(capsys, "user", "create", *argv)
    assert_one_line_failure(code, err, message)


def test_bad_settings_are_one_line(capsys, monkeypatch) -> None:
    monkeypatch.setenv("PACT_DATABASE_URL", "oracle://scott:tiger@db/orcl")
    code, _, err = run(capsys, "db", "current")
    assert_one_line_failure(code, err, "PACT_DATABASE_URL")


def test_an_unreachable_database_is_one_line(capsys, monkeypatch) -> None:
    monkeypatch.setenv("PACT_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/pact?connect_timeout=2")
    code, _, err = run(capsys, "db", "upgrade")
    assert_one_line_failure(code, err, "database error")


def test_a_missing_database_driver_is_one_line(capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pyodbc", None)  # as on a machine without unixODBC
    monkeypatch.setenv("PACT_DATABASE_URL", "mssql+pyodbc://pact:secret@pact-dsn")
    code, _, err = run(capsys, "db", "current")
    assert_one_line_failure(code, err, "mssql+pyodbc driver cannot be loaded")
    assert "secret" not in err


def test_an_unknown_revision_is_one_line(capsys) -> None:
    code, _, err = run(capsys, "db", "upgrade", "9999")
    assert_one_line_failure(code, err, "9999")


def test_sql_writes_and_checks_the_scripts(capsys, tmp_path: Path) -> None:
    target = tmp_path / "sql"
    code, _, err = run(capsys, "sql", "--check", "--directory", str(target))
    assert_one_line_failure(code, err, "run `pact sql`")

    code, out, _ = run(capsys, "sql", "--directory", str(target))
    assert code == 0 and f"wrote {target / 'pact_mssql.sql'}" in out
    assert (target / "pact_mssql.sql").read_text(encoding="utf-8") == migrate.mssql_script()
    assert run(capsys, "sql", "--check", "--directory", str(target))[0] == 0
