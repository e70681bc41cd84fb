"""`pact sql [--check]`: regenerate (or check) the T-SQL scripts in sql/ from the migrations."""

from __future__ import annotations

import argparse
from pathlib import Path

from shared_code.cli._common import CommandError
from shared_code.core import migrate

DEFAULT_DIRECTORY = migrate.REPO_ROOT / "sql"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("sql", help="write sql/pact_mssql.sql (T-SQL for MSSQL) from the migrations")
    parser.add_argument("--directory", type=Path, default=DEFAULT_DIRECTORY, help="where to write (default: sql/)")
    parser.add_argument("--check", action="store_true", help="write nothing; fail if the scripts are stale")
    parser.set_defaults(handler=_sql)


def _sql(args: argparse.Namespace) -> int:
    path = args.directory / migrate.MSSQL_SCRIPT
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != migrate.mssql_script():
            raise CommandError(f"{path} is stale: run `pact sql`")
        print(f"{path}: up to date")
        return 0
    for written in migrate.write_sql(args.directory):
        print(f"wrote {written}")
    return 0
