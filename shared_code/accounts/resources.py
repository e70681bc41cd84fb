"""The records of this capability as REST resources (see shared_code/core/resources.py)."""

from __future__ import annotations

from shared_code.accounts import schemas as s
from shared_code.accounts.models import (
    Account,
    AccountDistributor,
    Candidate,
    Contract,
    ContractCategory,
    ContractRequirement,
    Distributor,
)
from shared_code.core.resources import Resource

ACCOUNTS = Resource(
    name="accounts", entity="account", model=Account,
    public=s.AccountPublic, create=s.AccountCreate, update=s.AccountUpdate, query=s.AccountQuery,
    search=("name", "number", "city", "gln", "hin", "dea"),
    sorts=("name", "number", "status", "city", "state", "created_at", "updated_at"), default_sort="name",
    references={"parent_id": Account},
)
CONTRACTS = Resource(
    name="contracts", entity="contract", model=Contract,
    public=s.ContractPublic, create=s.ContractCreate, update=s.ContractUpdate, query=s.ContractQuery,
    search=("name", "number", "supplier"),
    sorts=("name", "number", "status", "supplier", "starts_on", "ends_on", "created_at"), default_sort="name",
    references={"category_id": ContractCategory},
)
CANDIDATES = Resource(
    name="candidates", entity="candidate", model=Candidate, permission="contracts",
    public=s.CandidatePublic, create=s.CandidateCreate, update=s.CandidateUpdate, query=s.CandidateQuery,
    search=("notes",), sorts=("status", "created_at", "updated_at"), default_sort="-updated_at",
    references={"account_id": Account, "contract_id": Contract},
)
DISTRIBUTORS = Resource(
    name="distributors", entity="distributor", model=Distributor, permission="accounts",
    public=s.DistributorPublic, create=s.DistributorCreate, update=s.DistributorUpdate, query=s.DistributorQuery,
    search=("name", "code"), sorts=("name", "code", "status", "created_at"), default_sort="name",
)
ACCOUNT_DISTRIBUTORS = Resource(
    name="account-distributors", entity="account-distributor link", model=AccountDistributor, permission="accounts",
    public=s.AccountDistributorPublic, create=s.AccountDistributorCreate, update=s.AccountDistributorUpdate,
    query=s.AccountDistributorQuery, search=("territory",), sorts=("territory", "created_at"),
    default_sort="created_at", references={"account_id": Account, "distributor_id": Distributor},
)
CATEGORIES = Resource(
    name="contract-categories", entity="contract category", model=ContractCategory, permission="contracts",
    public=s.CategoryPublic, create=s.CategoryCreate, update=s.CategoryUpdate, query=s.CategoryQuery,
    search=("code", "name"), sorts=("code", "name", "created_at"), default_sort="name",
)
REQUIREMENTS = Resource(
    name="contract-requirements", entity="contract requirement", model=ContractRequirement, permission="contracts",
    public=s.RequirementPublic, create=s.RequirementCreate, update=s.RequirementUpdate, query=s.RequirementQuery,
    search=("document_type", "description"), sorts=("document_type", "created_at"), default_sort="created_at",
    references={"contract_id": Contract, "category_id": ContractCategory},
)

ALL = (ACCOUNTS, CONTRACTS, CANDIDATES, DISTRIBUTORS, ACCOUNT_DISTRIBUTORS, CATEGORIES, REQUIREMENTS)
