"""The composition root: settings, database, storage and cache, each built once, lazily, here.

Nothing connects at import time. Entry points (functions, the CLI, devhost-hosted code) ask this
module for what they need; tests build a `Container` from their own environment instead of
touching `os.environ`.
"""

from __future__ import annotations

import os
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from shared_code.core.config import Settings, load_local_settings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import sessionmaker

    from shared_code.core.cache import KeyValueStore
    from shared_code.core.counts import ListCounts
    from shared_code.core.mail import Mailer
    from shared_code.core.storage import BlobStore, QueueStore
    from shared_code.core.uow import UnitOfWork


class Container:
    """The application's adapters for one environment, created on first use and then reused."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Container:
        return cls(Settings.from_environ(environ))

    @cached_property
    def engine(self) -> Engine:
        from shared_code.core.db import create_engine

        settings = self.settings
        return create_engine(
            settings.database_url.get_secret_value(), echo=settings.database_echo, pool_size=settings.database_pool_size
        )

    @cached_property
    def session_factory(self) -> sessionmaker:
        from shared_code.core.db import create_session_factory
        from shared_code.core.models import load_models

        # Every mapped table, so a flush can resolve foreign keys to tables (e.g. core.Tenant) that no
        # import of this worker has loaded yet: otherwise a fresh worker's first write may fail.
        load_models()
        return create_session_factory(self.engine)

    def unit_of_work(self, *, tenant_id=None, actor_id=None) -> UnitOfWork:
        """A new unit of work, scoped to a tenant when one is given."""
        from shared_code.core.uow import UnitOfWork

        return UnitOfWork(self.session_factory, tenant_id=tenant_id, actor_id=actor_id, counts=self.list_counts)

    @cached_property
    def list_counts(self) -> ListCounts | None:
        """Remembered list totals (shared through Redis), or None when the setting turns them off."""
        from shared_code.core.counts import ListCounts

        seconds = self.settings.list_count_cache_seconds
        return ListCounts(self.cache, ttl_seconds=seconds) if seconds else None

    @cached_property
    def blobs(self) -> BlobStore:
        from shared_code.core.storage import BlobStore

        return BlobStore.from_settings(self.settings.storage)

    @cached_property
    def queues(self) -> QueueStore:
        from shared_code.core.storage import QueueStore

        return QueueStore.from_settings(self.settings.storage)

    @cached_property
    def cache(self) -> KeyValueStore:
        from shared_code.core.cache import connect_cache

        return connect_cache(self.settings.redis_url)

    @cached_property
    def mailer(self) -> Mailer:
        from shared_code.core.mail import build_mailer

        return build_mailer(self.settings)

    @cached_property
    def key_ring(self):
        from shared_code.auth.tokens import KeyRing

        return KeyRing.from_setting(self.settings.jwt_keys)

    @cached_property
    def code_keys(self):
        from shared_code.generation.payload import CodeKeys

        return CodeKeys.from_setting(self.settings.code_keys)

    @cached_property
    def rate_limiter(self):
        from shared_code.auth.limits import RateLimiter

        return RateLimiter(self.cache)

    @cached_property
    def lockout(self):
        from shared_code.auth.limits import Lockout

        return Lockout(self.cache, threshold=self.settings.lockout_threshold, window=self.settings.lockout_window)

    def ensure_storage(self) -> None:
        """Create every container and queue that is missing (idempotent)."""
        self.blobs.ensure_containers()
        self.queues.ensure_queues()

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
        if "cache" in self.__dict__:
            self.cache.close()


_container: Container | None = None
_container_lock = threading.Lock()


def container() -> Container:
    """The process-wide container, built from the environment on first call.

    Under Azure and devhost the environment already holds the app settings; a CLI run from the
    repository also reads local.settings.json, as `func start` would.
    """
    global _container
    if _container is None:
        with _container_lock:
            if _container is None:
                environ = load_local_settings(Path(os.environ.get("PACT_LOCAL_SETTINGS", "local.settings.json")))
                _container = Container.from_environ(environ)
    return _container


def reset_container() -> None:
    """Forget the process-wide container (after settings change, e.g. in the CLI's tests)."""
    global _container
    with _container_lock:
        if _container is not None:
            _container.close()
        _container = None
