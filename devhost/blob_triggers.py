"""Blob triggers by polling the container, with the host's receipts, retries and poison queue.

In Azure, PACT's blob triggers use the Event Grid source; devhost has no Event Grid, so it lists the
container instead. Each blob version (ETag) runs once per function, also across restarts, because
devhost keeps receipts exactly where and how the host does (WebJobs `BlobReceiptManager`):
`azure-webjobs-hosts/blobreceipts/{hostId}/{functionId}/{etag}/{container}/{blob}`, created with
metadata `Incomplete`, leased while the function runs, and completed by removing that metadata.
A failing blob is retried up to `extensions.queues.maxDequeueCount` times, then a `BlobTrigger`
message goes to `webjobs-blobtrigger-poison` and the receipt is completed.
"""

from __future__ import annotations

import base64
import enum
import json
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import azure.functions as func
from azure.core import MatchConditions
from azure.core.exceptions import (
    AzureError,
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.storage.blob import BlobClient, BlobLeaseClient, BlobProperties

from devhost.app_loader import FunctionSpec
from devhost.hostjson import QueueOptions
from devhost.invoker import InvocationFailed, Invoker
from devhost.polling import Backoff, Renewer, guarded
from devhost.queue_triggers import ensure_queue
from devhost.storage import StorageAccount

log = logging.getLogger("devhost")

HOSTS_CONTAINER = "azure-webjobs-hosts"
POISON_QUEUE = "webjobs-blobtrigger-poison"
RECEIPT_LEASE_SECONDS = 30  # BlobReceiptManager.LeasePeriod
_INCOMPLETE = "Incomplete"


class BlobPathError(ValueError):
    """The trigger path is not `container` or `container/name-pattern`."""


@dataclass(frozen=True)
class BlobPath:
    container: str
    prefix: str  # the literal start of the name pattern: what to list
    pattern: re.Pattern[str]

    def matches(self, blob_name: str) -> bool:
        return bool(self.pattern.match(blob_name))


def parse_blob_path(path: str) -> BlobPath:
    """`inbox/{name}`, `inbox/scans/{name}.pdf` or just `inbox`; `{x}` stands for any text."""
    container, _, name = path.strip("/").partition("/")
    if not container or "{" in container:
        raise BlobPathError(f"blob trigger path {path!r} needs a literal container name")
    pieces = re.split(r"\{[^{}]*\}", name)
    regex = "(.+)".join(re.escape(piece) for piece in pieces) if name else ".+"
    return BlobPath(container, pieces[0], re.compile(f"^{regex}$", re.DOTALL))


class _Outcome(enum.Enum):
    DONE = "done"  # receipt completed (or another host completed it)
    LATER = "later"  # someone else holds it, or we are stopping: look again on a later scan


class BlobListener:
    """One poller per blob-triggered function."""

    def __init__(
        self,
        spec: FunctionSpec,
        account: StorageAccount,
        options: QueueOptions,
        invoker: Invoker,
        stop: threading.Event,
        max_poll_seconds: float,
        host_id: str,
    ):
        self.spec, self.options, self.invoker, self.stop, self.host_id = spec, options, invoker, stop, host_id
        self.path = parse_blob_path(spec.binding["path"])
        self.container = account.blobs.get_container_client(self.path.container)
        self.hosts = account.blobs.get_container_client(HOSTS_CONTAINER)
        self.poison = account.queues.get_queue_client(POISON_QUEUE)
        self.backoff = Backoff(0.1, max_poll_seconds)
        self._pool = ThreadPoolExecutor(
            max_workers=min(options.batch_size, 4), thread_name_prefix=f"devhost-blob-{spec.name}"
        )
        self._done: set[tuple[str, str]] = set()  # versions known to be receipted: skip without a request
        self._pending: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def start(self) -> threading.Thread:
        thread = threading.Thread(
            target=guarded(self.run, self.spec.name), name=f"devhost-poll-{self.spec.name}", daemon=True
        )
        thread.start()
        return thread

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self._ensure_containers()
                break
            except AzureError as exc:
                log.warning("container %s is not reachable yet: %s", self.path.container, exc)
                self.stop.wait(self.backoff.next_delay())
        while not self.stop.is_set():
            try:
                found = self._scan()
            except AzureError as exc:
                log.warning("listing container %s failed: %s", self.path.container, exc)
                found = 0
            if found:
                self.backoff.reset()
            self.stop.wait(self.backoff.next_delay())
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _ensure_containers(self) -> None:
        for container in (self.container, self.hosts):
            try:
                container.create_container()
            except ResourceExistsError:
                pass

    def _scan(self) -> int:
        found = 0
        for blob in self.container.list_blobs(name_starts_with=self.path.prefix or None):
            # The host keys receipts by the quoted ETag (`"0x8D..."`); listings may return it bare.
            key = (blob.name, quoted_etag(blob.etag))
            if not self.path.matches(blob.name):
                continue
            with self._lock:
                if key in self._done or key in self._pending:
                    continue
                self._pending.add(key)
            found += 1
            self._pool.submit(self._process, *key)
        return found

    def _process(self, name: str, etag: str) -> None:
        outcome = _Outcome.LATER
        try:
            outcome = self._process_version(name, etag)
        except AzureError as exc:
            log.warning("blob %s/%s: storage error %s; will look again", self.path.container, name, exc)
        finally:
            with self._lock:
                self._pending.discard((name, etag))
                if outcome is _Outcome.DONE:
                    self._done.add((name, etag))

    def _receipt(self, name: str, etag: str) -> BlobClient:
        return self.hosts.get_blob_client(
            f"blobreceipts/{self.host_id}/{self.spec.function_id}/{etag}/{self.path.container}/{name}"
        )

    def _process_version(self, name: str, etag: str) -> _Outcome:
        receipt = self._receipt(name, etag)
        state = _receipt_state(receipt)
        if state == "complete":
            return _Outcome.DONE
        if state is None:
            try:
                receipt.upload_blob(b"", metadata={_INCOMPLETE: _INCOMPLETE}, overwrite=False)
            except ResourceExistsError:
                return _Outcome.LATER  # another host just created it
        try:
            lease = receipt.acquire_lease(lease_duration=RECEIPT_LEASE_SECONDS)
        except (ResourceNotFoundError, HttpResponseError):
            return _Outcome.LATER  # leased by another host, or deleted meanwhile
        try:
            if _receipt_state(receipt) == "complete":
                return _Outcome.DONE
            with Renewer(lease.renew, RECEIPT_LEASE_SECONDS / 3, f"receipt for {name}"):
                outcome = self._run_with_retries(name, etag)
            if outcome is _Outcome.DONE:
                receipt.set_blob_metadata({}, lease=lease)  # no `Incomplete` key: completed
            return outcome
        finally:
            _release(lease)

    def _run_with_retries(self, name: str, etag: str) -> _Outcome:
        blob = self.container.get_blob_client(name)
        attempts, blob_type = self.options.max_dequeue_count, "BlockBlob"
        for attempt in range(1, attempts + 1):
            if self.stop.is_set():
                return _Outcome.LATER  # the receipt stays incomplete: the next start runs it again
            try:
                download = blob.download_blob(etag=etag, match_condition=MatchConditions.IfNotModified)
                data = download.readall()
            except (ResourceNotFoundError, ResourceModifiedError):
                return _Outcome.DONE  # gone or replaced: the host skips a version that is no longer current
            blob_type = _blob_type(download.properties)
            stream = func.blob.InputStream(
                data=data,
                name=f"{self.path.container}/{name}",
                uri=blob.url,
                length=download.properties.size,
                blob_properties=_properties(download.properties),
                metadata=dict(download.properties.metadata or {}),
            )
            reason = f"blob {self.path.container}/{name}, etag {etag}, attempt {attempt} of {attempts}"
            try:
                self.invoker.invoke(self.spec, stream, reason=reason)
                return _Outcome.DONE
            except InvocationFailed:
                if attempt < attempts:
                    self.stop.wait(self.options.visibility_timeout.total_seconds())
        self._send_to_poison(name, etag, blob_type)
        return _Outcome.DONE

    def _send_to_poison(self, name: str, etag: str, blob_type: str) -> None:
        message = json.dumps(
            {
                "Type": "BlobTrigger",
                "FunctionId": self.spec.function_id,
                "BlobType": blob_type,
                "ContainerName": self.path.container,
                "BlobName": name,
                "ETag": etag,
            },
            separators=(",", ":"),
        )
        if self.options.message_encoding == "base64":
            message = base64.b64encode(message.encode("utf-8")).decode("ascii")
        log.warning(
            "blob %s/%s failed %d times; moving it to queue '%s'",
            self.path.container,
            name,
            self.options.max_dequeue_count,
            POISON_QUEUE,
        )
        ensure_queue(self.poison)
        self.poison.send_message(message)


def quoted_etag(etag: str) -> str:
    return etag if etag.startswith('"') else f'"{etag}"'


def _receipt_state(receipt: BlobClient) -> str | None:
    try:
        metadata = receipt.get_blob_properties().metadata or {}
    except ResourceNotFoundError:
        return None
    return "incomplete" if any(k.lower() == _INCOMPLETE.lower() for k in metadata) else "complete"


def _release(lease: BlobLeaseClient) -> None:
    try:
        lease.release()
    except AzureError:
        pass  # expired or already gone: nothing to release


def _blob_type(props: BlobProperties) -> str:
    return str(getattr(props.blob_type, "value", props.blob_type) or "BlockBlob")


def _properties(props: BlobProperties) -> dict[str, Any]:
    """The blob's properties under the names the host passes to the worker (BlobProperties in .NET)."""
    settings = props.content_settings
    return {
        "Length": props.size,
        "ContentLength": props.size,
        "ContentType": settings.content_type,
        "ContentEncoding": settings.content_encoding,
        "ContentMD5": base64.b64encode(settings.content_md5).decode() if settings.content_md5 else None,
        "ETag": props.etag,
        "BlobType": _blob_type(props),
        "LastModified": props.last_modified.isoformat() if props.last_modified else None,
        "CreatedOn": props.creation_time.isoformat() if props.creation_time else None,
    }
