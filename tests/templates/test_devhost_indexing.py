"""End to end through devhost, as `make run` serves PACT: a template uploaded over HTTP, and a PDF dropped
straight into the `templates` container, are both indexed by the blob trigger; a blob that names no
tenant is ignored without a retry loop or a poisoned message."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from shared_code.auth.permissions import SYSTEM_ROLES
from shared_code.core import names
from tests.support import services
from tests.support.auth_server import AuthServer, running_auth_server
from tests.templates.forms import form_pdf

pytestmark = [pytest.mark.slow, pytest.mark.redis]


@pytest.fixture(scope="module")
def private_azurite(tmp_path_factory) -> Iterator[services.Azurite]:
    # Its own storage: the session's Azurite holds other tests' template blobs, which devhost would index.
    azurite = services.start_azurite(tmp_path_factory.mktemp("azurite-templates"))
    yield azurite
    azurite.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, private_azurite, redis_url) -> Iterator[AuthServer]:
    with running_auth_server(
        tmp_path_factory.mktemp("devhost-templates"),
        azurite_connection_string=private_azurite.connection_string,
        redis_url=redis_url,
    ) as running:
        yield running


@pytest.fixture(scope="module")
def manager(server):
    user = server.make_user(role="Manager")
    token = server.mint_token(user, permissions=SYSTEM_ROLES["Manager"].permissions, roles=("Manager",))
    return user, {"Authorization": f"Bearer {token}", "X-Forwarded-For": "10.9.8.7"}


def _eventually(fetch, *, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if value is not None or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


def _indexed(server, headers, template_id: str):
    def fetch():
        data = requests.get(f"{server.base_url}/api/v1/templates/{template_id}", headers=headers, timeout=10).json()
        return data["data"] if data["data"]["status"] != "pending" else None

    return _eventually(fetch)


def test_an_upload_over_http_is_indexed_by_the_blob_trigger(server, manager):
    _, headers = manager
    reply = requests.post(
        f"{server.base_url}/api/v1/templates",
        headers=headers,
        timeout=30,
        files={"file": ("Participation.pdf", form_pdf(pages=2), "application/pdf")},
        data={"name": "Participation", "category": "gpo"},
    )
    assert reply.status_code == 202, reply.text
    template = _indexed(server, headers, reply.json()["data"]["id"])
    assert template is not None, "not indexed within a minute"
    assert (template["status"], template["page_count"], len(template["pages"]), len(template["fields"])) == (
        "indexed",
        2,
        2,
        4,
    )


def test_a_pdf_dropped_into_the_container_becomes_an_indexed_template(server, manager, private_azurite):
    from azure.storage.blob import BlobServiceClient

    user, headers = manager
    storage = BlobServiceClient.from_connection_string(private_azurite.connection_string)
    storage.get_blob_client(names.TEMPLATES, f"{user.tenant_id}/drop/Rebate Enrollment.pdf").upload_blob(
        form_pdf("Rebate Enrollment"), overwrite=True
    )
    storage.get_blob_client(names.TEMPLATES, "nobody/Stray.pdf").upload_blob(form_pdf("Stray"), overwrite=True)

    def listed():
        data = requests.get(
            f"{server.base_url}/api/v1/templates", params={"q": "Rebate"}, headers=headers, timeout=10
        ).json()["data"]
        return data[0] if data and data[0]["status"] == "indexed" else None

    template = _eventually(listed)
    assert template is not None, "the dropped file was not indexed within a minute"
    assert (template["name"], template["version"]) == ("Rebate Enrollment", 1)
    assert _indexed(server, headers, template["id"])["file_name"] == "Rebate Enrollment.pdf"
    # The stray blob was looked at and left alone, visibly: a platform audit entry, no poisoned message.
    assert _eventually(lambda: _ignored(server)) == ["nobody/Stray.pdf"]
    from azure.core.exceptions import ResourceNotFoundError
    from azure.storage.queue import QueueServiceClient

    poison = QueueServiceClient.from_connection_string(private_azurite.connection_string).get_queue_client(
        "webjobs-blobtrigger-poison"
    )
    try:
        assert list(poison.peek_messages(max_messages=5)) == []
    except ResourceNotFoundError:
        pass  # never created: nothing was ever poisoned


def _ignored(server) -> list[str] | None:
    import sqlalchemy as sa

    from shared_code.core.audit import AuditLog

    with server.session() as session:
        entries = session.scalars(sa.select(AuditLog).where(AuditLog.action == "template.blob_ignored")).all()
        return [entry.changes["blob"] for entry in entries] or None
