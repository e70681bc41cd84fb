"""Fixtures for devhost's integration tests: storage clients and one devhost process per module."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

from tests.devhost.harness import DevhostProcess, Storage, devhost_environ
from tests.support import services


@pytest.fixture(scope="module")
def storage(azurite_connection_string: str) -> Storage:
    return Storage(BlobServiceClient.from_connection_string(azurite_connection_string),
                   QueueServiceClient.from_connection_string(azurite_connection_string))


@pytest.fixture(scope="module")
def host_id() -> str:
    return f"devhost-tests-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def devhost(azurite_connection_string: str, storage: Storage, host_id: str,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevhostProcess]:
    """devhost running tests/devhost/sample_app against the session's Azurite.

    GIVEN for the missed-occurrence test: before the first start, the schedule monitor's status for
    `yearly_catch_up` says its last run was on 1 January two years ago, so last year's run was missed.
    """
    _seed_missed_yearly_run(storage, host_id)
    process = DevhostProcess(devhost_environ(azurite_connection_string, host_id), services.free_port(),
                             tmp_path_factory.mktemp("devhost"))
    process.start()
    yield process
    try:
        process.stop()
    finally:
        process.kill()


def _seed_missed_yearly_run(storage: Storage, host_id: str) -> None:
    year = datetime.now().year
    last, missed = datetime(year - 2, 1, 1).astimezone(), datetime(year - 1, 1, 1).astimezone()
    container = storage.blobs.get_container_client("azure-webjobs-hosts")
    try:
        container.create_container()
    except ResourceExistsError:
        pass
    status = {"Last": last.isoformat(), "Next": missed.isoformat(), "LastUpdated": last.isoformat()}
    container.upload_blob(f"timers/{host_id}/Host.Functions.yearly_catch_up/status", json.dumps(status),
                          overwrite=True)
