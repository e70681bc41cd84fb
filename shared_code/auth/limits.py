"""Brute-force defences kept in the shared store (Redis): request rate limits and sign-in lockout.

Rate limits are fixed one-minute windows per IP, per user and per API key. Lockout counts failed
sign-ins per e-mail address, known or not, so it behaves the same whether an account exists.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from shared_code.core.cache import KeyValueStore
from shared_code.core.errors import RateLimited, Unavailable

log = logging.getLogger("pact.auth")


class RateLimiter:
    def __init__(self, store: KeyValueStore, *, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    def hit(self, scope: str, key: str, *, limit: int, window: int = 60) -> None:
        """Count one request; raise RateLimited (with the seconds to wait) past `limit` in the window."""
        now = self._clock()
        start = int(now // window) * window
        try:
            count = self._store.incr(f"rl:{scope}:{key}:{start}", ttl_seconds=window + 1)
        except Unavailable:
            # Fail open: an outage of the store must not take the API down with it; it is logged.
            log.warning("rate limit %s not enforced: the store is unavailable", scope)
            return
        if count > limit:
            raise RateLimited("too many requests; slow down", retry_after=max(1, int(start + window - now) + 1))


def lockout_subject(email: str) -> str:
    """The lockout key of an address; hashed so the store never holds the addresses themselves."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class Lockout:
    def __init__(self, store: KeyValueStore, *, threshold: int, window: int) -> None:
        self._store = store
        self.threshold = threshold
        self.window = window

    def check(self, subject: str) -> None:
        """Raise RateLimited while the subject is locked out."""
        remaining = self._store.ttl(f"lock:{subject}")
        if self._store.get(f"lock:{subject}") is not None:
            raise RateLimited("too many failed sign-in attempts; try again later", retry_after=remaining or self.window)

    def record_failure(self, subject: str) -> bool:
        """Count a failure; True when it locks the subject out."""
        failures = self._store.incr(f"fail:{subject}", ttl_seconds=self.window)
        if failures >= self.threshold:
            self._store.set(f"lock:{subject}", b"1", ttl_seconds=self.window)
            self._store.delete(f"fail:{subject}")
            return True
        return False

    def clear(self, subject: str) -> None:
        """Forget the failures counted so far (after a successful sign-in)."""
        self._store.delete(f"fail:{subject}")

    def unlock(self, subject: str) -> None:
        """Lift a lock and its count (after the owner proved themselves, e.g. by a password reset)."""
        self._store.delete(f"fail:{subject}")
        self._store.delete(f"lock:{subject}")
