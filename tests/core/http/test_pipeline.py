import json
import logging

import pytest
from pydantic import BaseModel, Field

from shared_code.core import errors
from shared_code.core.http import dispatch
from shared_code.core.http.errors import STATUS_BY_ERROR, status_for
from shared_code.core.http.params import ListQuery, page_meta
from shared_code.core.http.registry import PUBLIC, RouteRegistry, RouteSpec
from shared_code.core.http.request import ApiRequest, Headers
from shared_code.core.http.response import success


class Item(BaseModel):
    name: str = Field(min_length=1)
    count: int = 0


def request(body: bytes = b"", *, content_type="application/json", headers=None, query=None) -> ApiRequest:
    h = {"Content-Type": content_type, **(headers or {})}
    return ApiRequest("POST", "http://localhost/api/v1/items", Headers(h), query or {}, {}, body, "cid-1")


def body(response) -> dict:
    return json.loads(response.body)


def deny_unless_public(req, permission):
    if permission != PUBLIC:
        raise errors.Unauthenticated("sign in")


def spec(permission=PUBLIC, name="items") -> RouteSpec:
    return RouteSpec(name=name, route="items", methods=("POST",), permission=permission, summary="items")


def test_success_envelope_shape():
    response = success({"a": 1}, message="done", meta={"page": 1, "page_size": 50, "total": 1}, status=201)
    data = body(response)
    assert response.status == 201
    assert data["success"] is True and data["data"] == {"a": 1} and data["message"] == "done"
    assert data["meta"]["total"] == 1
    assert data["timestamp"].endswith("Z")


def test_valid_body_is_parsed_into_the_model():
    assert request(b'{"name": "x", "count": 2}').parse_body(Item) == Item(name="x", count=2)


@pytest.mark.parametrize(
    ("raw", "ctype", "error"),
    [
        (b"{not json", "application/json", errors.InvalidInput),
        (b"", "application/json", errors.InvalidInput),
        (b'{"name": ""}', "application/json", errors.InvalidInput),
        (b"name=x", "application/x-www-form-urlencoded", errors.UnsupportedMediaType),
        (b"\xff\xfe", "application/json", errors.InvalidInput),
    ],
)
def test_bad_bodies_are_named_errors(raw, ctype, error):
    with pytest.raises(error):
        request(raw, content_type=ctype).parse_body(Item)


def test_validation_errors_name_fields_without_echoing_values():
    with pytest.raises(errors.InvalidInput) as caught:
        request(b'{"name": "", "count": "secret-value"}').parse_body(Item)
    assert {d["field"] for d in caught.value.details} == {"name", "count"}
    assert "secret-value" not in json.dumps(caught.value.details)


def test_every_domain_error_has_a_status():
    for cls in errors.PactError.__subclasses__():
        assert cls in STATUS_BY_ERROR, cls
    assert status_for(errors.NotFound("x")) == 404


def test_handler_errors_become_error_envelopes_with_the_correlation_id():
    def handler(req):
        raise errors.RateLimited("slow down", retry_after=7)

    response = dispatch.handle(spec(), handler, request(b"{}"), deny_unless_public)
    assert response.status == 429
    assert response.headers["Retry-After"] == "7"
    assert response.headers["x-correlation-id"] == "cid-1"
    assert body(response)["error"]["code"] == "rate_limited"


def test_unexpected_errors_answer_500_without_a_trace(caplog):
    def handler(req):
        raise RuntimeError("database password is hunter2")

    with caplog.at_level(logging.ERROR, logger="pact.http"):
        response = dispatch.handle(spec(), handler, request(b"{}"), deny_unless_public)
    text = response.body.decode()
    assert response.status == 500
    assert "hunter2" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert body(response)["error"]["details"]["correlation_id"] == "cid-1"
    assert any("unhandled error" in r.getMessage() for r in caplog.records)


def test_routes_needing_a_permission_are_refused_before_the_handler_runs():
    called = []
    response = dispatch.handle(spec("accounts:read"), lambda req: called.append(1), request(b"{}"), deny_unless_public)
    assert response.status == 401
    assert called == []
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_route_without_a_valid_permission_cannot_be_registered():
    for bad in ("", "accounts", "Accounts:Read", "accounts:read:all"):
        with pytest.raises(ValueError, match="permission"):
            spec(bad)


def test_registry_refuses_duplicate_names_and_overlapping_routes():
    registry = RouteRegistry()
    registry.add(spec(name="one"))
    with pytest.raises(ValueError, match="named"):
        registry.add(spec(name="one"))
    with pytest.raises(ValueError, match="both serve"):
        registry.add(spec(name="two"))


def test_route_template_parameters():
    route = RouteSpec(name="r", route="accounts/{id:guid}/files/{name?}", methods=("GET",), permission=PUBLIC, summary="s")
    assert route.path_params == [("id", False), ("name", True)]
    assert route.openapi_path == "/accounts/{id}/files/{name}"


def test_list_query_limits_and_sort_keys():
    query = ListQuery.model_validate({"page": "3", "page_size": "20", "sort": "-created_at,name"})
    assert query.offset == 40
    assert query.sort_keys({"created_at", "name"}) == [("created_at", True), ("name", False)]
    with pytest.raises(errors.InvalidInput, match="password"):
        query.model_copy(update={"sort": "password"}).sort_keys({"name"})
    assert page_meta(query, 41) == {"page": 3, "page_size": 20, "total": 41}
    for bad in ({"page_size": "201"}, {"page": "0"}, {"unknown": "1"}):
        with pytest.raises(ValueError):
            ListQuery.model_validate(bad)


def test_headers_are_case_insensitive():
    headers = Headers({"X-Correlation-ID": "a"})
    assert headers.get("x-correlation-id") == "a" and "X-CORRELATION-ID" in headers


def test_a_body_nested_deeper_than_the_parser_can_go_is_a_validation_error():
    with pytest.raises(errors.InvalidInput, match="nested"):
        request(b"[" * 100_000).parse_body(Item)


@pytest.mark.parametrize(
    ("forwarded", "ip"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("198.51.100.1, 203.0.113.7:49152", "203.0.113.7"),  # the last hop counts, its port dropped
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("", None),
        ("1" * 80, None),  # longer than any address (the audit trail's column holds 45 characters)
        ("=HYPERLINK(\"http://evil\")", None),
        ("10.0.0.1, not-an-address", None),
    ],
)
def test_the_client_ip_is_the_last_hop_and_only_ever_an_address(forwarded, ip):
    assert request(headers={"X-Forwarded-For": forwarded}).client_ip == ip


def test_a_page_beyond_any_database_offset_is_refused():
    with pytest.raises(ValueError):
        ListQuery.model_validate({"page": str(10**20)})


def test_times_are_read_as_utc_and_one_without_a_utc_equivalent_is_refused():
    from datetime import UTC, datetime

    from shared_code.core.http.params import UtcDateTime
    from shared_code.core.http.request import validate

    class Window(BaseModel):
        start: UtcDateTime

    assert validate(Window, {"start": "2030-01-01T10:00:00"}).start == datetime(2030, 1, 1, 10, tzinfo=UTC)
    assert validate(Window, {"start": "2030-01-01T10:00:00+02:00"}).start == datetime(2030, 1, 1, 8, tzinfo=UTC)
    for out_of_range in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        with pytest.raises(errors.InvalidInput):
            validate(Window, {"start": out_of_range})
