"""Whole-flow fixtures: PACT served by devhost over real HTTP, and real Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.devhost import running_devhost
from tests.support.services import unavailable

CHROMIUM = os.environ.get("PACT_CHROMIUM", "/usr/bin/chromium")
# Flags for a closed network: no background connections Chromium would make to Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def pact_server(tmp_path_factory: pytest.TempPathFactory, azurite_connection_string: str, redis_url: str) -> Iterator[str]:
    """PACT as `make run` serves it: the real function_app.py and web/ under devhost, on a migrated database."""
    from shared_code.core.migrate import upgrade

    workdir = tmp_path_factory.mktemp("pact-server")
    database_url = f"sqlite:///{workdir / 'pact.db'}"
    upgrade(database_url)
    environ = {
        "AzureWebJobsStorage": azurite_connection_string,
        "PACT_ENV": "test",
        "PACT_DATABASE_URL": database_url,
        "PACT_REDIS_URL": redis_url,
        "PACT_LOG_FORMAT": "text",
        "PACT_LOCAL_SETTINGS": "/nonexistent/local.settings.json",
    }
    with running_devhost(environ, log_path=workdir / "devhost.log") as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        unavailable(f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium` (make test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
