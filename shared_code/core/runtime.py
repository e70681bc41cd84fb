"""Start-up of the running app: the first invocation in a worker builds the container, configures
logging and creates missing containers and queues. Later invocations reuse all of it."""

from __future__ import annotations

import logging
import threading

from shared_code.core.bootstrap import Container, container
from shared_code.core.logging import configure_logging

log = logging.getLogger("pact.runtime")
_storage_ready = False
_lock = threading.Lock()


def started_container() -> Container:
    """The process container, started: logging configured, storage ensured (retried until it works)."""
    global _storage_ready
    app = container()
    configure_logging(app.settings)
    if not _storage_ready:
        with _lock:
            if not _storage_ready:
                try:
                    app.ensure_storage()
                    _storage_ready = True
                except Exception as exc:  # storage down: serve what we can (health reports it), retry next call
                    log.warning("could not ensure containers and queues: %s", type(exc).__name__)
    return app
