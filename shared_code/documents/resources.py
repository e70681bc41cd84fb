"""Documents and bundles as REST resources (see shared_code/core/resources.py).

A document's metadata is edited through the generic routes; its file arrives through the upload
routes (shared_code/documents/uploads.py), so documents have no create model and no generic create route.
"""

from __future__ import annotations

from shared_code.accounts.models import Account, Contract
from shared_code.core.reference import DocumentType
from shared_code.core.resources import Resource
from shared_code.documents import schemas as s
from shared_code.documents.models import Bundle, Document

DOCUMENTS = Resource(
    name="documents",
    entity="document",
    model=Document,
    public=s.DocumentPublic,
    create=None,
    update=s.DocumentUpdate,
    query=s.DocumentQuery,
    search=("title", "file_name"),
    sorts=("title", "file_name", "status", "size_bytes", "page_count", "created_at", "updated_at"),
    default_sort="-created_at",
    references={"account_id": Account, "contract_id": Contract, "document_type": DocumentType},
)
BUNDLES = Resource(
    name="bundles",
    entity="bundle",
    model=Bundle,
    permission="documents",
    public=s.BundlePublic,
    create=s.BundleCreate,
    update=s.BundleUpdate,
    query=s.BundleQuery,
    search=("name", "description"),
    sorts=("name", "status", "created_at", "updated_at"),
    default_sort="name",
    references={"account_id": Account, "contract_id": Contract},
)

ALL = (DOCUMENTS, BUNDLES)
