"""API shapes of accounts, contracts, candidates, distributors and contract master data."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from shared_code.core.http.params import IsoDate, ListQuery
from shared_code.core.record_schemas import RecordInput, RecordPublic, RecordQuery

AccountType = Literal[
    "health_system", "hospital", "clinic", "physician_practice", "pharmacy", "long_term_care", "other"
]
AccountStatus = Literal["active", "inactive", "prospect"]
ContractStatus = Literal["draft", "active", "expired", "terminated"]
CandidateStatus = Literal["eligible", "invited", "sent", "returned", "activated", "declined", "expired"]
DistributorStatus = Literal["active", "inactive"]

Text200 = Field(min_length=1, max_length=200)


# -- accounts --------------------------------------------------------------------------------


class _AccountFields(RecordInput):
    gln: str | None = Field(None, pattern=r"^\d{13}$", description="GS1 Global Location Number")
    hin: str | None = Field(None, pattern=r"^[A-Za-z0-9]{9}$", description="Health Industry Number")
    dea: str | None = Field(None, pattern=r"^[A-Za-z]{2}\d{7}$", description="DEA registration")
    account_type: AccountType | None = None
    status: AccountStatus | None = None
    parent_id: uuid.UUID | None = None
    address_line1: str | None = Field(None, max_length=200)
    address_line2: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=100)
    state: str | None = Field(None, max_length=50)
    postal_code: str | None = Field(None, max_length=20)
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    contact_name: str | None = Field(None, max_length=200)
    contact_email: EmailStr | None = None
    phone: str | None = Field(None, max_length=40)


class AccountCreate(_AccountFields):
    name: str = Text200
    number: str = Field(min_length=1, max_length=50, description="member account number, unique in the tenant")


class AccountUpdate(_AccountFields):
    name: str | None = Field(None, min_length=1, max_length=200)
    number: str | None = Field(None, min_length=1, max_length=50)


class AccountPublic(RecordPublic):
    name: str
    number: str
    gln: str | None
    hin: str | None
    dea: str | None
    account_type: str
    status: str
    parent_id: uuid.UUID | None
    address_line1: str | None
    address_line2: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str
    contact_name: str | None
    contact_email: str | None
    phone: str | None


class AccountQuery(RecordQuery):
    status: AccountStatus | None = None
    account_type: AccountType | None = None
    parent_id: uuid.UUID | None = None
    state: str | None = Field(None, max_length=50)


# -- contract categories and requirements -----------------------------------------------------------


class CategoryCreate(RecordInput):
    code: str = Field(min_length=1, max_length=50)
    name: str = Text200
    description: str | None = Field(None, max_length=1000)


class CategoryUpdate(RecordInput):
    code: str | None = Field(None, min_length=1, max_length=50)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=1000)


class CategoryPublic(RecordPublic):
    code: str
    name: str
    description: str | None


class CategoryQuery(RecordQuery):
    pass


class RequirementCreate(RecordInput):
    contract_id: uuid.UUID | None = None
    category_id: uuid.UUID | None = None
    document_type: str = Field(min_length=1, max_length=50)
    required: bool = True
    description: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _for_something(self) -> RequirementCreate:
        if self.contract_id is None and self.category_id is None:
            raise ValueError("a requirement belongs to a contract or to a category")
        return self


class RequirementUpdate(RecordInput):
    document_type: str | None = Field(None, min_length=1, max_length=50)
    required: bool | None = None
    description: str | None = Field(None, max_length=500)


class RequirementPublic(RecordPublic):
    contract_id: uuid.UUID | None
    category_id: uuid.UUID | None
    document_type: str
    required: bool
    description: str | None


class RequirementQuery(RecordQuery):
    contract_id: uuid.UUID | None = None
    category_id: uuid.UUID | None = None


# -- contracts --------------------------------------------------------------------------------


class _ContractFields(RecordInput):
    supplier: str | None = Field(None, max_length=200)
    category_id: uuid.UUID | None = None
    tier: str | None = Field(None, max_length=50)
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    status: ContractStatus | None = None
    description: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _ordered_dates(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class ContractCreate(_ContractFields):
    name: str = Text200
    number: str = Field(min_length=1, max_length=50, description="contract number, unique in the tenant")


class ContractUpdate(_ContractFields):
    name: str | None = Field(None, min_length=1, max_length=200)
    number: str | None = Field(None, min_length=1, max_length=50)


class ContractPublic(RecordPublic):
    number: str
    name: str
    supplier: str | None
    category_id: uuid.UUID | None
    tier: str | None
    starts_on: date | None
    ends_on: date | None
    status: str
    description: str | None


class ContractQuery(RecordQuery):
    status: ContractStatus | None = None
    category_id: uuid.UUID | None = None
    supplier: str | None = Field(None, max_length=200)
    ends_on_from: IsoDate | None = None
    ends_on_to: IsoDate | None = None


# -- candidates -------------------------------------------------------------------------------


class CandidateCreate(RecordInput):
    account_id: uuid.UUID
    contract_id: uuid.UUID
    status: CandidateStatus = "eligible"
    notes: str | None = Field(None, max_length=2000)


class CandidateUpdate(RecordInput):
    status: CandidateStatus | None = None
    notes: str | None = Field(None, max_length=2000)


class CandidatePublic(RecordPublic):
    account_id: uuid.UUID
    contract_id: uuid.UUID
    status: str
    invited_at: datetime | None
    sent_at: datetime | None
    returned_at: datetime | None
    activated_at: datetime | None
    closed_at: datetime | None
    notes: str | None


class CandidateQuery(RecordQuery):
    status: CandidateStatus | None = None
    account_id: uuid.UUID | None = None
    contract_id: uuid.UUID | None = None
    updated_at_from: IsoDate | None = None
    updated_at_to: IsoDate | None = None


# -- distributors -----------------------------------------------------------------------------


class DistributorCreate(RecordInput):
    code: str = Field(min_length=1, max_length=50)
    name: str = Text200
    status: DistributorStatus = "active"
    contact_email: EmailStr | None = None
    phone: str | None = Field(None, max_length=40)


class DistributorUpdate(RecordInput):
    code: str | None = Field(None, min_length=1, max_length=50)
    name: str | None = Field(None, min_length=1, max_length=200)
    status: DistributorStatus | None = None
    contact_email: EmailStr | None = None
    phone: str | None = Field(None, max_length=40)


class DistributorPublic(RecordPublic):
    code: str
    name: str
    status: str
    contact_email: str | None
    phone: str | None


class DistributorQuery(RecordQuery):
    status: DistributorStatus | None = None


class AccountDistributorCreate(RecordInput):
    account_id: uuid.UUID
    distributor_id: uuid.UUID
    territory: str | None = Field(None, max_length=100)
    is_primary: bool = False


class AccountDistributorUpdate(RecordInput):
    territory: str | None = Field(None, max_length=100)
    is_primary: bool | None = None


class AccountDistributorPublic(RecordPublic):
    account_id: uuid.UUID
    distributor_id: uuid.UUID
    territory: str | None
    is_primary: bool


class AccountDistributorQuery(RecordQuery):
    account_id: uuid.UUID | None = None
    distributor_id: uuid.UUID | None = None
    territory: str | None = Field(None, max_length=100)


# -- relationships: an account's contracts, candidates, documents, distributors, children; a contract's candidates --


class AccountBrief(BaseModel):
    """An account as a related row shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    number: str
    account_type: str
    status: str
    city: str | None
    state: str | None


class ContractBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: str
    name: str
    supplier: str | None
    status: str
    ends_on: date | None


class CandidateBrief(BaseModel):
    """Where an account stands with one contract."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: str
    invited_at: datetime | None
    sent_at: datetime | None
    returned_at: datetime | None
    activated_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime


class DistributorBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    status: str


class AccountContractPublic(ContractPublic):
    """A contract an account is a candidate for, with that candidacy."""

    candidate: CandidateBrief


class AccountCandidatePublic(CandidatePublic):
    contract: ContractBrief


class ContractCandidatePublic(CandidatePublic):
    account: AccountBrief


class AccountDistributorLinkPublic(AccountDistributorPublic):
    distributor: DistributorBrief


class AccountDocumentPublic(BaseModel):
    """A document kept with an account, as the account's page lists it (the documents API has the rest)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    title: str
    file_name: str
    content_type: str
    size_bytes: int
    page_count: int | None
    status: str
    document_type: str | None
    contract_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class AccountContractQuery(ListQuery):
    status: ContractStatus | None = Field(None, description="the contract's status")
    candidate_status: CandidateStatus | None = None


class AccountCandidateQuery(ListQuery):
    status: CandidateStatus | None = None
    contract_id: uuid.UUID | None = None


class AccountDocumentQuery(ListQuery):
    status: str | None = Field(None, max_length=20)
    document_type: str | None = Field(None, max_length=50)
    contract_id: uuid.UUID | None = None


class AccountDistributorLinkQuery(ListQuery):
    is_primary: bool | None = None


class AccountChildQuery(ListQuery):
    status: AccountStatus | None = None
    account_type: AccountType | None = None


class ContractCandidateQuery(ListQuery):
    status: CandidateStatus | None = None


class CandidateCounts(BaseModel):
    """How many live candidates a contract has in each status (every status present), and in all."""

    eligible: int = 0
    invited: int = 0
    sent: int = 0
    returned: int = 0
    activated: int = 0
    declined: int = 0
    expired: int = 0
    total: int = 0


class CandidateAssign(RecordInput):
    account_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=1000, description="accounts to make candidates (eligible) of the contract"
    )


class AssignItem(BaseModel):
    account_id: uuid.UUID
    ok: bool
    status: int = Field(description="201 created, 200 already a candidate (or restored), else the item's error")
    outcome: Literal["created", "exists", "restored"] | None = None
    candidate_id: uuid.UUID | None = None
    error: str | None = None


class AssignResult(BaseModel):
    created: int
    existing: int
    restored: int = Field(description="deleted candidates brought back, as they were")
    failed: int
    items: list[AssignItem]
