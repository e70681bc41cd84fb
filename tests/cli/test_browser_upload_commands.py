"""`pact storage cors` and `pact web config`: what `make run` and a deployment do so that a browser can put
large uploads straight into blob storage (real Azurite, real preflight requests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from azure.storage.blob import BlobServiceClient

from shared_code.cli import main
from shared_code.core.bootstrap import reset_container
from tests.support.services import REPO

WEB = "http://pact-cli.test:8080"  # an origin no other test uses: Azurite's CORS rules are session-wide


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, azurite_connection_string: str) -> Iterator[object]:
    monkeypatch.setenv("PACT_ENV", "test")
    monkeypatch.setenv("AzureWebJobsStorage", azurite_connection_string)
    monkeypatch.setenv("PACT_PUBLIC_URL", f"{WEB}/pact")
    monkeypatch.setenv("PACT_LOCAL_SETTINGS", str(tmp_path / "none.json"))
    reset_container()
    client = BlobServiceClient.from_connection_string(azurite_connection_string)
    before = client.get_service_properties().get("cors") or []
    yield client
    client.set_service_properties(cors=before)
    reset_container()


def _preflight(service, origin: str) -> int:
    return requests.options(
        service.get_blob_client("temp", "uploads/a.pdf").url,
        timeout=10,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-ms-blob-type,content-type",
        },
    ).status_code


def test_storage_cors_allows_the_public_urls_origin_by_default(service, capsys):
    assert _preflight(service, WEB) == 403
    assert main(["storage", "cors"]) == 0
    assert f"{WEB} may PUT blobs" in capsys.readouterr().out
    assert _preflight(service, WEB) == 200


def test_storage_cors_takes_more_origins_and_refuses_a_bad_one(service, capsys):
    assert main(["storage", "cors", "--origin", "http://one.test:1", "--origin", "https://two.test"]) == 0
    assert [_preflight(service, origin) for origin in ("http://one.test:1", "https://two.test", WEB)] == [200] * 3
    assert main(["storage", "cors", "--origin", "not-a-url"]) == 2
    assert "absolute URL" in capsys.readouterr().err


def test_web_config_puts_the_blob_endpoint_in_connect_src(service, tmp_path, capsys):
    endpoint = service.url.split("/devstoreaccount1")[0]  # http://127.0.0.1:<port>
    assert main(["web", "config"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert f"connect-src 'self' {endpoint};" in printed["globalHeaders"]["Content-Security-Policy"]

    output = tmp_path / "staticwebapp.config.json"
    assert (
        main(["web", "config", "--config", str(REPO / "web" / "staticwebapp.config.json"), "--output", str(output)])
        == 0
    )
    assert json.loads(output.read_text()) == printed
    assert main(["web", "config", "--config", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
