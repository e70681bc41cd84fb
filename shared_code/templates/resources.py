"""Templates as a REST resource (see shared_code/core/resources.py): list, export, bulk, PATCH, retire (the
soft delete) and restore come from the generic routes. A template is made by uploading its PDF
(shared_code/templates/uploads.py), and its detail shows the latest version (service.py)."""

from __future__ import annotations

from shared_code.accounts.models import ContractCategory
from shared_code.core.resources import Resource
from shared_code.templates import schemas as s
from shared_code.templates.models import Template

TEMPLATES = Resource(
    name="templates",
    entity="template",
    model=Template,
    public=s.TemplatePublic,
    create=None,
    update=s.TemplateUpdate,
    query=s.TemplateQuery,
    search=("name", "description", "category"),
    sorts=("name", "status", "category", "created_at", "updated_at"),
    default_sort="name",
    references={"contract_category_id": ContractCategory},
)
