"""`pact db upgrade [REV] | downgrade REV | current`: migrate the configured database."""

from __future__ import annotations

import argparse

from shared_code.cli._common import database_url, describe_database
from shared_code.core import migrate


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("db", help="migrate the database (PACT_DATABASE_URL)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    up = actions.add_parser("upgrade", help="migrate up to a revision (default: head)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler=_upgrade)

    down = actions.add_parser("downgrade", help="migrate down to a revision ('base' empties the database)")
    down.add_argument("revision")
    down.set_defaults(handler=_downgrade)

    actions.add_parser("current", help="show the database's revision").set_defaults(handler=_current)


def _upgrade(args: argparse.Namespace) -> int:
    url = database_url()
    migrate.upgrade(url, args.revision)
    print(f"{describe_database(url)}: at {migrate.current(url) or 'base'}")
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    url = database_url()
    migrate.downgrade(url, args.revision)
    print(f"{describe_database(url)}: at {migrate.current(url) or 'base'}")
    return 0


def _current(args: argparse.Namespace) -> int:
    url = database_url()
    at, newest = migrate.current(url), migrate.head()
    note = "up to date" if at == newest else f"head is {newest}: run `pact db upgrade`"
    print(f"{describe_database(url)}: at {at or 'base'} ({note})")
    return 0
