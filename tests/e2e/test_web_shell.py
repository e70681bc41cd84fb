"""The web shell in real Chromium, served by devhost on the same origin as the API."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_api_and_ui_share_one_origin(pact_server):
    with urllib.request.urlopen(pact_server + "/api/v1/health") as response:
        assert response.status == 200
        body = json.loads(response.read())
    assert body["data"]["status"] == "ok"
    with urllib.request.urlopen(pact_server + "/") as response:
        assert "text/html" in response.headers["Content-Type"]
        assert b'<main id="view"' in response.read()


def test_health_page_shows_every_dependency_green(pact_server, page):
    page.goto(pact_server + "/")
    expect(page.locator("#health-summary")).to_have_text("All systems operational.")
    for check in ("database", "storage", "redis"):
        expect(page.locator(f'tr[data-check="{check}"] td.status')).to_have_text("ok")
    expect(page.locator('nav a[aria-current="page"]')).to_have_text("System health")


def test_unknown_view_says_not_found(pact_server, page):
    page.goto(pact_server + "/#/no-such-page")
    expect(page.locator("#view h1")).to_have_text("Not found")
