"""The permission catalogue and the system roles' grants (the database side is tests/migrations)."""

from __future__ import annotations

import re
from pathlib import Path

from shared_code.auth.permissions import (
    ACTIONS,
    ADMIN,
    ALL_CODES,
    BUSINESS_RESOURCES,
    MANAGER,
    PERMISSIONS,
    SYSTEM_ROLES,
    USER,
    VIEWER,
    permission_id,
    system_role_id,
)

SECURITY_DOC = Path(__file__).resolve().parents[2] / "docs" / "SECURITY.md"


def _grants(role: str) -> frozenset[str]:
    return SYSTEM_ROLES[role].permissions


def test_codes_are_resource_colon_action_and_unique() -> None:
    codes = [p.code for p in PERMISSIONS]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z]+:[a-z]+", c) for c in codes)
    assert all(p.code == f"{p.resource}:{p.action}" and p.description for p in PERMISSIONS)


def test_every_resource_can_be_read_and_specific_actions_exist() -> None:
    assert all("read" in actions for actions in ACTIONS.values())
    assert {"returns:review", "batches:release", "reports:export", "audit:export"} <= ALL_CODES
    assert not {"audit:create", "audit:update", "audit:delete"} & ALL_CODES  # the trail is append-only


def test_the_four_system_roles_and_only_known_codes() -> None:
    assert list(SYSTEM_ROLES) == [ADMIN, MANAGER, USER, VIEWER]
    assert all(role.permissions <= ALL_CODES for role in SYSTEM_ROLES.values())


def test_admin_has_everything() -> None:
    assert _grants(ADMIN) == ALL_CODES


def test_manager_runs_the_business_but_not_users_roles_or_settings() -> None:
    manager = _grants(MANAGER)
    assert {c for c in ALL_CODES if c.split(":")[0] in BUSINESS_RESOURCES} <= manager
    assert {"users:read", "roles:read", "audit:read"} <= manager
    assert not {c for c in manager if c.split(":")[0] in ("users", "roles", "settings") and not c.endswith(":read")}
    assert not {c for c in manager if c.startswith("settings:")}
    assert "audit:export" not in manager


def test_user_reads_the_business_and_edits_documents_returns_and_batches() -> None:
    reads = {f"{r}:read" for r in BUSINESS_RESOURCES}
    edits = {f"{r}:{a}" for r in ("documents", "returns", "batches") for a in ("create", "update")}
    assert _grants(USER) == reads | edits


def test_viewer_only_reads_the_business() -> None:
    assert _grants(VIEWER) == {f"{r}:read" for r in BUSINESS_RESOURCES}


def test_ids_are_stable() -> None:
    assert permission_id("users:read") == permission_id("users:read") != permission_id("users:create")
    assert str(system_role_id(ADMIN)) == "87786fc5-c12a-50a8-861f-27e75e0945d3"  # as migration 0002 inserted it


def test_security_doc_lists_the_catalogue() -> None:
    doc = SECURITY_DOC.read_text(encoding="utf-8")
    section = doc.split("## Roles and permissions", 1)[1].split("\n## ", 1)[0]
    for resource, actions in ACTIONS.items():
        assert f"| {resource} | {', '.join(actions)} |" in section, f"docs/SECURITY.md: row for {resource}"
    for role in SYSTEM_ROLES:
        assert f"| {role} |" in section
