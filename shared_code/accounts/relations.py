"""What hangs off an account or a contract: the relationship reads, and assigning accounts to a contract.

Every read first finds its parent in the caller's unit of work (another tenant's, or a deleted one, is
not found), then answers one page with one count and one joined SELECT: the related rows come in the
same statement, so a page of 200 costs what a page of 10 does. Rows whose own record, or whose related
record, is soft-deleted are left out, so a contract's candidate list and its status counts agree.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import Session

from shared_code.accounts import schemas as s
from shared_code.accounts.models import (
    CANDIDATE_STATUSES,
    Account,
    AccountDistributor,
    Candidate,
    Contract,
    Distributor,
)
from shared_code.accounts.resources import ACCOUNTS, CANDIDATES, CONTRACTS
from shared_code.core.errors import NotFound
from shared_code.core.http.params import ListQuery
from shared_code.core.resources import bulk_apply, create_record, get_record, restore_record
from shared_code.core.search import contains_any, ordering
from shared_code.documents.models import Document

PublicT = TypeVar("PublicT", bound=BaseModel)
_IN_CHUNK = 500  # ids per IN (...) list: well inside every database's parameter limit (MSSQL: 2,100)


# -- an account's relations ----------------------------------------------------------------------


def list_account_contracts(
    session: Session, *, account_id: uuid.UUID, query: s.AccountContractQuery
) -> tuple[list[s.AccountContractPublic], int]:
    """The contracts `account_id` is a candidate for, each with that candidacy."""
    get_record(session, ACCOUNTS, account_id)
    statement = (
        sa.select(Contract, Candidate)
        .join(Candidate, Candidate.contract_id == Contract.id)
        .where(Candidate.account_id == account_id, Candidate.deleted_at.is_(None), Contract.deleted_at.is_(None),
               *_equal((Contract.status, query.status), (Candidate.status, query.candidate_status)),
               *_search(query, Contract.name, Contract.number, Contract.supplier))
    )
    sorts = {"name": Contract.name, "number": Contract.number, "status": Contract.status,
             "supplier": Contract.supplier, "starts_on": Contract.starts_on, "ends_on": Contract.ends_on,
             "candidate_status": Candidate.status, "updated_at": Candidate.updated_at}
    rows, total = _page(session, statement, query, sorts, default="name", tiebreak=Contract.id)
    return [_joined(s.AccountContractPublic, contract, candidate=candidate) for contract, candidate in rows], total


def list_account_candidates(
    session: Session, *, account_id: uuid.UUID, query: s.AccountCandidateQuery
) -> tuple[list[s.AccountCandidatePublic], int]:
    """The candidacies of `account_id`, each with its contract."""
    get_record(session, ACCOUNTS, account_id)
    statement = (
        sa.select(Candidate, Contract)
        .join(Contract, Contract.id == Candidate.contract_id)
        .where(Candidate.account_id == account_id, Candidate.deleted_at.is_(None), Contract.deleted_at.is_(None),
               *_equal((Candidate.status, query.status), (Candidate.contract_id, query.contract_id)),
               *_search(query, Contract.name, Contract.number, Candidate.notes))
    )
    sorts = {"status": Candidate.status, "created_at": Candidate.created_at, "updated_at": Candidate.updated_at,
             "contract_name": Contract.name, "contract_number": Contract.number}
    rows, total = _page(session, statement, query, sorts, default="-updated_at", tiebreak=Candidate.id)
    return [_joined(s.AccountCandidatePublic, candidate, contract=contract) for candidate, contract in rows], total


def list_account_documents(
    session: Session, *, account_id: uuid.UUID, query: s.AccountDocumentQuery
) -> tuple[list[s.AccountDocumentPublic], int]:
    """The live documents kept with `account_id`, newest first unless sorted otherwise."""
    get_record(session, ACCOUNTS, account_id)
    statement = sa.select(Document).where(
        Document.account_id == account_id, Document.deleted_at.is_(None),
        *_equal((Document.status, query.status), (Document.document_type, query.document_type),
                (Document.contract_id, query.contract_id)),
        *_search(query, Document.title, Document.file_name),
    )
    sorts = {"created_at": Document.created_at, "updated_at": Document.updated_at, "title": Document.title,
             "status": Document.status}
    rows, total = _page(session, statement, query, sorts, default="-created_at", tiebreak=Document.id)
    return [s.AccountDocumentPublic.model_validate(document) for (document,) in rows], total


def list_account_distributors(
    session: Session, *, account_id: uuid.UUID, query: s.AccountDistributorLinkQuery
) -> tuple[list[s.AccountDistributorLinkPublic], int]:
    """The distributors `account_id` buys through, with territory and which one is primary (first)."""
    get_record(session, ACCOUNTS, account_id)
    statement = (
        sa.select(AccountDistributor, Distributor)
        .join(Distributor, Distributor.id == AccountDistributor.distributor_id)
        .where(AccountDistributor.account_id == account_id, AccountDistributor.deleted_at.is_(None),
               Distributor.deleted_at.is_(None), *_equal((AccountDistributor.is_primary, query.is_primary)),
               *_search(query, Distributor.name, Distributor.code, AccountDistributor.territory))
    )
    sorts = {"name": Distributor.name, "code": Distributor.code, "territory": AccountDistributor.territory,
             "is_primary": AccountDistributor.is_primary}
    rows, total = _page(session, statement, query, sorts, default="-is_primary,name", tiebreak=AccountDistributor.id)
    return [_joined(s.AccountDistributorLinkPublic, link, distributor=distributor) for link, distributor in rows], total


def list_account_children(
    session: Session, *, account_id: uuid.UUID, query: s.AccountChildQuery
) -> tuple[list[s.AccountPublic], int]:
    """The accounts directly under `account_id` in its health-system hierarchy."""
    get_record(session, ACCOUNTS, account_id)
    statement = sa.select(Account).where(
        Account.parent_id == account_id, Account.deleted_at.is_(None),
        *_equal((Account.status, query.status), (Account.account_type, query.account_type)),
        *_search(query, Account.name, Account.number, Account.city),
    )
    sorts = {name: getattr(Account, name) for name in ("name", "number", "status", "city", "created_at")}
    rows, total = _page(session, statement, query, sorts, default="name", tiebreak=Account.id)
    return [s.AccountPublic.model_validate(account) for (account,) in rows], total


# -- a contract's candidates ---------------------------------------------------------------------------


def list_contract_candidates(
    session: Session, *, contract_id: uuid.UUID, query: s.ContractCandidateQuery
) -> tuple[list[s.ContractCandidatePublic], int]:
    """The candidates of `contract_id`, each with its account."""
    get_record(session, CONTRACTS, contract_id)
    statement = _live_candidates(contract_id).add_columns(Account).where(
        *_equal((Candidate.status, query.status)), *_search(query, Account.name, Account.number, Account.city)
    )
    sorts = {"status": Candidate.status, "created_at": Candidate.created_at, "updated_at": Candidate.updated_at,
             "account_name": Account.name, "account_number": Account.number}
    rows, total = _page(session, statement, query, sorts, default="-updated_at", tiebreak=Candidate.id)
    return [_joined(s.ContractCandidatePublic, candidate, account=account) for candidate, account in rows], total


def count_contract_candidates(session: Session, *, contract_id: uuid.UUID) -> s.CandidateCounts:
    """How many candidates `contract_id` has in each status (zeros included), counted as its list counts them."""
    get_record(session, CONTRACTS, contract_id)
    statement = _live_candidates(contract_id).with_only_columns(Candidate.status, sa.func.count(Candidate.id))
    counts = dict.fromkeys(CANDIDATE_STATUSES, 0) | dict(session.execute(statement.group_by(Candidate.status)).all())
    return s.CandidateCounts(**counts, total=sum(counts.values()))


def _live_candidates(contract_id: uuid.UUID) -> sa.Select:
    return (
        sa.select(Candidate)
        .join(Account, Account.id == Candidate.account_id)
        .where(Candidate.contract_id == contract_id, Candidate.deleted_at.is_(None), Account.deleted_at.is_(None))
    )


# -- assigning accounts to a contract ----------------------------------------------------------------


def assign_accounts(session: Session, *, contract_id: uuid.UUID, account_ids: list[uuid.UUID]) -> s.AssignResult:
    """Make each account a candidate (eligible) of `contract_id`, in all-or-nothing chunks.

    One that already is stays as it is (reported, not an error); a deleted candidacy is restored as it
    was; an account that does not exist (in this tenant, or any more) fails its item with 404 and, as
    with every bulk action, leaves its chunk unapplied. Repeated ids count once.
    """
    contract = get_record(session, CONTRACTS, contract_id)
    ids = list(dict.fromkeys(account_ids))
    live = _live_accounts(session, ids)  # held, so the per-item reference checks find them in the identity map
    current = _candidacies(session, contract.id, ids)
    done: dict[uuid.UUID, tuple[str, Candidate]] = {}

    def assign(item_session: Session, account_id: uuid.UUID) -> None:
        if account_id not in live:
            raise NotFound("no such account")
        candidate = current.get(account_id)
        if candidate is None:
            data = s.CandidateCreate(account_id=account_id, contract_id=contract.id)
            done[account_id] = ("created", create_record(item_session, CANDIDATES, data))
        elif candidate.deleted_at is not None:
            done[account_id] = ("restored", restore_record(item_session, CANDIDATES, candidate.id))
        else:
            done[account_id] = ("exists", candidate)

    items = []
    for outcome in bulk_apply(session, CANDIDATES, ids=ids, action=assign):
        account_id = uuid.UUID(outcome.id)
        if not outcome.ok:
            items.append(s.AssignItem(account_id=account_id, ok=False, status=outcome.status, error=outcome.error))
            continue
        how, candidate = done[account_id]
        items.append(s.AssignItem(account_id=account_id, ok=True, status=201 if how == "created" else 200,
                                  outcome=how, candidate_id=candidate.id))
    tally = Counter(item.outcome for item in items)
    return s.AssignResult(created=tally["created"], existing=tally["exists"], restored=tally["restored"],
                          failed=tally[None], items=items)


def _live_accounts(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Account]:
    found: dict[uuid.UUID, Account] = {}
    for chunk in _chunks(ids):
        statement = sa.select(Account).where(Account.id.in_(chunk), Account.deleted_at.is_(None))
        found.update((account.id, account) for account in session.scalars(statement))
    return found


def _candidacies(session: Session, contract_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, Candidate]:
    found: dict[uuid.UUID, Candidate] = {}
    for chunk in _chunks(ids):
        statement = sa.select(Candidate).where(Candidate.contract_id == contract_id, Candidate.account_id.in_(chunk))
        found.update((c.account_id, c) for c in session.scalars(statement))
    return found


def _chunks(ids: list[uuid.UUID]) -> list[list[uuid.UUID]]:
    return [ids[start : start + _IN_CHUNK] for start in range(0, len(ids), _IN_CHUNK)]


# -- shared by the reads -------------------------------------------------------------------------------


def _page(
    session: Session, statement: sa.Select, query: ListQuery, sorts: Mapping[str, Any], *, default: str, tiebreak: Any
) -> tuple[list[sa.Row], int]:
    total = session.scalar(sa.select(sa.func.count()).select_from(statement.order_by(None).subquery()))
    order = ordering(query, sorts, default)
    rows = session.execute(statement.order_by(*order, tiebreak).offset(query.offset).limit(query.page_size)).all()
    return list(rows), int(total or 0)


def _equal(*filters: tuple[Any, Any]) -> list[sa.ColumnElement[bool]]:
    """`column == value` for each (column, value) given a value (None: not filtered)."""
    return [column == value for column, value in filters if value is not None]


def _search(query: ListQuery, *columns: Any) -> list[sa.ColumnElement[bool]]:
    return [contains_any(columns, query.q)] if query.q else []


def _joined(model: type[PublicT], row: Any, **related: Any) -> PublicT:
    """`model` from `row`'s attributes, with the related records nested under their names."""
    values = {name: getattr(row, name) for name in model.model_fields if name not in related}
    return model.model_validate(values | related, from_attributes=True)
