import base64
import hashlib
import os
import tracemalloc

import pytest
from azure.storage.queue import QueueClient

from shared_code.core import names
from shared_code.core.config import StorageSettings
from shared_code.core.context import correlation_scope
from shared_code.core.errors import NotFound
from shared_code.core.storage import CHUNK_SIZE, BlobStore, QueueStore, decode_message
from pydantic import SecretStr

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def storage_settings(azurite_connection_string) -> StorageSettings:
    return StorageSettings(connection_string=SecretStr(azurite_connection_string))


@pytest.fixture(scope="module")
def blobs(storage_settings) -> BlobStore:
    store = BlobStore.from_settings(storage_settings)
    store.ensure_containers()
    return store


@pytest.fixture(scope="module")
def queues(storage_settings) -> QueueStore:
    store = QueueStore.from_settings(storage_settings)
    store.ensure_queues()
    return store


def test_every_container_and_queue_is_created_and_creation_is_idempotent(blobs, queues):
    blobs.ensure_containers()
    queues.ensure_queues()
    existing = {c.name for c in blobs.service.list_containers()}
    assert set(names.CONTAINERS) <= existing
    for queue in names.ALL_QUEUES:
        assert queues.approximate_count(queue) >= 0
    assert "match-poison" in names.ALL_QUEUES


def _chunks(total: int, seed: bytes = b"pact"):
    block = hashlib.sha256(seed).digest() * (MIB // 32)
    sent = 0
    while sent < total:
        piece = block[: min(MIB, total - sent)]
        sent += len(piece)
        yield piece


def test_large_upload_and_download_stream_without_holding_the_blob(blobs):
    total = 96 * MIB
    expected = hashlib.sha256()
    for piece in _chunks(total):
        expected.update(piece)

    tracemalloc.start()
    stored = blobs.upload_stream(names.TEMP, "big/stream.bin", _chunks(total))
    _, upload_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    received = hashlib.sha256()
    size = 0
    for chunk in blobs.iter_chunks(names.TEMP, "big/stream.bin"):
        received.update(chunk)
        size += len(chunk)
    _, download_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert stored.size == total == size
    assert stored.sha256 == expected.hexdigest() == received.hexdigest()
    # Bounded by a few chunks (the HTTP stack copies each one several times), never the 96 MiB blob.
    assert upload_peak < 12 * CHUNK_SIZE, upload_peak
    assert download_peak < 12 * CHUNK_SIZE, download_peak
    assert blobs.delete(names.TEMP, "big/stream.bin")


def test_file_objects_stream_too_and_properties_are_kept(blobs, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(os.urandom(300_000))
    with path.open("rb") as handle:
        stored = blobs.upload_stream(names.DOCUMENTS, "t/doc.pdf", handle, content_type="application/pdf")
    props = blobs.properties(names.DOCUMENTS, "t/doc.pdf")
    assert props.size == 300_000 == stored.size
    assert props.content_type == "application/pdf"
    assert blobs.read_bytes(names.DOCUMENTS, "t/doc.pdf") == path.read_bytes()
    assert [b.name for b in blobs.list(names.DOCUMENTS, prefix="t/")] == ["t/doc.pdf"]


def test_missing_blob_is_a_named_error_and_delete_is_idempotent(blobs):
    with pytest.raises(NotFound):
        blobs.read_bytes(names.DOCUMENTS, "no/such.pdf")
    with pytest.raises(NotFound):
        blobs.properties(names.DOCUMENTS, "no/such.pdf")
    assert blobs.delete(names.DOCUMENTS, "no/such.pdf") is False


def test_queue_messages_are_base64_json_with_the_correlation_id(queues, azurite_connection_string):
    queue = "test-roundtrip"
    queues.ensure_queues([queue])
    with correlation_scope("corr-123"):
        queues.send(queue, {"document_id": "d1"})
    # What the Functions host sees: the raw message text is base64 of the JSON.
    raw = QueueClient.from_connection_string(azurite_connection_string, queue).peek_messages()[0].content
    assert decode_message(base64.b64decode(raw)) == {"document_id": "d1", "correlation_id": "corr-123"}
    [message] = queues.receive(queue)
    assert message.payload == {"document_id": "d1", "correlation_id": "corr-123"}
    assert message.dequeue_count == 1
    queues.delete(queue, message)
    assert queues.receive(queue) == []


def test_decode_refuses_non_object_messages():
    with pytest.raises(ValueError):
        decode_message("[1, 2]")
