"""`pact web config`: the Static Web App configuration whose Content-Security-Policy lets the pages reach
the storage account's blob endpoint (large uploads go there straight from the browser).

Run it before deploying `web/` (docs/WEB.md) with the app's storage settings, e.g.
`pact web config --output web/staticwebapp.config.json`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from shared_code.cli._common import CommandError, app

DEFAULT_CONFIG = Path("web") / "staticwebapp.config.json"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("web", help="the web app's deployment configuration")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    config = actions.add_parser(
        "config", help="print (or write) staticwebapp.config.json with the blob endpoint in the CSP's connect-src"
    )
    config.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help=f"the source (default {DEFAULT_CONFIG})")
    config.add_argument("--output", type=Path, help="write here instead of printing (may be the source itself)")
    config.set_defaults(handler=_config)


def _config(args: argparse.Namespace) -> int:
    from shared_code.documents.browser_uploads import static_web_app_config

    try:
        config = static_web_app_config(args.config, blob_endpoint=app().blobs.service.url)
    except (OSError, ValueError) as exc:  # missing, unreadable or not JSON
        raise CommandError(f"cannot read {args.config}: {exc}") from None
    text = json.dumps(config, indent=2) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"web: wrote {args.output}")
    else:
        print(text, end="")
    return 0
