"""`pact user create --email E --role R [--tenant T] [--password P] [--name N]`,
`pact user disable --email E` and `pact user reset-mfa --email E`.

`disable` and `reset-mfa` are the operator's way back in when an organisation has locked itself
out (a compromised administrator, a lost authenticator): they act as the system, so the API's
guard that keeps one active administrator does not apply, and they end the user's sessions.
"""

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
    disable = actions.add_parser("disable", help="disable a user and end their sessions")
    disable.add_argument("--email", required=True)
    disable.set_defaults(handler=_disable)
    reset_mfa = actions.add_parser("reset-mfa", help="remove a user's MFA (they enrol again) and end their sessions")
    reset_mfa.add_argument("--email", required=True)
    reset_mfa.set_defaults(handler=_reset_mfa)


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


def _disable(args: argparse.Namespace) -> int:
    from shared_code.auth.schemas import UserUpdate
    from shared_code.auth.users import update_user

    email = _act_on_user(
        args.email,
        lambda container, session, user_id: update_user(
            container, session, None, user_id, UserUpdate(status="disabled")
        ),
    )
    print(f"disabled {email}; their sessions have ended")
    return 0


def _reset_mfa(args: argparse.Namespace) -> int:
    from shared_code.auth.users import reset_mfa

    email = _act_on_user(args.email, lambda container, session, user_id: reset_mfa(container, session, None, user_id))
    print(f"reset MFA of {email}: they set it up again at their next sign-in; their sessions have ended")
    return 0


def _act_on_user(email: str, change) -> str:
    """Run `change(container, session, user_id)` in the user's tenant, as the system; commit it."""
    from shared_code.auth.users import find_user

    container = app()
    require_migrated(container.settings.database_url.get_secret_value())
    with container.unit_of_work() as lookup:
        user_id, tenant_id = find_user(lookup.session, email)
    with container.unit_of_work(tenant_id=tenant_id) as uow:
        user = change(container, uow.session, user_id)
        uow.commit()
    return user.email
