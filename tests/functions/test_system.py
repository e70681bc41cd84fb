"""The system blueprint called as the Functions host calls it: a real func.HttpRequest in, HttpResponse out."""

import json

import azure.functions as func
import pytest
from openapi_spec_validator import validate

import function_app  # noqa: F401  (registers every blueprint, so the registry is complete)
from functions import system
from functions._http import ROUTES


def call(function, url: str, headers=None) -> func.HttpResponse:
    request = func.HttpRequest("GET", url, headers=headers or {}, params={}, route_params={}, body=b"")
    return function(request)


def entry(name: str):
    """The function object the host would invoke for a route (what the blueprint registered)."""
    for fn in system.bp._function_builders:
        built = fn.build()
        if built.get_function_name() == name:
            return built.get_user_function()
    raise LookupError(name)


def test_health_is_green_when_every_dependency_answers(app_environment):
    response = call(entry("health"), "http://localhost/api/v1/health", {"x-correlation-id": "health-1"})
    body = json.loads(response.get_body())
    assert response.status_code == 200, body
    assert body["success"] is True
    assert {name: check["status"] for name, check in body["data"]["checks"].items()} == {
        "database": "ok",
        "storage": "ok",
        "redis": "ok",
    }
    assert response.headers["x-correlation-id"] == "health-1"
    assert response.mimetype == "application/json"


@pytest.mark.parametrize(
    ("setting", "value", "failing"),
    [
        ("PACT_REDIS_URL", "redis://127.0.0.1:1/0", "redis"),
        ("PACT_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none", "database"),
        (
            "AzureWebJobsStorage",
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
            "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;",
            "storage",
        ),
    ],
)
def test_health_answers_503_and_names_the_dependency_that_is_down(app_environment, monkeypatch, setting, value, failing):
    from shared_code.core.bootstrap import reset_container

    monkeypatch.setenv(setting, value)
    reset_container()
    response = call(entry("health"), "http://localhost/api/v1/health")
    body = json.loads(response.get_body())
    assert response.status_code == 503
    statuses = {name: check["status"] for name, check in body["data"]["checks"].items()}
    assert statuses.pop(failing) == "down"
    assert set(statuses.values()) == {"ok"}
    assert "a2V5" not in response.get_body().decode()


def test_health_reports_redis_disabled_but_healthy_without_a_url(app_environment, monkeypatch):
    from shared_code.core.bootstrap import reset_container

    monkeypatch.delenv("PACT_REDIS_URL")
    reset_container()
    body = json.loads(call(entry("health"), "http://localhost/api/v1/health").get_body())
    assert body["data"]["checks"]["redis"]["status"] == "disabled"
    assert body["data"]["status"] == "ok"


def test_openapi_is_valid_3_1_and_lists_every_registered_route(app_environment):
    response = call(entry("openapi"), "http://localhost/api/v1/openapi.json")
    document = json.loads(response.get_body())
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://localhost/api/v1"}]
    listed = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    expected = {(spec.openapi_path, method) for spec in ROUTES for method in spec.methods}
    assert listed == expected
    assert len(expected) >= 2
    for spec in ROUTES:
        for method in spec.methods:
            assert document["paths"][spec.openapi_path][method.lower()]["x-permission"] == spec.permission
