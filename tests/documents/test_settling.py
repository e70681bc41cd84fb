"""Blob writes follow the database's outcome (shared_code.documents.uploads.when_settled): tidied when
the transaction does not commit, whatever savepoints committed inside it."""

from __future__ import annotations

import pytest

from shared_code.documents.uploads import when_settled


@pytest.fixture
def session(admin_app):
    with admin_app.unit_of_work() as uow:
        uow.session.connection()  # the transaction has begun, as it has by the time an upload writes blobs
        yield uow.session


def _watch(session) -> list[str]:
    calls: list[str] = []
    when_settled(session, committed=lambda: calls.append("committed"), abandoned=lambda: calls.append("abandoned"))
    return calls


def test_a_commit_calls_committed_once(session):
    calls = _watch(session)
    with session.begin_nested():
        session.flush()
    assert calls == []
    session.commit()
    session.commit()  # a later transaction of the same session is not this one
    assert calls == ["committed"]


def test_a_rollback_after_a_committed_savepoint_calls_abandoned(session):
    calls = _watch(session)
    with session.begin_nested():  # a savepoint's release is not the commit
        session.flush()
    session.rollback()
    assert calls == ["abandoned"]


def test_a_failing_tidy_up_is_logged_not_raised(session, caplog):
    import logging

    def broken() -> None:
        raise ConnectionError("storage is down")

    logger = logging.getLogger("pact.documents")  # `pact` does not propagate once logging is configured
    logger.addHandler(caplog.handler)
    try:
        when_settled(session, committed=None, abandoned=broken)
        session.rollback()
    finally:
        logger.removeHandler(caplog.handler)
    assert "tidying blobs" in caplog.text
