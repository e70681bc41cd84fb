"""Accounts, contracts, candidates, distributors and contract master data: the standard REST routes of
each resource, plus the relationship routes."""

from __future__ import annotations

from collections.abc import Callable

import azure.functions as func
from pydantic import BaseModel

from functions._http import api_route
from functions._resources import resource_routes
from functions._scope import path_id, transaction
from shared_code.accounts import relations
from shared_code.accounts import schemas as s
from shared_code.accounts.resources import ALL
from shared_code.core.http.params import ListQuery, page_meta
from shared_code.core.http.request import ApiRequest
from shared_code.core.http.response import ApiResponse, success

bp = func.Blueprint()

for _resource in ALL:
    resource_routes(bp, _resource, tags=[_resource.name])


# -- relationship routes ---------------------------------------------------------------------------
# A route needs the permission to read what it answers with (candidates are guarded by `contracts`,
# as GET /candidates is), so no relationship route shows more than the plain lists would.


def _related_list(route: str, *, name: str, permission: str, summary: str, query: type[ListQuery],
                  response: type[BaseModel], use_case: Callable, parent: str) -> None:
    @api_route(bp, route, name=name, methods=["GET"], permission=permission, tags=[route.split("/")[0]],
               summary=summary, query=query, response=response, list_response=True, errors=[404])
    def list_related(request: ApiRequest) -> ApiResponse:
        params = request.parse_query(query)
        with transaction(request) as (_, session):
            rows, total = use_case(session, **{parent: path_id(request)}, query=params)
        return success(rows, meta=page_meta(params, total))


_related_list("accounts/{id}/contracts", name="accounts_contracts", permission="contracts:read",
              summary="The contracts an account is a candidate for, with its candidate status",
              query=s.AccountContractQuery, response=s.AccountContractPublic,
              use_case=relations.list_account_contracts, parent="account_id")
_related_list("accounts/{id}/candidates", name="accounts_candidates", permission="contracts:read",
              summary="An account's candidacies, each with its contract", query=s.AccountCandidateQuery,
              response=s.AccountCandidatePublic, use_case=relations.list_account_candidates, parent="account_id")
_related_list("accounts/{id}/documents", name="accounts_documents", permission="documents:read",
              summary="The documents kept with an account", query=s.AccountDocumentQuery,
              response=s.AccountDocumentPublic, use_case=relations.list_account_documents, parent="account_id")
_related_list("accounts/{id}/distributors", name="accounts_distributors", permission="accounts:read",
              summary="The distributors an account buys through, with territory and the primary one",
              query=s.AccountDistributorLinkQuery, response=s.AccountDistributorLinkPublic,
              use_case=relations.list_account_distributors, parent="account_id")
_related_list("accounts/{id}/children", name="accounts_children", permission="accounts:read",
              summary="The accounts directly under an account (health-system hierarchy)", query=s.AccountChildQuery,
              response=s.AccountPublic, use_case=relations.list_account_children, parent="account_id")
_related_list("contracts/{id}/candidates", name="contracts_candidates", permission="contracts:read",
              summary="A contract's candidates, each with its account", query=s.ContractCandidateQuery,
              response=s.ContractCandidatePublic, use_case=relations.list_contract_candidates, parent="contract_id")


@api_route(bp, "contracts/{id}/candidate-counts", name="contracts_candidate_counts", methods=["GET"],
           permission="contracts:read", tags=["contracts"], summary="How many candidates a contract has per status",
           response=s.CandidateCounts, errors=[404])
def contract_candidate_counts(request: ApiRequest) -> ApiResponse:
    with transaction(request) as (_, session):
        counts = relations.count_contract_candidates(session, contract_id=path_id(request))
    return success(counts)


@api_route(bp, "contracts/{id}/candidates/bulk", name="contracts_candidates_assign", methods=["POST"],
           permission="contracts:create", tags=["contracts"], request=s.CandidateAssign, response=s.AssignResult,
           summary="Make up to 1,000 accounts candidates of a contract (per-item results)", errors=[404])
def assign_candidates(request: ApiRequest) -> ApiResponse:
    body = request.parse_body(s.CandidateAssign)
    with transaction(request) as (_, session):
        result = relations.assign_accounts(session, contract_id=path_id(request), account_ids=body.account_ids)
    return success(result, message=f"{result.created} candidates created")
