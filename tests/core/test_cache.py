import uuid

import pytest

from shared_code.core.cache import MemoryStore, RedisStore


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def store(request):
    if request.param == "memory":
        yield MemoryStore()
    else:
        store = RedisStore(request.getfixturevalue("redis_url"))
        yield store
        store.close()


def key() -> str:
    return f"pact-test:{uuid.uuid4().hex}"


def test_set_get_delete(store):
    k = key()
    assert store.get(k) is None
    store.set(k, "value", ttl_seconds=30)
    assert store.get(k) == b"value"
    assert 0 < store.ttl(k) <= 30
    store.delete(k)
    assert store.get(k) is None
    assert store.ttl(k) is None


def test_incr_counts_within_one_window(store):
    k = key()
    assert [store.incr(k, ttl_seconds=60) for _ in range(3)] == [1, 2, 3]
    assert 0 < store.ttl(k) <= 60
    store.delete(k)


def test_ping(store):
    store.ping()


def test_memory_store_expires_keys_and_windows():
    clock = FakeClock()
    store = MemoryStore(clock=clock)
    store.set("a", b"1", ttl_seconds=10)
    store.incr("n", ttl_seconds=10)
    store.incr("n", ttl_seconds=10)
    clock.now += 11
    assert store.get("a") is None
    assert store.incr("n", ttl_seconds=10) == 1  # a new window
