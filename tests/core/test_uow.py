"""The unit of work: transactions, attribution, and tenant scoping applied to every ORM statement."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker

from shared_code.auth.models import ApiKey, Role, Tenant, User
from shared_code.auth.permissions import ADMIN, system_role_id
from shared_code.core.uow import CrossTenantWriteError, UnitOfWork
from tests.support.database import unique


@dataclass
class World:
    """Two tenants, each with a user, a role of its own and an API key; plus the system roles."""

    a: uuid.UUID
    b: uuid.UUID
    user_a: uuid.UUID
    user_b: uuid.UUID
    role_b: uuid.UUID
    key_b: uuid.UUID


@pytest.fixture
def world(session_factory: sessionmaker[Session]) -> World:
    with UnitOfWork(session_factory) as uow:  # no tenant: the system's view
        session = uow.session
        tenants = [Tenant(slug=unique(name), name=name, settings={}) for name in ("a", "b")]
        session.add_all(tenants)
        session.flush()
        a, b = (t.id for t in tenants)
        role_a = Role(tenant_id=a, name="Auditor")
        role_b = Role(tenant_id=b, name="Auditor")
        user_a = User(tenant_id=a, email=f"{unique('ann')}@a.example", display_name="Ann", roles=[role_a])
        # Deliberately broken data: a user of A holding a role of B, as a bug or an import might leave it.
        user_a.roles.append(role_b)
        user_b = User(tenant_id=b, email=f"{unique('bob')}@b.example", display_name="Bob", roles=[role_b])
        key_b = ApiKey(tenant_id=b, name="scanner", prefix=unique("k")[:16], key_hash="x", permissions=[])
        session.add_all([user_a, user_b, key_b])
        uow.commit()
        return World(a, b, user_a.id, user_b.id, role_b.id, key_b.id)


def _tenant_uow(factory: sessionmaker[Session], world: World, **kw) -> UnitOfWork:
    return UnitOfWork(factory, tenant_id=world.a, **kw)


def _of_world(ids, world: World) -> set[uuid.UUID]:
    return set(ids) & {world.a, world.b}


# -- reading ------------------------------------------------------------------------------------


def test_a_query_sees_only_its_tenants_rows(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        users = uow.session.scalars(sa.select(User).where(User.id.in_([world.user_a, world.user_b]))).all()
        assert [u.id for u in users] == [world.user_a]
        assert _of_world(uow.session.scalars(sa.select(Tenant.id)), world) == {world.a}


def test_the_system_sees_every_tenant(session_factory, world: World) -> None:
    with UnitOfWork(session_factory) as uow:
        users = uow.session.scalars(sa.select(User.id).where(User.id.in_([world.user_a, world.user_b]))).all()
        assert set(users) == {world.user_a, world.user_b}


def test_get_does_not_return_another_tenants_row(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        assert uow.session.get(User, world.user_b) is None
        assert uow.session.get(ApiKey, world.key_b) is None
        assert uow.session.get(Tenant, world.b) is None
        assert uow.session.get(User, world.user_a) is not None


@pytest.mark.parametrize("loader", [None, selectinload, joinedload], ids=["lazy", "selectin", "joined"])
def test_relationships_do_not_reach_into_another_tenant(session_factory, world: World, loader) -> None:
    with _tenant_uow(session_factory, world) as uow:
        query = sa.select(User).where(User.id == world.user_a)
        if loader is not None:
            query = query.options(loader(User.roles))
        user = uow.session.scalars(query).unique().one()
        assert [r.tenant_id for r in user.roles] == [world.a]  # B's "Auditor" is not there
        assert user.tenant.id == world.a


def test_joins_are_filtered_too(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        joined = uow.session.execute(
            sa.select(User.id, Role.id).join(User.roles).where(User.id.in_([world.user_a, world.user_b]))
        ).all()
        assert {role for _, role in joined}.isdisjoint({world.role_b})
        assert {user for user, _ in joined} == {world.user_a}


def test_system_roles_are_visible_to_every_tenant(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        roles = uow.session.scalars(sa.select(Role).where(Role.name.in_([ADMIN, "Auditor"]))).all()
        assert {(r.name, r.tenant_id) for r in roles} == {(ADMIN, None), ("Auditor", world.a)}


def test_bulk_update_and_delete_are_scoped(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        uow.session.execute(
            sa.update(User).where(User.id.in_([world.user_a, world.user_b])).values(display_name="Renamed")
        )
        uow.session.execute(sa.delete(ApiKey).where(ApiKey.id == world.key_b))
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        assert uow.session.get(User, world.user_b).display_name == "Bob"
        assert uow.session.get(User, world.user_a).display_name == "Renamed"
        assert uow.session.get(ApiKey, world.key_b) is not None


def test_bulk_writes_leave_system_rows_alone(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        uow.session.execute(sa.update(Role).values(description="tenant's words"))
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        assert uow.session.get(Role, system_role_id(ADMIN)).description != "tenant's words"
        assert uow.session.get(Role, world.role_b).description != "tenant's words"


def test_assigning_a_system_role_is_not_a_write_to_it(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        user = uow.session.get(User, world.user_a)
        admin = uow.session.get(Role, system_role_id(ADMIN))
        admin.name = ADMIN  # touched, unchanged
        user.roles.append(admin)
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        assert ADMIN in [r.name for r in uow.session.get(User, world.user_a).roles]


# -- writing ------------------------------------------------------------------------------------


def test_new_rows_belong_to_the_units_tenant(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        key = ApiKey(name="new", prefix=unique("n")[:16], key_hash="x", permissions=[])
        role = Role(name=unique("Clerk"))
        uow.session.add_all([key, role])
        assert key.tenant_id == world.a  # assigned on add, before any flush
        uow.commit()
        assert role.tenant_id == world.a


def test_writing_another_tenants_row_is_refused(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        uow.session.add(User(tenant_id=world.b, email=f"{unique('eve')}@b.example", display_name="Eve"))
        with pytest.raises(CrossTenantWriteError, match="not to tenant"):
            uow.session.flush()


def test_moving_a_row_to_another_tenant_is_refused(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        user = uow.session.get(User, world.user_a)
        user.tenant_id = world.b
        with pytest.raises(CrossTenantWriteError):
            uow.session.flush()


def test_system_rows_are_read_only_for_a_tenant(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        admin = uow.session.get(Role, system_role_id(ADMIN))
        admin.description = "hijacked"
        with pytest.raises(CrossTenantWriteError, match="the system"):
            uow.session.flush()


def test_actor_is_recorded_as_creator_and_updater(session_factory, world: World) -> None:
    actor, other = uuid.uuid4(), uuid.uuid4()
    with _tenant_uow(session_factory, world, actor_id=actor) as uow:
        key = ApiKey(name="by actor", prefix=unique("a")[:16], key_hash="x", permissions=[])
        uow.session.add(key)
        uow.commit()
        assert (key.created_by, key.updated_by) == (actor, actor)
    with _tenant_uow(session_factory, world, actor_id=other) as uow:
        key = uow.session.get(ApiKey, key.id)
        key.name = "renamed"
        uow.commit()
        assert (key.created_by, key.updated_by) == (actor, other)


# -- transactions -------------------------------------------------------------------------------


def _count_keys(factory, world: World) -> int:
    with UnitOfWork(factory) as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(ApiKey).where(ApiKey.tenant_id == world.a))


def test_leaving_without_commit_rolls_back(session_factory, world: World) -> None:
    before = _count_keys(session_factory, world)
    with _tenant_uow(session_factory, world) as uow:
        uow.session.add(ApiKey(name="lost", prefix=unique("l")[:16], key_hash="x", permissions=[]))
        uow.session.flush()
    assert _count_keys(session_factory, world) == before


def test_an_exception_rolls_back(session_factory, world: World) -> None:
    before = _count_keys(session_factory, world)
    with pytest.raises(RuntimeError), _tenant_uow(session_factory, world) as uow:
        uow.session.add(ApiKey(name="lost", prefix=unique("l")[:16], key_hash="x", permissions=[]))
        uow.session.flush()
        raise RuntimeError("boom")
    assert _count_keys(session_factory, world) == before


def test_commit_keeps_the_work_and_rollback_discards_later_work(session_factory, world: World) -> None:
    before = _count_keys(session_factory, world)
    with _tenant_uow(session_factory, world) as uow:
        uow.session.add(ApiKey(name="kept", prefix=unique("k")[:16], key_hash="x", permissions=[]))
        uow.commit()
        uow.session.add(ApiKey(name="dropped", prefix=unique("d")[:16], key_hash="x", permissions=[]))
        uow.rollback()
    assert _count_keys(session_factory, world) == before + 1


def test_the_session_exists_only_inside_the_block(session_factory) -> None:
    uow = UnitOfWork(session_factory)
    with pytest.raises(RuntimeError, match="with"):
        uow.session
    with uow:
        assert uow.session.info["tenant_id"] is None
    with pytest.raises(RuntimeError):
        uow.session


def test_loaded_objects_stay_readable_after_the_block(session_factory, world: World) -> None:
    with _tenant_uow(session_factory, world) as uow:
        user = uow.session.get(User, world.user_a)
    assert user.display_name == "Ann" and user.created_at is not None
