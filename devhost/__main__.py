"""`python -m devhost [--app-dir DIR] [--port N] [--host 127.0.0.1] [--web-dir DIR] [--poll-interval S]`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from devhost.app_loader import AppLoadError
from devhost.host import Options, run
from devhost.hostjson import HostJsonError


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m devhost", description=__doc__)
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=Path.cwd(),
        help="folder holding function_app.py, host.json and local.settings.json (default: cwd)",
    )
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default: $PACT_PORT, else 7071)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--web-dir", type=Path, default=None, help="static files served outside the route prefix (default: APP_DIR/web)"
    )
    parser.add_argument(
        "--poll-interval",
        type=float,
        default=2.0,
        help="longest wait between storage polls when idle, in seconds; caps host.json maxPollingInterval (default: 2)",
    )
    args = parser.parse_args(argv)
    if args.poll_interval <= 0:
        parser.error("--poll-interval must be positive")
    return Options(
        app_dir=args.app_dir, host=args.host, port=args.port, web_dir=args.web_dir, poll_interval=args.poll_interval
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        return run(options)
    except (AppLoadError, HostJsonError, OSError) as exc:
        logging.getLogger("devhost").error("cannot start: %s", exc, exc_info=isinstance(exc, AppLoadError))
        return 1


if __name__ == "__main__":
    sys.exit(main())
