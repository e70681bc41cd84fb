"""`pact seed [--demo]`: the default tenant and first admin (and, on request, a demo team and demo records)."""

from __future__ import annotations

import argparse

from shared_code.accounts.demo import seed_demo_records
from shared_code.cli._common import CommandError, app, require_migrated
from shared_code.core.seed import DEMO_PASSWORD, seed_defaults, seed_demo


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("seed", help="create the default tenant and the first admin (idempotent)")
    parser.add_argument(
        "--demo", action="store_true",
        help="also add demo users (a published password; not in production) and demo accounts, contracts, ...",
    )
    parser.set_defaults(handler=_seed)


def _seed(args: argparse.Namespace) -> int:
    container = app()
    settings = container.settings
    if args.demo and settings.is_production:
        raise CommandError("refusing to add demo users in production (their password is public)")
    require_migrated(settings.database_url.get_secret_value())

    result = seed_defaults(container, settings)
    print(f"tenant: {settings.default_tenant}{' (created)' if 'tenant' in result.created else ''}")
    print(f"admin: {result.admin_email}{' (created)' if 'admin' in result.created else ' (exists)'}")
    if result.admin_password is not None:
        print(f"admin password: {result.admin_password}")
        print("  (generated: shown this once; store it now, or set PACT_ADMIN_PASSWORD)")
    if args.demo:
        with container.unit_of_work() as uow:
            added = seed_demo(uow.session, tenant_slug=settings.default_tenant)
            records = seed_demo_records(uow.session, tenant_id=result.tenant_id)
            uow.commit()
        print(f"demo users: {len(added)} added (password: {DEMO_PASSWORD})")
        print("demo records: " + ", ".join(f"{n} {kind.replace('_', '-')}" for kind, n in records.items()) + " added")
    return 0
