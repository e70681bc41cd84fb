"""Scratch space is temporary: blobs in `temp` older than the retention period are deleted."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared_code.core import names
from shared_code.core.storage import BlobStore

log = logging.getLogger("pact.lifecycle")


@dataclass(frozen=True)
class PurgeResult:
    examined: int
    deleted: int


def purge_temp(blobs: BlobStore, *, now: datetime, retention: timedelta) -> PurgeResult:
    """Delete every blob in `temp` last modified before `now - retention`. Safe to run twice."""
    cutoff = now - retention
    examined = deleted = 0
    for blob in blobs.list(names.TEMP):
        examined += 1
        if blob.last_modified is not None and blob.last_modified < cutoff and blobs.delete(names.TEMP, blob.name):
            deleted += 1
    log.info("purged %d of %d temp blobs older than %s", deleted, examined, cutoff.isoformat())
    return PurgeResult(examined, deleted)
