"""What the command modules share: the named failure and access to the app's settings."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from shared_code.core.bootstrap import Container, container
from shared_code.core.migrate import current, head


class CommandError(Exception):
    """A command cannot do what was asked; the message says why (and what to do)."""


def app() -> Container:
    """The process-wide container (settings from the environment and local.settings.json)."""
    return container()


def database_url() -> str:
    return app().settings.database_url.get_secret_value()


def describe_database(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def require_migrated(url: str) -> None:
    """Refuse to work on a database that is not at the newest migration."""
    at, newest = current(url), head()
    if at != newest:
        raise CommandError(f"the database is at {at or 'base (empty)'}, not {newest}: run `pact db upgrade`")
