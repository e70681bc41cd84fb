"""Helpers shared by the storage pollers: idle backoff and lease renewal while a function runs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger("devhost")


def guarded(target: Callable[[], None], function_name: str) -> Callable[[], None]:
    """A listener thread body that logs a devhost bug instead of dying silently."""

    def run() -> None:
        try:
            target()
        except Exception:
            log.exception("the listener for %s stopped on an unexpected error", function_name)

    return run


class Backoff:
    """Poll fast while there is work; when idle, double the wait up to `maximum` (the host's
    exponential backoff up to maxPollingInterval)."""

    def __init__(self, minimum: float, maximum: float):
        self.minimum = min(minimum, maximum)
        self.maximum = maximum
        self._current = self.minimum

    def reset(self) -> None:
        self._current = self.minimum

    def next_delay(self) -> float:
        delay = self._current
        self._current = min(self._current * 2, self.maximum)
        return delay


class Renewer:
    """Call `renew` every `every` seconds on a side thread until the `with` block ends.

    Used to keep a queue message invisible, or a blob receipt leased, while a long invocation runs.
    """

    def __init__(self, renew: Callable[[], None], every: float, what: str):
        self._renew, self._every, self._what = renew, every, what
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"devhost-renew-{what}", daemon=True)

    def __enter__(self) -> Renewer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self._renew()
            except Exception as exc:  # a lost lease shows up when the work completes; keep going
                log.warning("could not renew the lease on %s: %s", self._what, exc)
