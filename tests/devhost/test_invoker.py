"""The invoker runs sync functions like the Python worker's thread pool: at most N at once."""

from __future__ import annotations

import threading
import time

from devhost.app_loader import FunctionSpec
from devhost.invoker import Invoker, worker_threads


def test_the_thread_count_follows_the_workers_setting_and_default(monkeypatch) -> None:
    assert worker_threads({"PYTHON_THREADPOOL_THREAD_COUNT": "3"}) == 3
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert worker_threads({}) == 6  # min(32, CPUs + 4), as Python's ThreadPoolExecutor
    assert worker_threads({"PYTHON_THREADPOOL_THREAD_COUNT": "none"}) == 6
    monkeypatch.setattr("os.cpu_count", lambda: 64)
    assert worker_threads({}) == 32


def test_no_more_than_the_pool_size_of_sync_invocations_run_at_once() -> None:
    running, most, lock = 0, 0, threading.Lock()

    def work(req: str) -> str:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return req

    spec = FunctionSpec(name="work", kind="http", binding={"name": "req"}, func=work, wants_context=False,
                        directory=".")
    invoker = Invoker(threads=3)
    results: list[str] = []
    try:
        callers = [threading.Thread(target=lambda n=n: results.append(invoker.invoke(spec, f"r{n}", reason="test")))
                   for n in range(12)]
        for thread in callers:
            thread.start()
        for thread in callers:
            thread.join(timeout=10)
    finally:
        invoker.close()
    assert sorted(results) == sorted(f"r{n}" for n in range(12))  # every call ran, none was dropped
    assert most == 3
