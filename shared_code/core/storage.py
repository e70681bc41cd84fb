"""Thin clients for Blob and Queue Storage: Azurite through a connection string, Azure through managed identity.

Blobs move as streams of chunks, never whole files in memory. Queue messages are JSON, base64-encoded
as the Functions host expects, and carry the correlation id of the request that sent them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContentSettings
from azure.storage.blob import ExponentialRetry as BlobExponentialRetry
from azure.storage.queue import ExponentialRetry as QueueExponentialRetry
from azure.storage.queue import QueueServiceClient, TextBase64DecodePolicy, TextBase64EncodePolicy

from shared_code.core import names
from shared_code.core.config import StorageSettings
from shared_code.core.context import current_correlation_id
from shared_code.core.errors import NotFound, PreconditionFailed, Unavailable

CHUNK_SIZE = 4 * 1024 * 1024  # the SDK's block size: memory per upload/download stays near this
# Per-call options for probes and start-up checks: answer at once instead of retrying for a minute.
_NO_RETRY = {"retry_total": 0, "connection_timeout": 5}


def _client_options(retry_policy: type) -> dict[str, Any]:
    # The SDK's default backoff (15 s, then 18 s, 24 s) would hold a function for a minute;
    # a few short retries cover Azure's transient faults.
    return {
        "retry_policy": retry_policy(initial_backoff=1, increment_base=2, retry_total=3, random_jitter_range=1),
        "connection_timeout": 10,
        "read_timeout": 120,
    }


@dataclass(frozen=True)
class StoredBlob:
    container: str
    name: str
    size: int
    etag: str
    content_type: str | None = None
    last_modified: datetime | None = None
    sha256: str | None = None  # known when PACT wrote the blob (upload_stream, upload_bytes)


class _HashingReader:
    """A file-like wrapper that hashes and counts what the SDK reads, so nothing is read twice."""

    def __init__(self, source: IO[bytes] | Iterable[bytes]) -> None:
        self._read = source.read if hasattr(source, "read") else _IterReader(source).read
        self._digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._read(size)
        self._digest.update(data)
        self.size += len(data)
        return data

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


class _IterReader:
    """Turns an iterable of byte chunks into `read(size)`, holding at most one chunk."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def _credential(settings: StorageSettings):
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential(managed_identity_client_id=settings.client_id)


class BlobStore:
    """Blob containers of the PACT storage account."""

    def __init__(self, service: BlobServiceClient) -> None:
        self._service = service

    @classmethod
    def from_settings(cls, settings: StorageSettings) -> BlobStore:
        # The SDK's defaults fetch the first 32 MiB in one piece; cap every transfer at one chunk.
        limits = {
            "max_single_get_size": CHUNK_SIZE,
            "max_chunk_get_size": CHUNK_SIZE,
            "max_single_put_size": CHUNK_SIZE,
            "max_block_size": CHUNK_SIZE,
            **_client_options(BlobExponentialRetry),
        }
        if settings.connection_string is not None:
            return cls(
                BlobServiceClient.from_connection_string(settings.connection_string.get_secret_value(), **limits)
            )
        return cls(BlobServiceClient(settings.blob_service_uri, credential=_credential(settings), **limits))

    @property
    def service(self) -> BlobServiceClient:
        return self._service

    def ensure_containers(self, containers: Iterable[str] = names.CONTAINERS) -> None:
        for container in containers:
            try:
                self._service.create_container(container, **_NO_RETRY)
            except ResourceExistsError:
                pass

    def upload_stream(
        self,
        container: str,
        name: str,
        source: IO[bytes] | Iterable[bytes],
        *,
        content_type: str = "application/octet-stream",
        metadata: Mapping[str, str] | None = None,
        overwrite: bool = True,
    ) -> StoredBlob:
        """Stream `source` (a file-like object or an iterable of chunks) into a block blob.

        The SDK reads it block by block; the sha256 and size are computed on the way through.
        """
        reader = _HashingReader(source)
        blob = self._service.get_blob_client(container, name)
        result = blob.upload_blob(
            reader,
            overwrite=overwrite,
            metadata=dict(metadata or {}),
            content_settings=ContentSettings(content_type=content_type),
            max_concurrency=1,
        )
        return StoredBlob(
            container, name, reader.size, result["etag"], content_type, result.get("last_modified"), reader.sha256
        )

    def upload_bytes(
        self,
        container: str,
        name: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        metadata: Mapping[str, str] | None = None,
        overwrite: bool = True,
    ) -> StoredBlob:
        """Store `data` in one Put Blob request (the SDK does, for bytes under its single-put limit of
        64 MiB); a stream of unknown length costs a block per chunk plus a commit."""
        blob = self._service.get_blob_client(container, name)
        result = blob.upload_blob(
            data,
            overwrite=overwrite,
            metadata=dict(metadata or {}),
            content_settings=ContentSettings(content_type=content_type),
            max_concurrency=1,
        )
        return StoredBlob(
            container,
            name,
            len(data),
            result["etag"],
            content_type,
            result.get("last_modified"),
            hashlib.sha256(data).hexdigest(),
        )

    def iter_chunks(self, container: str, name: str) -> Iterator[bytes]:
        """The blob's content as chunks of at most CHUNK_SIZE bytes."""
        try:
            downloader = self._service.get_blob_client(container, name).download_blob(max_concurrency=1)
        except ResourceNotFoundError:
            raise NotFound(f"blob {container}/{name} does not exist") from None
        yield from downloader.chunks()

    def read_bytes(self, container: str, name: str) -> bytes:
        """Whole content, for small blobs only (messages, JSON, thumbnails)."""
        return b"".join(self.iter_chunks(container, name))

    def properties(self, container: str, name: str) -> StoredBlob:
        try:
            props = self._service.get_blob_client(container, name).get_blob_properties()
        except ResourceNotFoundError:
            raise NotFound(f"blob {container}/{name} does not exist") from None
        return _stored(container, props)

    def exists(self, container: str, name: str) -> bool:
        return self._service.get_blob_client(container, name).exists()

    def delete(self, container: str, name: str) -> bool:
        """Delete a blob; False when it was already gone (deleting is idempotent)."""
        try:
            self._service.get_blob_client(container, name).delete_blob(delete_snapshots="include")
        except ResourceNotFoundError:
            return False
        return True

    def list(self, container: str, prefix: str | None = None) -> Iterator[StoredBlob]:
        for props in self._service.get_container_client(container).list_blobs(name_starts_with=prefix):
            yield _stored(container, props)

    def read_url(
        self, container: str, name: str, *, ttl: timedelta = timedelta(minutes=15), download_name: str | None = None
    ) -> tuple[str, datetime]:
        """A short-lived, read-only URL of one blob, and when it expires.

        Signed with the account key on Azurite (connection string), with a user delegation key under
        managed identity (no account key exists there).
        """
        from azure.storage.blob import BlobSasPermissions

        disposition = f'attachment; filename="{download_name}"' if download_name else None
        return self._signed_url(container, name, BlobSasPermissions(read=True), ttl, content_disposition=disposition)

    def write_url(self, container: str, name: str, *, ttl: timedelta = timedelta(minutes=30)) -> tuple[str, datetime]:
        """A short-lived URL that can write one blob (Put Blob, or Put Block and Put Block List) and do
        nothing else: it cannot read, list or delete. Signed like `read_url`."""
        from azure.storage.blob import BlobSasPermissions

        return self._signed_url(container, name, BlobSasPermissions(create=True, write=True), ttl)

    def _signed_url(
        self, container: str, name: str, permission: Any, ttl: timedelta, **options: Any
    ) -> tuple[str, datetime]:
        from azure.storage.blob import generate_blob_sas

        starts = datetime.now(UTC) - timedelta(minutes=5)  # tolerate clock skew
        expires = datetime.now(UTC) + ttl
        signing: dict[str, Any]
        credential = self._service.credential
        if getattr(credential, "account_key", None):
            signing = {"account_key": credential.account_key}
        else:
            signing = {"user_delegation_key": self._service.get_user_delegation_key(starts, expires)}
        token = generate_blob_sas(
            account_name=self._service.account_name,
            container_name=container,
            blob_name=name,
            permission=permission,
            start=starts,
            expiry=expires,
            **options,
            **signing,
        )
        return f"{self._service.get_blob_client(container, name).url}?{token}", expires

    def copy(
        self,
        source_container: str,
        source_name: str,
        container: str,
        name: str,
        *,
        source_etag: str | None = None,
        content_type: str | None = None,
        timeout: float = 600.0,
    ) -> StoredBlob:
        """Copy a blob inside the account, server-side (its bytes never pass through this process), and
        wait for the copy to finish. With `source_etag` the copy happens only while the source is still
        that version (`PreconditionFailed` otherwise)."""
        import time

        from azure.core import MatchConditions
        from azure.core.exceptions import ResourceModifiedError

        # Same account: the copy request's own credentials (key or identity) authorise reading the source,
        # so the service copies inside itself. (Given a SAS URL, Azurite fetches the bytes over HTTP.)
        source_url = self._service.get_blob_client(source_container, source_name).url
        target = self._service.get_blob_client(container, name)
        conditions = {"source_etag": source_etag, "source_match_condition": MatchConditions.IfNotModified}
        try:
            status = target.start_copy_from_url(source_url, **(conditions if source_etag else {}))["copy_status"]
        except ResourceModifiedError:
            raise PreconditionFailed(f"blob {source_container}/{source_name} changed before it was copied") from None
        except ResourceNotFoundError:
            raise NotFound(f"blob {source_container}/{source_name} does not exist") from None
        deadline = time.monotonic() + timeout
        while status == "pending":  # copies inside one account are usually done at once
            if time.monotonic() > deadline:
                target.abort_copy(target.get_blob_properties().copy.id)
                raise Unavailable(f"copying {source_container}/{source_name} took longer than {timeout:.0f} s")
            time.sleep(0.2)
            status = target.get_blob_properties().copy.status
        if status != "success":
            raise Unavailable(f"copying {source_container}/{source_name} ended as {status}")
        if content_type:
            target.set_http_headers(ContentSettings(content_type=content_type))
        return self.properties(container, name)

    def ping(self) -> None:
        """Raise when the blob service cannot be reached or refuses our credentials."""
        next(iter(self._service.list_containers(results_per_page=1, **_NO_RETRY).by_page()), None)


def _stored(container: str, props: Any) -> StoredBlob:
    settings = props.content_settings
    return StoredBlob(
        container,
        props.name,
        props.size,
        props.etag,
        settings.content_type if settings else None,
        props.last_modified,
    )


@dataclass(frozen=True)
class QueueMessageIn:
    """A received message: its JSON payload and what is needed to settle it."""

    id: str
    pop_receipt: str
    dequeue_count: int
    payload: dict[str, Any]


def encode_message(payload: Mapping[str, Any]) -> str:
    """JSON text of a message, stamped with the current correlation id unless it has one."""
    body = dict(payload)
    body.setdefault("correlation_id", current_correlation_id())
    return json.dumps(body, separators=(",", ":"), default=str)


def decode_message(text: str | bytes) -> dict[str, Any]:
    """The payload of a message body as the trigger hands it over (already base64-decoded)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    payload = json.loads(text)
    if not isinstance(payload, dict):
        raise ValueError("a PACT queue message must be a JSON object")
    return payload


class QueueStore:
    """Storage queues; messages are base64 text, as the Functions queue trigger expects by default."""

    def __init__(self, service: QueueServiceClient) -> None:
        self._service = service

    @classmethod
    def from_settings(cls, settings: StorageSettings) -> QueueStore:
        options = _client_options(QueueExponentialRetry)
        if settings.connection_string is not None:
            service = QueueServiceClient.from_connection_string(
                settings.connection_string.get_secret_value(), **options
            )
        else:
            service = QueueServiceClient(settings.queue_service_uri, credential=_credential(settings), **options)
        return cls(service)

    def _client(self, queue: str):
        return self._service.get_queue_client(
            queue, message_encode_policy=TextBase64EncodePolicy(), message_decode_policy=TextBase64DecodePolicy()
        )

    def ensure_queues(self, queues: Iterable[str] = names.ALL_QUEUES) -> None:
        for queue in queues:
            try:
                self._service.create_queue(queue, **_NO_RETRY)
            except ResourceExistsError:
                pass

    def send(self, queue: str, payload: Mapping[str, Any], *, delay_seconds: int | None = None) -> str:
        """Enqueue a JSON message; returns the message id."""
        message = self._client(queue).send_message(encode_message(payload), visibility_timeout=delay_seconds)
        return message.id

    def receive(self, queue: str, *, max_messages: int = 32, visibility_timeout: int = 30) -> list[QueueMessageIn]:
        """Take messages for processing outside a trigger (tools and tests); settle with `delete`."""
        client = self._client(queue)
        received = client.receive_messages(max_messages=max_messages, visibility_timeout=visibility_timeout)
        return [QueueMessageIn(m.id, m.pop_receipt, m.dequeue_count, decode_message(m.content)) for m in received]

    def delete(self, queue: str, message: QueueMessageIn) -> None:
        self._client(queue).delete_message(message.id, message.pop_receipt)

    def approximate_count(self, queue: str) -> int:
        return self._client(queue).get_queue_properties().approximate_message_count

    def ping(self) -> None:
        next(iter(self._service.list_queues(results_per_page=1, **_NO_RETRY).by_page()), None)
