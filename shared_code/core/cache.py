"""A small key-value store for rate limits, token revocation and caches: Redis, or in-process.

The in-process store is the fallback only when no Redis is configured (a single local process);
with several workers it would let each keep its own counts, so production configures Redis.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from pydantic import SecretStr

from shared_code.core.errors import Unavailable


class KeyValueStore(Protocol):
    kind: str

    def get(self, key: str) -> bytes | None: ...

    def get_many(self, keys: list[str]) -> list[bytes | None]:
        """Several keys in one round trip."""
        ...

    def set(self, key: str, value: bytes | str, *, ttl_seconds: int | None = None) -> None: ...

    def delete(self, key: str) -> None: ...

    def incr(self, key: str, *, ttl_seconds: int) -> int:
        """Add one and return the new count; the key expires `ttl_seconds` after its first increment."""
        ...

    def ttl(self, key: str) -> int | None:
        """Seconds until the key expires; None when it does not exist or never expires."""
        ...

    def ping(self) -> None: ...

    def close(self) -> None: ...


class RedisStore:
    """Redis behind the store interface; a Redis failure surfaces as `Unavailable` (a 503), never a 500."""

    kind = "redis"

    def __init__(self, url: str) -> None:
        import redis

        self._client = _Guarded(
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2, health_check_interval=30),
            redis.RedisError,
        )

    def get(self, key: str) -> bytes | None:
        return self._client.get(key)

    def get_many(self, keys: list[str]) -> list[bytes | None]:
        return self._client.mget(keys)

    def set(self, key: str, value: bytes | str, *, ttl_seconds: int | None = None) -> None:
        self._client.set(key, value, ex=ttl_seconds)

    def delete(self, key: str) -> None:
        self._client.delete(key)

    def incr(self, key: str, *, ttl_seconds: int) -> int:
        count, _ = self._client.incr_with_expiry(key, ttl_seconds)
        return int(count)

    def ttl(self, key: str) -> int | None:
        remaining = self._client.ttl(key)
        return remaining if remaining >= 0 else None

    def ping(self) -> None:
        self._client.ping()

    def close(self) -> None:
        self._client.close()


class _Guarded:
    """Wraps a Redis client so that its errors become `Unavailable`, naming Redis but not its URL."""

    def __init__(self, client, error_type: type[Exception]) -> None:
        self._client = client
        self._error_type = error_type

    def __getattr__(self, name: str):
        method = getattr(self._client, name)

        def call(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except self._error_type as exc:
                raise Unavailable(f"the cache (Redis) is unavailable: {type(exc).__name__}") from None

        return call

    def incr_with_expiry(self, key: str, ttl_seconds: int):
        def run():
            pipe = self._client.pipeline()
            pipe.incr(key)
            pipe.expire(key, ttl_seconds, nx=True)
            return pipe.execute()

        try:
            return run()
        except self._error_type as exc:
            raise Unavailable(f"the cache (Redis) is unavailable: {type(exc).__name__}") from None


class MemoryStore:
    """Thread-safe, expiring dict with the same behaviour as RedisStore for one process."""

    kind = "memory"

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._items: dict[str, tuple[bytes, float | None]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str) -> tuple[bytes, float | None] | None:
        item = self._items.get(key)
        if item and item[1] is not None and item[1] <= self._clock():
            del self._items[key]
            return None
        return item

    def get(self, key: str) -> bytes | None:
        with self._lock:
            item = self._live(key)
            return item[0] if item else None

    def get_many(self, keys: list[str]) -> list[bytes | None]:
        return [self.get(key) for key in keys]

    def set(self, key: str, value: bytes | str, *, ttl_seconds: int | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        with self._lock:
            self._items[key] = (data, self._clock() + ttl_seconds if ttl_seconds else None)

    def delete(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def incr(self, key: str, *, ttl_seconds: int) -> int:
        with self._lock:
            item = self._live(key)
            count = int(item[0]) + 1 if item else 1
            expires = item[1] if item and item[1] is not None else self._clock() + ttl_seconds
            self._items[key] = (str(count).encode(), expires)
            return count

    def ttl(self, key: str) -> int | None:
        with self._lock:
            item = self._live(key)
            if not item or item[1] is None:
                return None
            return max(0, round(item[1] - self._clock()))

    def ping(self) -> None:
        return None

    def close(self) -> None:
        with self._lock:
            self._items.clear()


def connect_cache(url: SecretStr | None) -> KeyValueStore:
    """Redis when a URL is configured, else the in-process fallback."""
    if url is None:
        return MemoryStore()
    return RedisStore(url.get_secret_value())
