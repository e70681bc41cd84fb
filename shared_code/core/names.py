"""Every blob container and queue PACT uses, in one place.

Function bindings, storage clients, devhost and infra/ all take their names from here, so a
rename is one edit. Azure names are lower-case letters, digits and hyphens.
"""

from __future__ import annotations

# Blob containers
TEMPLATES = "templates"  # uploaded template PDFs; a new blob triggers indexing
INBOX = "inbox"  # drop zone for returned scans; a new blob triggers intake
DOCUMENTS = "documents"  # generated, returned and signed documents
THUMBNAILS = "thumbnails"  # page previews
EXPORTS = "exports"  # print files and report exports
TEMP = "temp"  # scratch space, purged after TEMP_RETENTION_DAYS

CONTAINERS: tuple[str, ...] = (TEMPLATES, INBOX, DOCUMENTS, THUMBNAILS, EXPORTS, TEMP)

# Queues
MATCH_QUEUE = "match"  # one message per returned document to match
EVENTS_QUEUE = "events"  # domain events for workflows
GENERATE_QUEUE = "generate"  # chunks of a batch's generations to fill, stamp and store

POISON_SUFFIX = "-poison"  # the Functions host's convention for messages that kept failing


def poison_queue(queue: str) -> str:
    """The queue the host moves a message to after `maxDequeueCount` failures."""
    return f"{queue}{POISON_SUFFIX}"


QUEUES: tuple[str, ...] = (MATCH_QUEUE, EVENTS_QUEUE, GENERATE_QUEUE)
ALL_QUEUES: tuple[str, ...] = QUEUES + tuple(poison_queue(q) for q in QUEUES)

TEMP_RETENTION_DAYS = 7
