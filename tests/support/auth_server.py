"""PACT served by devhost on a migrated, seeded database, for tests of the API over real HTTP.

Tests add their own users (unique e-mails, so lockout counters in the shared Redis never collide)
with `make_user`, and mint tokens with the server's key ring through `mint_token`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy.orm import Session

from shared_code.auth.models import Role, Tenant, User
from shared_code.auth.passwords import hash_password
from shared_code.auth.tokens import KeyRing, issue_token
from shared_code.core import migrate
from shared_code.core.config import Settings
from shared_code.core.db import create_engine
from shared_code.core.seed import seed_defaults
from tests.support.devhost import running_devhost

PASSWORD = "correct horse battery staple 42"


@dataclass
class AuthServer:
    base_url: str
    database_url: str
    environ: dict[str, str]

    @property
    def key_ring(self) -> KeyRing:
        return KeyRing.from_setting(SecretStr(self.environ["PACT_JWT_KEYS"]))

    @contextmanager
    def session(self) -> Iterator[Session]:
        engine = create_engine(self.database_url)
        try:
            with Session(engine) as session:
                yield session
                session.commit()
        finally:
            engine.dispose()

    def make_user(self, *, role: str = "Viewer", tenant: str = "default", status: str = "active",
                  password: str = PASSWORD) -> User:
        with self.session() as session:
            tenant_row = session.scalars(sa.select(Tenant).where(Tenant.slug == tenant)).one_or_none()
            if tenant_row is None:
                tenant_row = Tenant(slug=tenant, name=tenant.title(), settings={"mfa_required_roles": ["Admin"]})
                session.add(tenant_row)
                session.flush()
            role_row = session.scalars(sa.select(Role).where(Role.name == role, Role.tenant_id.is_(None))).one()
            user = User(tenant_id=tenant_row.id, email=f"{uuid.uuid4().hex[:10]}@{tenant}.example.com",
                        display_name=f"Test {role}", password_hash=hash_password(password), status=status)
            user.roles.append(role_row)
            session.add(user)
            session.flush()
            session.expunge(user)
            return user

    def mint_token(self, user: User, *, permissions: frozenset[str], ttl: timedelta = timedelta(minutes=15), **kwargs) -> str:
        return issue_token(self.key_ring, user_id=user.id, tenant_id=user.tenant_id, ttl=ttl,
                           permissions=permissions, **kwargs)[0]


@contextmanager
def running_auth_server(workdir: Path, *, azurite_connection_string: str, redis_url: str,
                        extra: dict[str, str] | None = None) -> Iterator[AuthServer]:
    database_url = f"sqlite:///{workdir / 'pact.db'}"
    migrate.upgrade(database_url)
    environ = {
        "AzureWebJobsStorage": azurite_connection_string,
        "PACT_ENV": "test",
        "PACT_DATABASE_URL": database_url,
        "PACT_REDIS_URL": redis_url,
        "PACT_LOG_FORMAT": "text",
        "PACT_LOCAL_SETTINGS": "/nonexistent/local.settings.json",
        "PACT_RATE_LIMIT_PER_IP": "100000",
        "PACT_JWT_KEYS": f"test-{uuid.uuid4().hex[:6]}:{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "PACT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "PACT_ADMIN_EMAIL": f"admin-{uuid.uuid4().hex[:8]}@pact.example.com",
        "PACT_ADMIN_PASSWORD": PASSWORD,
        **(extra or {}),
    }
    engine_settings = Settings.from_environ(environ)
    from shared_code.core.bootstrap import Container

    container = Container(engine_settings)
    try:
        seed_defaults(container, engine_settings)
    finally:
        container.close()
    with running_devhost(environ, log_path=workdir / "devhost.log") as base_url:
        yield AuthServer(base_url, database_url, environ)
