"""`pact user create --email E --role R [--tenant T] [--password P] [--name N]`."""

from __future__ import annotations

import argparse

import sqlalchemy as sa

from shared_code.auth.models import Tenant, User
from shared_code.auth.passwords import generate_password, hash_password
from shared_code.cli._common import CommandError, app, require_migrated
from shared_code.core.seed import add_user


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("user", help="manage users")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create an active user with one or more roles")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, action="append", help="role name (repeat for several)")
    create.add_argument("--tenant", help="tenant slug (default: PACT_DEFAULT_TENANT)")
    create.add_argument("--name", help="display name (default: from the e-mail address)")
    create.add_argument("--password", help="initial password (default: generated and printed once)")
    create.set_defaults(handler=_create)


def _create(args: argparse.Namespace) -> int:
    container = app()
    require_migrated(container.settings.database_url.get_secret_value())
    email = args.email.strip().lower()
    if "@" not in email:
        raise CommandError(f"{args.email!r} is not an e-mail address")
    slug = args.tenant or container.settings.default_tenant
    password = args.password or generate_password()

    with container.unit_of_work() as uow:
        tenant = uow.session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).one_or_none()
        if tenant is None:
            raise CommandError(f"no tenant {slug!r}: run `pact seed` or pass --tenant")
        if uow.session.scalars(sa.select(User.id).where(User.email == email)).first() is not None:
            raise CommandError(f"a user {email} already exists")
        user = add_user(
            uow.session,
            tenant=tenant,
            email=email,
            display_name=args.name or email.split("@")[0].replace(".", " ").title(),
            password_hash=hash_password(password),
            roles=args.role,
        )
        uow.commit()

    print(f"created {user.email} in {slug} with roles {', '.join(r.name for r in user.roles)}")
    if not args.password:
        print(f"password: {password}  (generated: shown this once)")
    return 0
