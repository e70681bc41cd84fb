"""Queue triggers: poll, lease, invoke, then delete, release or poison, as the host's QueueProcessor does."""

from __future__ import annotations

import base64
import binascii
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from azure.core.exceptions import AzureError, ResourceExistsError
from azure.functions.queue import QueueMessage as TriggerMessage  # the worker's class, with dequeue_count
from azure.storage.queue import QueueClient, QueueMessage

from devhost.app_loader import FunctionSpec
from devhost.hostjson import QueueOptions
from devhost.invoker import InvocationFailed, Invoker
from devhost.polling import Backoff, Renewer, guarded
from devhost.storage import StorageAccount

log = logging.getLogger("devhost")

# How long a received message stays invisible while its function runs; renewed at half of it.
# The host uses 10 minutes; a shorter lease brings a killed devhost's messages back sooner.
LEASE_SECONDS = 30
MIN_POLL_SECONDS = 0.1  # the host's minimum queue polling interval


class MessageDecodingError(ValueError):
    """The message is not valid for the configured messageEncoding."""


def decode_body(content: str, encoding: str) -> bytes:
    """The message body the function sees: base64-decoded (the host's default) or the raw text."""
    if encoding == "none":
        return content.encode("utf-8")
    try:
        return base64.b64decode("".join(content.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MessageDecodingError(str(exc)) from exc


def ensure_queue(client: QueueClient) -> None:
    try:
        client.create_queue()
    except ResourceExistsError:
        pass


class QueueListener:
    """One poller per queue-triggered function, running up to batchSize messages at a time."""

    def __init__(
        self,
        spec: FunctionSpec,
        account: StorageAccount,
        options: QueueOptions,
        invoker: Invoker,
        stop: threading.Event,
        max_poll_seconds: float,
    ):
        self.spec, self.options, self.invoker, self.stop = spec, options, invoker, stop
        self.queue_name = spec.binding["queueName"]
        self.queue = account.queues.get_queue_client(self.queue_name)
        self.poison = account.queues.get_queue_client(f"{self.queue_name}-poison")
        self.backoff = Backoff(MIN_POLL_SECONDS, max_poll_seconds)
        self._pool = ThreadPoolExecutor(
            max_workers=min(options.batch_size, 8), thread_name_prefix=f"devhost-queue-{spec.name}"
        )
        self._in_flight = 0
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
                ensure_queue(self.queue)
                break
            except AzureError as exc:
                log.warning("queue %s is not reachable yet: %s", self.queue_name, exc)
                self.stop.wait(self.backoff.next_delay())
        while not self.stop.is_set():
            with self._lock:
                in_flight = self._in_flight
            # Like the host: fetch a new batch only when the running ones fall to newBatchThreshold.
            if in_flight > self.options.batch_threshold or in_flight >= self.options.batch_size:
                self.stop.wait(0.05)
                continue
            try:
                messages = self._receive(self.options.batch_size - in_flight)
            except AzureError as exc:
                log.warning("receiving from queue %s failed: %s", self.queue_name, exc)
                messages = []
            if not messages:
                self.stop.wait(self.backoff.next_delay())
                continue
            self.backoff.reset()
            for message in messages:
                with self._lock:
                    self._in_flight += 1
                self._pool.submit(self._process, message)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _receive(self, count: int) -> list[QueueMessage]:
        count = max(1, min(count, 32))  # the service returns at most 32 per call
        return list(
            self.queue.receive_messages(messages_per_page=count, max_messages=count, visibility_timeout=LEASE_SECONDS)
        )

    def _process(self, message: QueueMessage) -> None:
        try:
            self._handle(message)
        except AzureError as exc:  # the lease runs out and the message comes back
            log.warning("queue %s message %s: storage error %s", self.queue_name, message.id, exc)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _handle(self, message: QueueMessage) -> None:
        try:
            body = decode_body(message.content or "", self.options.message_encoding)
        except MessageDecodingError as exc:
            # The host moves a message it cannot decode to the poison queue at once: retrying cannot help.
            log.error(
                "Message decoding has failed! Check MessageEncoding settings (queue %s, message %s: %s)",
                self.queue_name,
                message.id,
                exc,
            )
            self._poison(message, message.pop_receipt, "it cannot be decoded")
            return
        lease = {"pop_receipt": message.pop_receipt}

        def renew() -> None:
            updated = self.queue.update_message(message.id, lease["pop_receipt"], visibility_timeout=LEASE_SECONDS)
            lease["pop_receipt"] = updated.pop_receipt

        trigger = TriggerMessage(
            id=message.id,
            body=body,
            dequeue_count=message.dequeue_count,
            expiration_time=message.expires_on,
            insertion_time=message.inserted_on,
            time_next_visible=message.next_visible_on,
            pop_receipt=message.pop_receipt,
        )
        reason = f"queue {self.queue_name}, message {message.id}, dequeueCount {message.dequeue_count}"
        try:
            with Renewer(renew, LEASE_SECONDS / 2, f"message {message.id}"):
                self.invoker.invoke(self.spec, trigger, reason=reason)
        except InvocationFailed:
            self._failed(message, lease["pop_receipt"])
        else:
            self.queue.delete_message(message.id, lease["pop_receipt"])

    def _failed(self, message: QueueMessage, pop_receipt: str | None) -> None:
        if (message.dequeue_count or 0) >= self.options.max_dequeue_count:
            self._poison(message, pop_receipt, f"it has reached MaxDequeueCount of {self.options.max_dequeue_count}")
            return
        # Not yet poison: visible again after visibilityTimeout, and the next delivery counts one more.
        delay = int(self.options.visibility_timeout.total_seconds())
        self.queue.update_message(message.id, pop_receipt, visibility_timeout=delay)

    def _poison(self, message: QueueMessage, pop_receipt: str | None, why: str) -> None:
        log.warning("Message %s: %s. Moving message to queue '%s'.", message.id, why, self.poison.queue_name)
        ensure_queue(self.poison)
        self.poison.send_message(message.content)  # the original text, still encoded as it was
        self.queue.delete_message(message.id, pop_receipt)
