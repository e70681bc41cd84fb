"""Fixtures of the generation tests: the app over a migrated SQLite database with a code key, real Redis and
Azurite; a tenant with a two-page template whose fields are bound to account data, a contract, and
accounts that are candidates of it; and the `generate` queue worked as the Functions host works it."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import azure.functions as func
import pytest

from shared_code.core import names
from tests.support import api, database
from tests.support.api import caller, seed_tenant
from tests.templates.client import Templates, run_trigger
from tests.templates.forms import form_pdf

migrated_sqlite_template = database.migrated_sqlite_template  # a fixture
migrated_sqlite_url = database.migrated_sqlite_url  # a fixture

CODE_KEYS = "G:" + "generation-test-secret-" * 2

# The template's fields: rectangles on page 1 clear of the form's text; `Number` is small on purpose, so
# a long account number does not fit.
FIELDS = (
    {
        "name": "Account name",
        "page": 1,
        "x0": 160,
        "y0": 476,
        "x1": 400,
        "y1": 494,
        "binding": "account.name",
        "required": True,
    },
    {
        "name": "Contact",
        "page": 1,
        "x0": 160,
        "y0": 440,
        "x1": 400,
        "y1": 458,
        "binding": "account.contact_name",
        "required": True,
    },
    {"name": "Number", "page": 1, "x0": 160, "y0": 404, "x1": 230, "y1": 416, "binding": "account.number"},
    {"name": "Note", "page": 2, "x0": 72, "y0": 300, "x1": 300, "y1": 340},
)


admin_app = api.admin_app  # a fixture


@pytest.fixture(autouse=True)
def code_keys(app_environment, monkeypatch):
    """The key that signs page codes (set before the app starts: autouse fixtures come first)."""
    monkeypatch.setenv("PACT_CODE_KEYS", CODE_KEYS)


@dataclass
class World:
    app: object
    tenant: object
    template_id: str
    contract_id: uuid.UUID
    accounts: dict[str, uuid.UUID]  # by name
    candidates: dict[str, uuid.UUID]  # by account name


def make_world(app, tenant, *, accounts: dict[str, dict], title: str = "Rebate Enrollment") -> World:
    """A template (indexed, fields bound), a contract, and `accounts` (name -> extra fields; a `candidate`
    key sets the account's candidate status on the contract, None for no candidate)."""
    from shared_code.accounts import schemas as r
    from shared_code.accounts.resources import ACCOUNTS, CANDIDATES, CONTRACTS
    from shared_code.core.resources import create_record

    manager = Templates(caller(app, tenant.users["Manager"]))
    template = manager.upload(form_pdf(title, pages=2, acroform=False), name=title).data
    run_trigger(app, f"{tenant.id}/{template['id']}/v1.pdf")
    for body in FIELDS:
        reply = manager.add_field(template["id"], body)
        assert reply.status == 201, reply.body
    made, candidates = {}, {}
    with app.unit_of_work(tenant_id=tenant.id, actor_id=tenant.admin.id) as uow:
        contract = create_record(uow.session, CONTRACTS, r.ContractCreate(name="Med-Surg", number="GPO-1"))
        for index, (name, extra) in enumerate(accounts.items()):
            extra = dict(extra)
            status = extra.pop("candidate", "eligible")
            number = extra.pop("number", f"A-{index + 1:03}")
            account = create_record(uow.session, ACCOUNTS, r.AccountCreate(name=name, number=number, **extra))
            made[name] = account.id
            if status is not None:
                candidate = create_record(
                    uow.session,
                    CANDIDATES,
                    r.CandidateCreate(account_id=account.id, contract_id=contract.id, status=status),
                )
                candidates[name] = candidate.id
        uow.commit()
    return World(app, tenant, template["id"], contract.id, made, candidates)


@pytest.fixture
def tenant(admin_app):
    return seed_tenant(admin_app)


@pytest.fixture
def manager(admin_app, tenant):
    return caller(admin_app, tenant.users["Manager"])


@pytest.fixture
def world(admin_app, tenant) -> World:
    return make_world(
        admin_app,
        tenant,
        accounts={
            "Cedar Clinic": {"contact_name": "Ada Moss"},
            "Harbor Hospital": {"contact_name": "Bo Lind"},
            "Ivy Pharmacy": {"contact_name": "Cy Park", "candidate": "invited"},
            "Juniper Care": {},  # no contact: a required field has no value
            "Kestrel Health": {"contact_name": "Di Ro", "number": "K-" + "9" * 40},  # too long to fit
            "Larch Labs": {"contact_name": "Ed Fox", "candidate": "returned"},
        },
    )


# -- the queue, worked as the host works it ------------------------------------------------------


def generate_function():
    """The queue-triggered function of `generate`, as the app registers it."""
    import function_app

    for function in function_app.build_app().get_functions():
        if function.get_function_name() == "generate_chunk":
            return function.get_user_function()
    raise LookupError("generate_chunk")


def take_messages(app, batch_id: str) -> list:
    """Every message of `batch_id` now on the `generate` queue, received (leased for a minute); messages of
    earlier tests' batches (other databases) are deleted."""
    mine = []
    while received := app.queues.receive(names.GENERATE_QUEUE, max_messages=32, visibility_timeout=60):
        for message in received:
            if message.payload.get("batch_id") == batch_id:
                mine.append(message)
            else:
                app.queues.delete(names.GENERATE_QUEUE, message)
    return mine


def deliver(message) -> None:
    """Hand one received message to the trigger, as the host does (body as JSON text)."""
    body = json.dumps(message.payload).encode()
    generate_function()(func.QueueMessage(id=message.id, body=body))


def work_queue(app, batch_id: str) -> int:
    """Deliver and settle every message of the batch, as a healthy host would; how many there were."""
    messages = take_messages(app, batch_id)
    for message in messages:
        deliver(message)
        app.queues.delete(names.GENERATE_QUEUE, message)
    return len(messages)
