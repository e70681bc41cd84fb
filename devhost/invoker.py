"""Calling user functions as the Python worker does, and logging each invocation like the host."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func

from devhost.app_loader import FunctionSpec

log = logging.getLogger("devhost")


class InvocationFailed(Exception):
    """The user function raised; the original exception is the cause."""


@dataclass(frozen=True)
class TraceContext:
    trace_parent: str = ""
    trace_state: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RetryContext:
    retry_count: int = 0
    max_retry_count: int = 0
    exception: Any = None


class InvocationContext(func.Context):
    """What the worker passes as `context`."""

    def __init__(self, spec: FunctionSpec, invocation_id: str, trace_parent: str = "", *, retry: RetryContext):
        self._spec, self._id, self._retry = spec, invocation_id, retry
        self._trace = TraceContext(trace_parent=trace_parent)
        self._local = threading.local()
        self._local.invocation_id = invocation_id

    @property
    def invocation_id(self) -> str:
        return self._id

    @property
    def thread_local_storage(self) -> threading.local:
        return self._local

    @property
    def function_name(self) -> str:
        return self._spec.name

    @property
    def function_directory(self) -> str:
        return self._spec.directory

    @property
    def trace_context(self) -> TraceContext:
        return self._trace

    @property
    def retry_context(self) -> RetryContext:
        return self._retry


def worker_threads(environ: Mapping[str, str]) -> int:
    """How many sync invocations run at once: the Python worker's thread pool size, which
    PYTHON_THREADPOOL_THREAD_COUNT sets and which defaults (Python 3.9+) to min(32, CPUs + 4)."""
    configured = environ.get("PYTHON_THREADPOOL_THREAD_COUNT", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return min(32, (os.cpu_count() or 1) + 4)


class Invoker:
    """Sync functions run in the calling thread (an HTTP or poller thread), at most `threads` at once
    like the worker's thread pool, so a burst queues instead of piling every request onto the GIL
    and the database pool; coroutine functions run on one shared event loop thread, like the
    worker's loop."""

    def __init__(self, threads: int = 32) -> None:
        self._slots = threading.BoundedSemaphore(threads)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="devhost-asyncio", daemon=True)
        self._thread.start()
        self._running = 0
        self._idle = threading.Condition()

    def invoke(self, spec: FunctionSpec, value: Any, *, reason: str, trace_parent: str = "") -> Any:
        """Call the function with its trigger value; raise InvocationFailed when it raises."""
        invocation_id = str(uuid.uuid4())
        kwargs = {spec.param: value}
        if spec.wants_context:
            kwargs["context"] = InvocationContext(spec, invocation_id, trace_parent, retry=RetryContext())
        started = time.perf_counter()
        with self._tracked():
            try:
                if spec.is_async:
                    result = asyncio.run_coroutine_threadsafe(spec.func(**kwargs), self._loop).result()
                else:
                    with self._slots:
                        result = spec.func(**kwargs)
            except Exception as exc:
                log.error(
                    "Executed 'Functions.%s' (Failed, %s, Id=%s, Duration=%dms)",
                    spec.name,
                    reason,
                    invocation_id,
                    _ms(started),
                    exc_info=exc,
                )
                raise InvocationFailed(f"{spec.name} failed: {exc!r}") from exc
        log.info(
            "Executed 'Functions.%s' (Succeeded, %s, Id=%s, Duration=%dms)",
            spec.name,
            reason,
            invocation_id,
            _ms(started),
        )
        return result

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no invocation is running; False if some still are after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        with self._idle:
            self._running += 1
        try:
            yield
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
