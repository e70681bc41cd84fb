"""Records made straight in a tenant's unit of work (not through the API), for tests that read them back."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from shared_code.accounts.models import (
    Account,
    AccountDistributor,
    Candidate,
    Contract,
    ContractCategory,
    ContractRequirement,
    Distributor,
)
from shared_code.documents.models import Document


@contextmanager
def tenant_session(app, tenant) -> Iterator[Session]:
    """A session of `tenant`'s unit of work, committed at the end of the block."""
    with app.unit_of_work(tenant_id=tenant.id, actor_id=tenant.admin.id) as uow:
        yield uow.session
        uow.commit()


def _add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def account(session: Session, name: str, **fields: Any) -> Account:
    return _add(session, Account(name=name, number=fields.pop("number", f"A-{uuid.uuid4().hex[:8]}"), **fields))


def contract(session: Session, name: str, **fields: Any) -> Contract:
    return _add(session, Contract(name=name, number=fields.pop("number", f"C-{uuid.uuid4().hex[:8]}"), **fields))


def candidate(session: Session, account_row: Account, contract_row: Contract, **fields: Any) -> Candidate:
    return _add(session, Candidate(account_id=account_row.id, contract_id=contract_row.id, **fields))


def distributor(session: Session, name: str, **fields: Any) -> Distributor:
    return _add(session, Distributor(name=name, code=fields.pop("code", f"D-{uuid.uuid4().hex[:6]}"), **fields))


def link(session: Session, account_row: Account, distributor_row: Distributor, **fields: Any) -> AccountDistributor:
    return _add(session, AccountDistributor(account_id=account_row.id, distributor_id=distributor_row.id, **fields))


def category(session: Session, name: str, **fields: Any) -> ContractCategory:
    return _add(session, ContractCategory(name=name, code=fields.pop("code", f"K-{uuid.uuid4().hex[:6]}"), **fields))


def requirement(session: Session, **fields: Any) -> ContractRequirement:
    return _add(session, ContractRequirement(document_type=fields.pop("document_type", "participation_form"), **fields))


def document(session: Session, title: str, account_row: Account | None = None, **fields: Any) -> Document:
    content = title.encode()
    values = {
        "file_name": f"{title.lower().replace(' ', '-')}.pdf", "container": "documents",
        "blob_name": f"{uuid.uuid4()}.pdf", "content_type": "application/pdf", "size_bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(), "page_count": 1,
        "account_id": account_row.id if account_row else None, **fields,
    }
    return _add(session, Document(title=title, **values))
