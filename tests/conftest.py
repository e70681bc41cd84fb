"""Session-wide fixtures: real Azurite, PostgreSQL and Redis, and an isolated environment per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import services

pytest_plugins = ["tests.support.smtp"]


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[services.Azurite]:
    """A private Azurite on free ports for the whole session."""
    instance = services.start_azurite(tmp_path_factory.mktemp("azurite"))
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def azurite_connection_string(azurite: services.Azurite) -> str:
    return azurite.connection_string


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for the session, dropped at the end."""
    url = services.create_pg_database()
    yield url
    services.drop_pg_database(url)


@pytest.fixture(scope="session")
def redis_url() -> str:
    return services.check_redis()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'pact.db'}"


@pytest.fixture
def base_environ(tmp_path: Path, azurite_connection_string: str) -> dict[str, str]:
    """The environment a test app runs with: Azurite storage and a private SQLite database."""
    return {
        "PACT_ENV": "test",
        "AzureWebJobsStorage": azurite_connection_string,
        "PACT_DATABASE_URL": f"sqlite:///{tmp_path / 'pact.db'}",
        "PACT_LOG_FORMAT": "text",
    }


@pytest.fixture
def app_environment(monkeypatch: pytest.MonkeyPatch, base_environ: dict[str, str], redis_url: str) -> Iterator[dict[str, str]]:
    """The process environment of a running app (as Azure or devhost would set it), isolated per test.

    The process-wide container is rebuilt from it and closed afterwards; local.settings.json of the
    working tree is ignored so a developer's settings never leak into a test.
    """
    from shared_code.core.bootstrap import reset_container

    environ = {
        **base_environ,
        "PACT_REDIS_URL": redis_url,
        "PACT_LOCAL_SETTINGS": "/nonexistent/local.settings.json",
        # Callers without X-Forwarded-For share one "unknown" bucket in the shared Redis; tests that
        # are about the per-IP limit set their own.
        "PACT_RATE_LIMIT_PER_IP": "100000",
    }
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    reset_container()
    yield environ
    reset_container()
