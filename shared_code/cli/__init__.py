"""`pact`: the command line for operators and developers.

Each command lives in a module of this package with a `register(subparsers)` function that adds
its parser and sets `handler`; a handler takes the parsed arguments and returns an exit status.
To add a command, add its module's name to `COMMAND_MODULES`.

Expected failures (bad settings, an unreachable or unmigrated database, a refused request) end
with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from alembic.util import CommandError as AlembicCommandError
from sqlalchemy.exc import SQLAlchemyError

from shared_code.cli._common import CommandError
from shared_code.core.config import ConfigError
from shared_code.core.db import UnsupportedDatabaseError
from shared_code.core.errors import PactError
from shared_code.core.seed import SeedError

COMMAND_MODULES: tuple[str, ...] = ("db", "sql", "seed", "users", "apikeys", "functions", "storage", "web")

EXIT_FAILURE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pact", description="PACT operations: database, SQL scripts, seed data, users."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status (0 success, 2 a reported failure)."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args) or 0
    except (CommandError, PactError, ConfigError, SeedError, AlembicCommandError, UnsupportedDatabaseError) as exc:
        return _fail(str(exc))
    except SQLAlchemyError as exc:
        return _fail(f"database error: {_first_line(exc)}")


def _fail(message: str) -> int:
    print(f"pact: error: {_first_line(message)}", file=sys.stderr)
    return EXIT_FAILURE


def _first_line(error: BaseException | str) -> str:
    if isinstance(error, SQLAlchemyError) and getattr(error, "orig", None) is not None:
        error = error.orig  # the driver's message, without the SQL statement and parameters
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
