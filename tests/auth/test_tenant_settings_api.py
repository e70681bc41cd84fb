"""The tenant's identity policy through the API: self-registration and the roles that must use MFA."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shared_code.core.audit import AuditLog


def test_settings_are_read_and_changed_and_the_change_is_audited(admin_app, tenant, admin) -> None:
    assert admin.get("/tenant/settings").data == {"allow_self_registration": False, "mfa_required_roles": ["Admin"]}
    reply = admin.patch("/tenant/settings", {"mfa_required_roles": ["Manager", "Admin", "Manager"]})
    assert reply.data == {"allow_self_registration": False, "mfa_required_roles": ["Admin", "Manager"]}
    opened = admin.patch("/tenant/settings", {"allow_self_registration": True})
    assert opened.data["mfa_required_roles"] == ["Admin", "Manager"]
    with admin_app.unit_of_work(tenant_id=tenant.id) as uow:
        entries = uow.session.scalars(sa.select(AuditLog).where(AuditLog.action == "tenant.update")
                                      .order_by(AuditLog.occurred_at)).all()
    assert [e.changes["settings"]["after"] for e in entries] == [
        {"allow_self_registration": False, "mfa_required_roles": ["Admin", "Manager"]},
        {"allow_self_registration": True, "mfa_required_roles": ["Admin", "Manager"]},
    ]
    assert entries[0].changes["settings"]["before"]["mfa_required_roles"] == ["Admin"]


@pytest.mark.parametrize(
    "body", [{"mfa_required_roles": ["Nobody"]}, {"allow_self_registration": "maybe"}, {"theme": "dark"}]
)
def test_bad_settings_are_refused(admin, body) -> None:
    assert admin.patch("/tenant/settings", body).status == 400
    assert admin.get("/tenant/settings").data["mfa_required_roles"] == ["Admin"]
