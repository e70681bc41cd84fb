"""The storage pieces uploads stand on (shared_code/core/storage.py), against real Azurite: a write-only
link that expires, and a server-side copy that refuses a source changed since it was checked."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
import requests

from shared_code.core import names
from shared_code.core.errors import NotFound, PreconditionFailed
from shared_code.core.storage import BlobStore
from tests.documents.client import put_blob


@pytest.fixture
def blobs(azurite_connection_string) -> BlobStore:
    from pydantic import SecretStr

    from shared_code.core.config import StorageSettings

    store = BlobStore.from_settings(StorageSettings(connection_string=SecretStr(azurite_connection_string)))
    store.ensure_containers()
    return store


def _name() -> str:
    return f"tests/{uuid.uuid4()}.pdf"


def test_a_write_link_writes_its_blob_until_it_expires(blobs):
    name = _name()
    url, expires = blobs.write_url(names.TEMP, name, ttl=timedelta(seconds=2))
    assert put_blob(url, b"%PDF-first").status_code == 201
    assert put_blob(url, b"%PDF-second").status_code == 201  # a retry may overwrite
    assert blobs.read_bytes(names.TEMP, name) == b"%PDF-second"
    time.sleep(max(0.0, (expires - expires.now(expires.tzinfo)).total_seconds()) + 1.5)
    assert put_blob(url, b"%PDF-late").status_code == 403
    assert blobs.read_bytes(names.TEMP, name) == b"%PDF-second"


def test_a_read_link_names_the_file_for_the_browser(blobs):
    name = _name()
    blobs.upload_bytes(names.DOCUMENTS, name, b"%PDF-read me", content_type="application/pdf")
    url, _ = blobs.read_url(names.DOCUMENTS, name, download_name="Form 12.pdf")
    reply = requests.get(url, timeout=10)
    assert reply.status_code == 200 and reply.content == b"%PDF-read me"
    assert reply.headers["content-disposition"] == 'attachment; filename="Form 12.pdf"'


def test_a_copy_happens_only_while_the_source_is_the_version_checked(blobs):
    source, target = _name(), _name()
    checked = blobs.upload_bytes(names.TEMP, source, b"%PDF-checked")
    copied = blobs.copy(names.TEMP, source, names.DOCUMENTS, target, source_etag=checked.etag,
                        content_type="application/pdf")
    assert (copied.size, copied.content_type) == (len(b"%PDF-checked"), "application/pdf")
    assert blobs.read_bytes(names.DOCUMENTS, target) == b"%PDF-checked"

    blobs.upload_bytes(names.TEMP, source, b"%PDF-swapped after the check")
    with pytest.raises(PreconditionFailed):
        blobs.copy(names.TEMP, source, names.DOCUMENTS, target, source_etag=checked.etag)
    assert blobs.read_bytes(names.DOCUMENTS, target) == b"%PDF-checked"
    with pytest.raises(NotFound):
        blobs.copy(names.TEMP, _name(), names.DOCUMENTS, _name())
