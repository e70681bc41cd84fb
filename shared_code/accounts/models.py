"""Customer accounts, contracts, the candidates that link them, distributors (schema `acs`), and
contract master data: categories and document requirements (schema `idm`).

Every filter and sort a list offers (shared_code/accounts/resources.py) has an index led by `tenantId`;
tests/records/test_query_cost.py fails for one that has not."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared_code.core.models import (
    Base,
    SoftDeletable,
    TenantOwned,
    Timestamped,
    UUIDPrimaryKey,
    Versioned,
    check_one_of,
)

ACCOUNT_TYPES = ("health_system", "hospital", "clinic", "physician_practice", "pharmacy", "long_term_care", "other")
ACCOUNT_STATUSES = ("active", "inactive", "prospect")
CONTRACT_STATUSES = ("draft", "active", "expired", "terminated")
CANDIDATE_STATUSES = ("eligible", "invited", "sent", "returned", "activated", "declined", "expired")
DISTRIBUTOR_STATUSES = ("active", "inactive")


class Record(UUIDPrimaryKey, TenantOwned, Timestamped, SoftDeletable, Versioned):
    """What every record of this capability is: a tenant's, audited by who and when, soft-deleted, versioned."""


class Account(Record, Base):
    """A customer organisation. `number` is the member account number, unique within a tenant."""

    __tablename__ = "Account"
    __table_args__ = (
        sa.UniqueConstraint("tenantId", "number"),
        sa.Index(None, "tenantId", "name"),
        sa.Index(None, "tenantId", "status", "name"),
        sa.Index(None, "tenantId", "accountType", "name"),
        sa.Index(None, "tenantId", "state", "name"),
        sa.Index(None, "tenantId", "parentId", "name"),  # an account's children, in name order
        sa.Index(None, "tenantId", "city"),
        sa.Index(None, "tenantId", "createdAt"),
        sa.Index(None, "tenantId", "updatedAt"),
        check_one_of("accountType", ACCOUNT_TYPES),
        check_one_of("status", ACCOUNT_STATUSES),
        {"schema": "acs"},
    )

    name: Mapped[str] = mapped_column(sa.Unicode(200))
    number: Mapped[str] = mapped_column(sa.Unicode(50))
    gln: Mapped[str | None] = mapped_column(sa.Unicode(13))
    hin: Mapped[str | None] = mapped_column(sa.Unicode(9))
    dea: Mapped[str | None] = mapped_column(sa.Unicode(9))
    account_type: Mapped[str] = mapped_column(sa.Unicode(30), default="other", server_default="other")
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="active", server_default="active")
    parent_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("acs.Account.id"))
    address_line1: Mapped[str | None] = mapped_column(sa.Unicode(200))
    address_line2: Mapped[str | None] = mapped_column(sa.Unicode(200))
    city: Mapped[str | None] = mapped_column(sa.Unicode(100))
    state: Mapped[str | None] = mapped_column(sa.Unicode(50))
    postal_code: Mapped[str | None] = mapped_column(sa.Unicode(20))
    country: Mapped[str] = mapped_column(sa.Unicode(2), default="US", server_default="US")
    contact_name: Mapped[str | None] = mapped_column(sa.Unicode(200))
    contact_email: Mapped[str | None] = mapped_column(sa.Unicode(320))
    phone: Mapped[str | None] = mapped_column(sa.Unicode(40))


class ContractCategory(Record, Base):
    __tablename__ = "ContractCategory"
    __table_args__ = (
        sa.UniqueConstraint("tenantId", "code"),
        sa.Index(None, "tenantId", "name"),
        sa.Index(None, "tenantId", "createdAt"),
        {"schema": "idm"},
    )

    code: Mapped[str] = mapped_column(sa.Unicode(50))
    name: Mapped[str] = mapped_column(sa.Unicode(200))
    description: Mapped[str | None] = mapped_column(sa.Unicode(1000))


class Contract(Record, Base):
    """A purchasing agreement accounts can activate. `number` is unique within a tenant."""

    __tablename__ = "Contract"
    __table_args__ = (
        sa.UniqueConstraint("tenantId", "number"),
        sa.Index(None, "tenantId", "name"),
        sa.Index(None, "tenantId", "status", "endsOn"),
        sa.Index(None, "tenantId", "categoryId"),
        sa.Index(None, "tenantId", "supplier"),
        sa.Index(None, "tenantId", "startsOn"),
        sa.Index(None, "tenantId", "endsOn"),
        sa.Index(None, "tenantId", "createdAt"),
        check_one_of("status", CONTRACT_STATUSES),
        {"schema": "acs"},
    )

    number: Mapped[str] = mapped_column(sa.Unicode(50))
    name: Mapped[str] = mapped_column(sa.Unicode(200))
    supplier: Mapped[str | None] = mapped_column(sa.Unicode(200))
    category_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("idm.ContractCategory.id"))
    tier: Mapped[str | None] = mapped_column(sa.Unicode(50))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="draft", server_default="draft")
    description: Mapped[str | None] = mapped_column(sa.Unicode(2000))


class ContractRequirement(Record, Base):
    """A document a contract (or every contract of a category) needs from each account."""

    __tablename__ = "ContractRequirement"
    __table_args__ = (
        sa.CheckConstraint(sa.or_(sa.column("contractId").isnot(None), sa.column("categoryId").isnot(None)),
                           name="for_contract_or_category"),
        sa.Index(None, "tenantId", "contractId"),
        sa.Index(None, "tenantId", "categoryId"),
        sa.Index(None, "tenantId", "documentType"),
        sa.Index(None, "tenantId", "createdAt"),
        {"schema": "idm"},
    )

    contract_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("acs.Contract.id"))
    category_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("idm.ContractCategory.id"))
    document_type: Mapped[str] = mapped_column(sa.ForeignKey("core.DocumentType.code"))
    required: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    description: Mapped[str | None] = mapped_column(sa.Unicode(500))


class Candidate(Record, Base):
    """An account eligible for a contract, and how far its activation has come."""

    __tablename__ = "Candidate"
    __table_args__ = (
        sa.UniqueConstraint("tenantId", "accountId", "contractId"),
        sa.Index(None, "tenantId", "contractId", "status"),  # also counts a contract's candidates per status
        sa.Index(None, "tenantId", "contractId", "updatedAt"),
        sa.Index(None, "tenantId", "status", "updatedAt"),
        sa.Index(None, "tenantId", "updatedAt"),
        sa.Index(None, "tenantId", "createdAt"),
        check_one_of("status", CANDIDATE_STATUSES),
        {"schema": "acs"},
    )

    account_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("acs.Account.id"))
    contract_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("acs.Contract.id"))
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="eligible", server_default="eligible")
    invited_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    activated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # declined or expired
    notes: Mapped[str | None] = mapped_column(sa.Unicode(2000))


class Distributor(Record, Base):
    __tablename__ = "Distributor"
    __table_args__ = (
        sa.UniqueConstraint("tenantId", "code"),
        sa.Index(None, "tenantId", "name"),
        sa.Index(None, "tenantId", "status", "name"),
        sa.Index(None, "tenantId", "createdAt"),
        check_one_of("status", DISTRIBUTOR_STATUSES),
        {"schema": "acs"},
    )

    code: Mapped[str] = mapped_column(sa.Unicode(50))
    name: Mapped[str] = mapped_column(sa.Unicode(200))
    status: Mapped[str] = mapped_column(sa.Unicode(20), default="active", server_default="active")
    contact_email: Mapped[str | None] = mapped_column(sa.Unicode(320))
    phone: Mapped[str | None] = mapped_column(sa.Unicode(40))


class AccountDistributor(Record, Base):
    """An account buys through a distributor, within a territory."""

    __tablename__ = "AccountDistributor"
    __table_args__ = (
        sa.UniqueConstraint("tenantId", "accountId", "distributorId"),
        sa.Index(None, "tenantId", "distributorId"),
        sa.Index(None, "tenantId", "territory"),
        sa.Index(None, "tenantId", "createdAt"),
        {"schema": "acs"},
    )

    account_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("acs.Account.id"))
    distributor_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("acs.Distributor.id"))
    territory: Mapped[str | None] = mapped_column(sa.Unicode(100))
    is_primary: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
