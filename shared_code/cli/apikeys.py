"""`pact apikey create --tenant T --name N --permission P [--permission P ...] [--expires-days D]` and
`pact apikey revoke --id ID`.

The operator issues keys as the system: any permission of the catalogue. The key is printed once;
only its hash is stored.
"""

from __future__ import annotations

import argparse
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from shared_code.auth.models import ApiKey, Tenant
from shared_code.cli._common import CommandError, app, require_migrated


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("apikey", help="issue and revoke API keys")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="issue a key (printed once)")
    create.add_argument("--tenant", required=True, help="tenant slug")
    create.add_argument("--name", required=True, help="what the key is for, e.g. 'Scanner in hall 2'")
    create.add_argument("--permission", required=True, action="append", help="resource:action (repeat for several)")
    create.add_argument("--expires-days", type=int, help="days until the key stops working (default: never)")
    create.set_defaults(handler=_create)
    revoke = actions.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("--id", required=True, help="the key's id (from `pact apikey create` or the API)")
    revoke.set_defaults(handler=_revoke)


def _create(args: argparse.Namespace) -> int:
    from shared_code.auth.api_key_admin import issue_api_key
    from shared_code.auth.schemas import ApiKeyCreate
    from shared_code.core.errors import InvalidInput
    from shared_code.core.http.request import validate

    if args.expires_days is not None and args.expires_days < 1:
        raise CommandError("--expires-days must be at least 1")
    expires_at = datetime.now(UTC) + timedelta(days=args.expires_days) if args.expires_days else None
    try:
        body = validate(ApiKeyCreate, {"name": args.name, "permissions": args.permission, "expires_at": expires_at})
    except InvalidInput as exc:
        raise CommandError("; ".join(f"{d['field']}: {d['message']}" for d in exc.details)) from None
    container = _ready()
    with container.unit_of_work() as lookup:
        tenant_id = lookup.session.scalar(sa.select(Tenant.id).where(Tenant.slug == args.tenant))
    if tenant_id is None:
        raise CommandError(f"no tenant {args.tenant!r}")
    with container.unit_of_work(tenant_id=tenant_id) as uow:
        created = issue_api_key(uow.session, None, body)
        uow.commit()
    expiry = f"expires {created.expires_at:%Y-%m-%d %H:%M} UTC" if created.expires_at else "never expires"
    permissions = ", ".join(created.permissions)
    print(f"created API key {created.id} '{created.name}' in {args.tenant} ({permissions}; {expiry})")
    print(f"key: {created.key}")
    print("store it now: it is shown this once")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from shared_code.auth.api_key_admin import revoke_key

    try:
        key_id = uuid.UUID(args.id)
    except ValueError:
        raise CommandError(f"{args.id!r} is not a key id") from None
    container = _ready()
    with container.unit_of_work() as lookup:
        tenant_id = lookup.session.scalar(sa.select(ApiKey.tenant_id).where(ApiKey.id == key_id))
    if tenant_id is None:
        raise CommandError(f"no API key {key_id}")
    with container.unit_of_work(tenant_id=tenant_id) as uow:
        key = revoke_key(uow.session, key_id)
        uow.commit()
    print(f"revoked API key {key.id} '{key.name}' at {key.revoked_at:%Y-%m-%d %H:%M:%S} UTC")
    return 0


def _ready():
    container = app()
    require_migrated(container.settings.database_url.get_secret_value())
    return container
