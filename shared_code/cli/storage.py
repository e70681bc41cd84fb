"""`pact storage cors`: let the web app's pages PUT large uploads straight to the blob service.

`make run` calls it for Azurite at every start; in Azure, infra/ sets the same rule on the storage
account (docs/DOCUMENTS.md, "Browsers and the storage account").
"""

from __future__ import annotations

import argparse

from shared_code.cli._common import CommandError, app


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("storage", help="storage account set-up for local development")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    cors = actions.add_parser("cors", help="allow browser uploads (PUT) from the web app's origin (CORS rule)")
    cors.add_argument(
        "--origin",
        action="append",
        default=[],
        metavar="URL",
        help="another web origin to allow (repeatable); PACT_PUBLIC_URL's origin always is",
    )
    cors.set_defaults(handler=_cors)


def _cors(args: argparse.Namespace) -> int:
    from shared_code.documents.browser_uploads import allow_browser_uploads

    container = app()
    try:
        origins = allow_browser_uploads(container.blobs.service, [container.settings.public_url, *args.origin])
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    print(f"storage: {', '.join(origins)} may PUT blobs at {container.blobs.service.url.rstrip('/')}")
    return 0
