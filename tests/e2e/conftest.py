"""Whole-flow fixtures: PACT served by devhost over real HTTP, and real Chromium driven by Playwright."""

from __future__ import annotations

import os
import secrets
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from shared_code.core.config import Settings
from tests.support.devhost import running_devhost
from tests.support.services import REPO, free_port, unavailable
from tests.support.smtp import SmtpServer

CHROMIUM = os.environ.get("PACT_CHROMIUM", "/usr/bin/chromium")
# Flags for a closed network: no background connections Chromium would make to Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    display_name: str


@dataclass(frozen=True)
class PactSite:
    """A running PACT and the people seeded into it.

    The operator holds every permission through a custom role, so (unlike the admin, whose role the
    default tenant makes enrol in MFA) they sign in with a password alone.
    """

    base_url: str
    mail: SmtpServer  # receives what PACT sends (invitations, password resets), links to base_url
    admin: Account
    operator: Account
    manager: Account
    viewer: Account
    forgetful: Account  # a user who resets their password (so nobody else's changes)


PASSWORD = "Plum-orchard-lantern-47"
# Records for the records pages: a health system whose clinics are candidates for one contract.
SEEDED_CONTRACT = ("CT-E2E-100", "Cardiology Supplies Agreement")
SEEDED_SYSTEM = ("NW-000", "Northwind Health")
CANDIDATE_COUNTS = {"eligible": 4, "invited": 3, "sent": 2, "returned": 1, "activated": 2}
OPERATOR = "Operator"
# Enough users that the users list needs more than one page at the UI's default page size (25).
FILLER_USERS = 30


@pytest.fixture(scope="module")
def pact_site(
    tmp_path_factory: pytest.TempPathFactory, azurite_connection_string: str, redis_url: str,
) -> Iterator[PactSite]:
    """PACT as `make run` serves it: the real function_app.py and web/ under devhost, on a migrated
    and seeded database (the default tenant, its admin, a manager, a viewer and some colleagues)."""
    from shared_code.core.migrate import upgrade

    if not (REPO / "web" / "vendor" / "tabulator" / "tabulator_esm.min.js").exists():
        pytest.fail("web/vendor is empty: run scripts/setup.sh (it copies the front-end libraries)", pytrace=False)
    workdir = tmp_path_factory.mktemp("pact-server")
    port = free_port()  # known before the start, for the links in the e-mails
    database_url = f"sqlite:///{workdir / 'pact.db'}"
    upgrade(database_url)
    run = uuid.uuid4().hex[:8]  # fresh addresses: lockout counters live in the shared Redis
    environ = {
        "AzureWebJobsStorage": azurite_connection_string,
        "PACT_ENV": "test",
        "PACT_DATABASE_URL": database_url,
        "PACT_REDIS_URL": redis_url,
        "PACT_LOG_FORMAT": "text",
        "PACT_LOCAL_SETTINGS": "/nonexistent/local.settings.json",
        "PACT_JWT_KEYS": f"e2e:{secrets.token_urlsafe(48)}",
        "PACT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "PACT_CODE_KEYS": f"E:{secrets.token_urlsafe(32)}",  # generated pages carry codes signed with it
        "PACT_ADMIN_EMAIL": f"admin-{run}@pact.example.com",
        "PACT_ADMIN_PASSWORD": PASSWORD,
        # Every test module signs in from 127.0.0.1, counted in the one shared Redis.
        "PACT_LOGIN_RATE_LIMIT_PER_IP": "1000",
        "PACT_RATE_LIMIT_PER_IP": "100000",
        "PACT_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    mail = SmtpServer()
    site = PactSite(
        base_url="",
        mail=mail,
        admin=Account(environ["PACT_ADMIN_EMAIL"], PASSWORD, "Administrator"),
        operator=Account(f"operator-{run}@pact.example.com", PASSWORD, "Olive Operator"),
        manager=Account(f"manager-{run}@pact.example.com", PASSWORD, "Mona Manager"),
        viewer=Account(f"viewer-{run}@pact.example.com", PASSWORD, "Victor Viewer"),
        forgetful=Account(f"forgetful-{run}@pact.example.com", PASSWORD, "Fergus Forgetful"),
    )
    environ.update(mail.environ())
    _seed(Settings.from_environ(environ), site, run)
    with mail, running_devhost(environ, port=port, log_path=workdir / "devhost.log") as base_url:
        yield replace(site, base_url=base_url)


def _seed(settings: Settings, site: PactSite, run: str) -> None:
    import sqlalchemy as sa

    from shared_code.auth.models import Permission, Role, Tenant
    from shared_code.auth.passwords import hash_password
    from shared_code.auth.permissions import MANAGER, USER, VIEWER
    from shared_code.core.bootstrap import Container
    from shared_code.core.seed import add_user, seed_defaults

    container = Container(settings)
    try:
        seed_defaults(container, settings)
        with container.unit_of_work() as uow:
            session = uow.session
            tenant = session.scalars(sa.select(Tenant).where(Tenant.slug == settings.default_tenant)).one()
            password_hash = hash_password(PASSWORD)  # one hash for all: hashing is slow by design
            session.add(Role(tenant_id=tenant.id, name=OPERATOR, description="Everything, without the MFA Admins need",
                             permissions=list(session.scalars(sa.select(Permission)))))
            session.flush()
            seeded = ((site.operator, OPERATOR), (site.manager, MANAGER), (site.viewer, VIEWER), (site.forgetful, USER))
            for account, role in seeded:
                add_user(session, tenant=tenant, email=account.email, display_name=account.display_name,
                         password_hash=password_hash, roles=[role])
            for n in range(FILLER_USERS):
                add_user(session, tenant=tenant, email=f"colleague-{n:02d}-{run}@pact.example.com",
                         display_name=f"Colleague {n:02d}", password_hash=password_hash, roles=[USER])
            _seed_records(session, tenant)
            uow.commit()
    finally:
        container.close()


def _seed_records(session, tenant) -> None:
    from shared_code.accounts.models import Account, Candidate, Contract

    contract = Contract(tenant_id=tenant.id, number=SEEDED_CONTRACT[0], name=SEEDED_CONTRACT[1], supplier="Medline",
                        status="active")
    system = Account(tenant_id=tenant.id, number=SEEDED_SYSTEM[0], name=SEEDED_SYSTEM[1], account_type="health_system",
                     city="Portland", state="OR")
    session.add_all([contract, system])
    session.flush()
    statuses = [status for status, count in CANDIDATE_COUNTS.items() for _ in range(count)]
    for n, status in enumerate(statuses, start=1):
        clinic = Account(tenant_id=tenant.id, number=f"NW-{n:03d}", name=f"Northwind Clinic {n:02d}",
                         account_type="clinic", parent_id=system.id, city="Salem", state="OR")
        session.add(clinic)
        session.flush()
        session.add(Candidate(tenant_id=tenant.id, account_id=clinic.id, contract_id=contract.id, status=status))


@pytest.fixture(scope="module")
def pact_server(pact_site: PactSite) -> str:
    """The base URL of the running PACT."""
    return pact_site.base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        unavailable(f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium` (make test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The app logs the errors it catches (a page that failed to render, a table that failed to load).
    # Chromium also logs every 4xx response as an error; those are expected answers, not faults.
    page.on("console", lambda message: errors.append(message.text) if message.type == "error"
            and not message.text.startswith("Failed to load resource") else None)
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
