"""A property-based run of the records API against its own description (/api/v1/openapi.json).

Schemathesis generates requests for every records route (valid and invalid input, and the boundary
cases of each parameter) and sends them to PACT served by devhost, as a caller holding every
permission. Each answer must be a documented status that is not a server error, with the documented
content type and a body that matches its schema; input the description calls invalid must be refused.

A few records of each kind are made first, and valid requests sometimes name them instead of the
generated ids, so the run reaches found records (updates, deletes, relationships), not only 404s.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import hypothesis.strategies as st
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings

from shared_code.accounts.resources import ALL as RECORD_RESOURCES
from shared_code.auth.permissions import ALL_CODES
from shared_code.documents.resources import ALL as DOCUMENT_RESOURCES
from tests.support import services
from tests.support.auth_server import running_auth_server

pytestmark = [pytest.mark.slow, pytest.mark.redis]

RESOURCES = (*RECORD_RESOURCES, *DOCUMENT_RESOURCES)
MAX_EXAMPLES = 20  # generated requests per operation, besides the coverage phase's boundary cases
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "negative_data_rejection")
# Fields of a body or query that name another record, and the resource they name.
REFERENCES = {"account_id": "accounts", "parent_id": "accounts", "contract_id": "contracts",
              "category_id": "contract-categories", "distributor_id": "distributors"}
TOKEN_SLOT = "Bearer <the caller's token>"  # cases are built before the server runs: filled in on the call
# The running server's token and record ids, set by the `served` fixture for the hooks below
# (schemathesis hands them the case only).
RUNNING: dict[str, Any] = {}


def _description() -> dict[str, Any]:
    """The API description, built as /api/v1/openapi.json builds it (`served` checks that they agree):
    pytest needs the operations when it collects, before any server runs."""
    import function_app  # noqa: F401  (registers every route)
    from functions._http import ROUTES
    from shared_code.core.http.openapi import build_openapi

    return build_openapi(ROUTES, title="PACT API", version="1", server_url="http://pact.invalid/api/v1")


# A raw upload body goes on the wire as the bytes generated for it (schemathesis knows no PDF serializer).
schemathesis.serializer.alias("application/pdf", "application/octet-stream")

schema = schemathesis.openapi.from_dict(_description(), config=schemathesis.Config.from_dict({
    "generation": {"max-examples": MAX_EXAMPLES, "mode": "all"},
    "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    "phases": {"examples": {"enabled": False}, "stateful": {"enabled": False}},
})).include(tag=[resource.name for resource in RESOURCES])


@schema.auth()
class _BearerToken:
    """Every request carries the caller's token, except those generated to test missing or bad credentials."""

    def get(self, case, context):
        return TOKEN_SLOT

    def set(self, case, value, context):
        case.headers = {**(case.headers or {}), "Authorization": value}


@schema.hook
def flatmap_case(context, case):
    # Only valid requests get real ids: swapped into an invalid one, a real id could make it valid.
    if case.meta is None or case.meta.generation.mode.name != "POSITIVE":
        return st.just(case)
    return st.booleans().map(lambda real: _with_real_ids(case, RUNNING["ids"]) if real else case)


def _with_real_ids(case, ids: dict[str, list[str]]):
    resource = case.operation.path.strip("/").split("/")[0]
    if case.path_parameters and "id" in case.path_parameters and ids.get(resource):
        case.path_parameters["id"] = ids[resource][0]
    for values in (case.body, case.query):
        if isinstance(values, dict):
            for name, target in REFERENCES.items():
                if values.get(name) is not None and target in ids:
                    values[name] = ids[target][-1]
    return case


@pytest.fixture(scope="module")
def private_azurite(tmp_path_factory) -> Iterator[str]:
    """Storage of its own: the session's Azurite holds blobs and queue messages earlier tests left (templates,
    `generate` chunks), which this server's triggers would pick up and work on its SQLite database while the
    fixture seeds it ("database is locked")."""
    azurite = services.start_azurite(tmp_path_factory.mktemp("fuzz-azurite"))
    try:
        yield azurite.connection_string
    finally:
        azurite.stop()


@pytest.fixture(scope="module")
def served(tmp_path_factory, private_azurite, redis_url):
    """The API's base URL on a running PACT that has a few records of each kind."""
    # One caller sends a few thousand requests in a minute or two: the per-minute limits would
    # answer 429 (documented, but the run would stop reaching the routes).
    limits = {"PACT_RATE_LIMIT_PER_USER": "1000000", "PACT_RATE_LIMIT_PER_IP": "1000000"}
    with running_auth_server(tmp_path_factory.mktemp("fuzz"), azurite_connection_string=private_azurite,
                             redis_url=redis_url, extra=limits) as server:
        api = f"{server.base_url}/api/v1"
        served_description = requests.get(f"{api}/openapi.json", timeout=30).json()
        assert {**served_description, "servers": []} == {**_description(), "servers": []}
        token = server.mint_token(server.make_user(role="Admin"), permissions=frozenset(ALL_CODES),
                                  ttl=timedelta(hours=2))
        RUNNING.update(token=token, ids=_seed(api, token))
        yield api
        RUNNING.clear()


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_generated_requests_get_documented_answers(case, served):
    if case.headers and case.headers.get("Authorization") == TOKEN_SLOT:
        case.headers["Authorization"] = f"Bearer {RUNNING['token']}"
    case.call_and_validate(base_url=served, timeout=30)


def test_the_run_covers_every_records_route():
    operations = {f"{op.method.upper()} {op.path}" for op in (result.ok() for result in schema.get_all_operations())}
    for resource in RESOURCES:
        n = resource.name
        standard = {f"GET /{n}", f"POST /{n}", f"GET /{n}/export", f"POST /{n}/bulk", f"GET /{n}/{{id}}",
                    f"PATCH /{n}/{{id}}", f"DELETE /{n}/{{id}}", f"POST /{n}/{{id}}/restore"}
        if n == "documents":  # made by upload, never from JSON
            standard.remove("POST /documents")
        assert standard <= operations, standard - operations
    assert {"GET /accounts/{id}/contracts", "GET /contracts/{id}/candidate-counts", "POST /documents/upload",
            "PUT /bundles/{id}/documents"} <= operations


# -- what the run found, pinned down -------------------------------------------------------------


def _call(method: str, url: str, **kwargs) -> requests.Response:
    return requests.request(method, url, headers={"Authorization": f"Bearer {RUNNING['token']}"}, timeout=30,
                            **kwargs)


def test_a_date_is_written_as_a_date_not_a_number(served):
    # pydantic alone reads "0" as a Unix time (1970-01-01) where the description says `format: date`.
    assert _call("GET", f"{served}/accounts", params={"created_at_to": "0"}).status_code == 400
    assert _call("GET", f"{served}/contracts", params={"ends_on_from": "20240101"}).status_code == 400
    assert _call("GET", f"{served}/accounts", params={"created_at_to": "2030-01-01"}).status_code == 200
    body = {"name": "Dated", "number": f"D-{uuid.uuid4().hex[:6]}", "starts_on": 0}
    assert _call("POST", f"{served}/contracts", json=body).status_code == 400


def test_a_query_parameter_given_twice_is_refused(served):
    # The host joins the values ("NE,IA"): the list would be filtered on a state nobody asked for.
    reply = _call("GET", f"{served}/accounts", params={"state": ["NE", "IA"]})
    assert reply.status_code == 400
    assert reply.json()["error"]["details"] == [{"field": "state", "message": "give it once"}]
    assert _call("GET", f"{served}/accounts", params={"state": "NE"}).status_code == 200


# -- records to aim at -------------------------------------------------------------------------------


def _seed(api: str, token: str) -> dict[str, list[str]]:
    """Two of each kind of record, made over HTTP; their ids by resource name."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def create(name: str, body: dict[str, Any]) -> str:
        # The server's first write also proves that a fresh worker can flush before any request has
        # imported the tables its rows refer to (core.Tenant).
        reply = session.post(f"{api}/{name}", json=body, timeout=30)
        assert reply.status_code == 201, reply.text
        return reply.json()["data"]["id"]

    ids: dict[str, list[str]] = {}
    for i in range(2):
        tag = uuid.uuid4().hex[:6]
        category = create("contract-categories", {"code": f"K-{tag}", "name": f"Category {i}"})
        contract = create("contracts", {"name": f"Contract {i}", "number": f"C-{tag}", "category_id": category})
        parent = create("accounts", {"name": f"Health system {i}", "number": f"H-{tag}", "state": "NE"})
        account = create("accounts", {"name": f"Hospital {i}", "number": f"A-{tag}", "parent_id": parent})
        distributor = create("distributors", {"name": f"Distributor {i}", "code": f"D-{tag}"})
        requirement = create("contract-requirements", {"contract_id": contract, "document_type": "participation_form"})
        candidate = create("candidates", {"account_id": account, "contract_id": contract})
        link = create("account-distributors", {"account_id": account, "distributor_id": distributor})
        bundle = create("bundles", {"name": f"Bundle {i}", "account_id": account})
        upload = session.post(f"{api}/documents/upload", data=_pdf(), params={"account_id": account},
                              headers={"Content-Type": "application/pdf"}, timeout=30)
        assert upload.status_code == 201, upload.text
        for name, record in (("contract-categories", category), ("contracts", contract), ("accounts", parent),
                             ("accounts", account), ("distributors", distributor), ("candidates", candidate),
                             ("contract-requirements", requirement), ("account-distributors", link),
                             ("bundles", bundle), ("documents", upload.json()["data"]["id"])):
            ids.setdefault(name, []).append(record)
    return ids


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=612, height=792)
    writer.write(out)
    return out.getvalue()
