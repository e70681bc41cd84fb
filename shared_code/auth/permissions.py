"""The permission catalogue (`resource:action`) and what each system role is granted.

Data only; docs/SECURITY.md ("Roles and permissions") describes it for people. Migration 0002
inserted this catalogue and a test keeps database and catalogue equal: a change here needs a new
migration.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

from shared_code.core.models import stable_id

CRUD = ("read", "create", "update", "delete")

# resource → its actions. Audit rows are written by the system only, hence no create/update/delete.
ACTIONS: dict[str, tuple[str, ...]] = {
    "users": CRUD,
    "roles": CRUD,
    "accounts": CRUD,
    "contracts": CRUD,
    "documents": CRUD,
    "templates": CRUD,
    "batches": (*CRUD, "release"),
    "returns": (*CRUD, "review"),
    "esign": (*CRUD, "send"),
    "workflows": (*CRUD, "run"),
    "reports": ("read", "export"),
    "audit": ("read", "export"),
    "settings": ("read", "update"),
}

BUSINESS_RESOURCES = (
    "accounts",
    "contracts",
    "documents",
    "templates",
    "batches",
    "returns",
    "esign",
    "workflows",
    "reports",
)

_SPECIFIC = {
    "batches:release": "Release a generated batch for printing or sending",
    "returns:review": "Resolve returned documents that need review",
    "esign:send": "Send envelopes for electronic signature",
    "workflows:run": "Start a workflow by hand",
    "reports:export": "Export reports",
    "audit:export": "Export the audit trail",
}


class PermissionDef(NamedTuple):
    code: str
    resource: str
    action: str
    description: str


def _describe(resource: str, action: str) -> str:
    return _SPECIFIC.get(f"{resource}:{action}", f"{action.capitalize()} {resource}")


PERMISSIONS: tuple[PermissionDef, ...] = tuple(
    PermissionDef(f"{resource}:{action}", resource, action, _describe(resource, action))
    for resource, actions in ACTIONS.items()
    for action in actions
)
ALL_CODES: frozenset[str] = frozenset(p.code for p in PERMISSIONS)


def _codes(resources: tuple[str, ...], actions: tuple[str, ...] | None = None) -> frozenset[str]:
    return frozenset(
        f"{resource}:{action}"
        for resource in resources
        for action in ACTIONS[resource]
        if actions is None or action in actions
    )


ADMIN, MANAGER, USER, VIEWER = "Admin", "Manager", "User", "Viewer"


class SystemRole(NamedTuple):
    name: str
    description: str
    permissions: frozenset[str]


SYSTEM_ROLES: dict[str, SystemRole] = {
    ADMIN: SystemRole(ADMIN, "Everything, including users, roles and settings", ALL_CODES),
    MANAGER: SystemRole(
        MANAGER,
        "All business work; reads users, roles and the audit trail",
        _codes(BUSINESS_RESOURCES) | _codes(("users", "roles", "audit"), ("read",)),
    ),
    USER: SystemRole(
        USER,
        "Reads all business records; creates and updates documents, returns and batches",
        _codes(BUSINESS_RESOURCES, ("read",)) | _codes(("documents", "returns", "batches"), ("create", "update")),
    ),
    VIEWER: SystemRole(VIEWER, "Reads business records", _codes(BUSINESS_RESOURCES, ("read",))),
}


def permission_id(code: str) -> uuid.UUID:
    return stable_id("permission", code)


def system_role_id(name: str) -> uuid.UUID:
    return stable_id("role", name)
