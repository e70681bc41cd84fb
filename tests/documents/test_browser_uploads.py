"""What a browser needs to PUT a large file straight to storage: a CORS rule on the blob service (set on
real Azurite, checked with a real preflight request) and the blob endpoint in the page's connect-src."""

from __future__ import annotations

import json

import pytest
import requests
from azure.storage.blob import BlobServiceClient, CorsRule

from shared_code.documents.browser_uploads import (
    allow_browser_uploads,
    content_security_policy,
    origin_of,
    static_web_app_config,
)
from tests.support.services import REPO

# Origins no other test uses: the blob service's CORS rules are shared by the whole session's Azurite.
WEB = "http://pact-web.test:7071"
ELSEWHERE = "http://elsewhere.test"


@pytest.fixture
def service(azurite_connection_string):
    client = BlobServiceClient.from_connection_string(azurite_connection_string)
    before = client.get_service_properties().get("cors") or []
    yield client
    client.set_service_properties(cors=before)


def _preflight(service, origin: str, headers: str = "x-ms-blob-type,x-ms-version,content-type") -> requests.Response:
    url = service.get_blob_client("temp", "uploads/x.pdf").url
    return requests.options(
        url,
        timeout=10,
        headers={"Origin": origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": headers},
    )


def test_the_web_origin_may_put_blobs_and_no_other(service):
    assert allow_browser_uploads(service, [WEB + "/"]) == [WEB]

    allowed = _preflight(service, WEB)
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == WEB
    assert "PUT" in allowed.headers["Access-Control-Allow-Methods"]
    assert _preflight(service, ELSEWHERE).status_code == 403
    # Only PUT, with the headers the upload sends: a GET from the page is not allowed.
    reading = requests.options(
        service.get_blob_client("temp", "x").url,
        timeout=10,
        headers={"Origin": WEB, "Access-Control-Request-Method": "GET"},
    )
    assert reading.status_code == 403


def test_setting_it_again_replaces_its_rule_and_keeps_the_others(service):
    others = [rule for rule in service.get_service_properties().get("cors") or []]
    service.set_service_properties(
        cors=[
            *others,
            CorsRule([ELSEWHERE], ["GET"], allowed_headers=["*"], exposed_headers=["*"], max_age_in_seconds=60),
        ]
    )
    allow_browser_uploads(service, [WEB])
    allow_browser_uploads(service, [WEB])
    rules = service.get_service_properties()["cors"]
    assert [rule.allowed_origins for rule in rules].count(WEB) == 1
    assert ELSEWHERE in [rule.allowed_origins for rule in rules]
    assert _preflight(service, WEB).status_code == 200


def test_an_origin_must_be_an_absolute_url(service):
    for bad in ("pact.example.com", "/relative"):
        with pytest.raises(ValueError, match="absolute"):
            allow_browser_uploads(service, [bad])
    with pytest.raises(ValueError, match="at least one"):
        allow_browser_uploads(service, [])


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (
            "default-src 'self'; connect-src 'self'; frame-ancestors 'none'",
            "default-src 'self'; connect-src 'self' https://acct.blob.core.windows.net; frame-ancestors 'none'",
        ),
        (
            "default-src 'self' data:",
            "default-src 'self' data:; connect-src 'self' data: https://acct.blob.core.windows.net",
        ),
        (
            "connect-src 'self' https://acct.blob.core.windows.net",
            "connect-src 'self' https://acct.blob.core.windows.net",
        ),
    ],
    ids=["added", "from default-src", "already there"],
)
def test_the_blob_endpoint_joins_connect_src(policy, expected):
    assert content_security_policy(policy, connect=["https://ACCT.blob.core.windows.net/"]) == expected


def test_the_static_web_app_config_keeps_everything_but_widens_connect_src():
    path = REPO / "web" / "staticwebapp.config.json"
    original = json.loads(path.read_text())
    config = static_web_app_config(path, blob_endpoint="https://pactprod.blob.core.windows.net/")
    policy = config["globalHeaders"].pop("Content-Security-Policy")
    before = original["globalHeaders"].pop("Content-Security-Policy")
    assert config == original
    assert "connect-src 'self' https://pactprod.blob.core.windows.net" in policy
    assert policy.replace(" https://pactprod.blob.core.windows.net", "") == before
    assert origin_of("http://127.0.0.1:10000/devstoreaccount1/") == "http://127.0.0.1:10000"
