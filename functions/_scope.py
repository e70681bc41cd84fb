"""The transaction of an authenticated request: scoped to the caller's tenant, attributed to the caller.

Every administration route works through it, so tenant scoping and audit attribution are never
repeated (or forgotten) per route: another tenant's record is simply not found (404).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from shared_code.core.errors import NotFound
from shared_code.core.http.request import ApiRequest

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shared_code.core.bootstrap import Container


def app() -> Container:
    """The running app (started on first use in this worker), for routes that run their own units of work."""
    from shared_code.core.runtime import started_container

    return started_container()


@contextmanager
def transaction(request: ApiRequest) -> Iterator[tuple[Container, Session]]:
    """The app and a session for `request.principal`; committed when the block ends without an error."""
    running, principal = app(), request.principal
    with running.unit_of_work(tenant_id=principal.tenant_id, actor_id=principal.id) as uow:
        uow.session.info["actor_type"] = principal.actor_type  # a person or an API key, for the audit trail
        yield running, uow.session
        uow.commit()


def path_id(request: ApiRequest, name: str = "id") -> uuid.UUID:
    """A route's id parameter; one that is not a UUID names nothing, so it is not found (404)."""
    try:
        return uuid.UUID(request.route_params.get(name, ""))
    except ValueError:
        raise NotFound("no such record") from None
