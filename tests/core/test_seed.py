"""Seeding: the default tenant and first admin, and the demo team; running twice changes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.auth.models import Role, Tenant, User, UserRole
from shared_code.auth.passwords import verify_password
from shared_code.core.audit import AuditLog
from shared_code.core.bootstrap import Container
from shared_code.core.config import Settings
from shared_code.core.db import create_engine, create_session_factory
from shared_code.core.seed import DEMO_PASSWORD, DEMO_USERS, SeedError, seed_defaults, seed_demo


def _settings(url: str, **extra: str) -> Settings:
    return Settings.from_environ(
        {"PACT_ENV": "test", "AzureWebJobsStorage": "UseDevelopmentStorage=true", "PACT_DATABASE_URL": url, **extra}
    )


@pytest.fixture
def container(migrated_sqlite_url: str):
    app = Container(_settings(migrated_sqlite_url))
    yield app
    app.close()


def _counts(app: Container) -> dict[str, int]:
    with app.unit_of_work() as uow:
        return {
            model.__name__: uow.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Tenant, User, UserRole, Role, AuditLog)
        }


def _admin(app: Container, email: str) -> User:
    with app.unit_of_work() as uow:
        user = uow.session.scalars(sa.select(User).where(User.email == email)).one()
        _ = (user.roles, user.tenant)  # loaded while the session is open
        return user


def test_first_seed_creates_tenant_and_admin_with_a_generated_password(container: Container) -> None:
    result = seed_defaults(container, container.settings)

    assert result.created == ("tenant", "admin")
    admin = _admin(container, "admin@pact.local")
    assert admin.tenant.slug == "default" and admin.tenant.id == result.tenant_id
    assert admin.tenant.settings == {"allow_self_registration": False, "mfa_required_roles": ["Admin"]}
    assert [r.name for r in admin.roles] == ["Admin"] and admin.status == "active"
    assert result.admin_password is not None and len(result.admin_password) >= 20
    assert verify_password(result.admin_password, admin.password_hash)


def test_seeding_twice_changes_nothing(container: Container) -> None:
    seed_defaults(container, container.settings)
    before = _counts(container)
    hash_before = _admin(container, "admin@pact.local").password_hash

    again = seed_defaults(container, container.settings)

    assert again.created == () and again.admin_password is None
    assert _counts(container) == before
    assert _admin(container, "admin@pact.local").password_hash == hash_before


def test_a_configured_admin_password_is_used_and_not_returned(migrated_sqlite_url: str) -> None:
    settings = _settings(
        migrated_sqlite_url, PACT_ADMIN_PASSWORD="a-long-chosen-secret", PACT_ADMIN_EMAIL="Ops@Example.com"
    )
    app = Container(settings)
    result = seed_defaults(app, settings)
    assert result.admin_password is None and result.admin_email == "ops@example.com"
    assert verify_password("a-long-chosen-secret", _admin(app, "ops@example.com").password_hash)
    app.close()


def test_seeding_in_a_session_leaves_the_commit_to_the_caller(migrated_sqlite_url: str) -> None:
    settings = _settings(migrated_sqlite_url)
    engine = create_engine(migrated_sqlite_url)
    with create_session_factory(engine)() as session:
        assert seed_defaults(session, settings).created == ("tenant", "admin")
        session.rollback()
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Tenant)) == 0
    engine.dispose()


def test_demo_team_is_added_once(container: Container) -> None:
    seed_defaults(container, container.settings)
    with container.unit_of_work() as uow:
        added = seed_demo(uow.session, tenant_slug="default")
        uow.commit()
    assert sorted(added) == sorted(email for email, _, _ in DEMO_USERS)
    with container.unit_of_work() as uow:
        again = seed_demo(uow.session, tenant_slug="default")
        uow.commit()
        users = uow.session.scalars(sa.select(User).where(User.email.in_(added))).all()
        roles = {u.email: [r.name for r in u.roles] for u in users}
    assert again == []
    assert roles == {email: [role] for email, _, role in DEMO_USERS}
    assert {role for _, _, role in DEMO_USERS} == {"Admin", "Manager", "User", "Viewer"}
    assert all(verify_password(DEMO_PASSWORD, u.password_hash) for u in users)


def test_demo_needs_its_tenant(container: Container) -> None:
    with container.unit_of_work() as uow, pytest.raises(SeedError, match="seed the defaults first"):
        seed_demo(uow.session, tenant_slug="nowhere")
