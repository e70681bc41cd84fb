"""One-time tokens: random, stored hashed, expiring per purpose, single use (even under a race), superseded."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from shared_code.auth.models import OneTimeToken, Tenant, User
from shared_code.auth.one_time import (
    EMAIL_VERIFICATION,
    INVALID_LINK,
    INVITATION,
    LIFETIMES,
    PASSWORD_RESET,
    consume_one_time_token,
    issue_one_time_token,
)
from shared_code.core.bootstrap import Container
from shared_code.core.config import Settings
from shared_code.core.errors import InvalidInput
from tests.support import database
from tests.support.database import unique

migrated_sqlite_template = database.migrated_sqlite_template  # fixtures
migrated_sqlite_url = database.migrated_sqlite_url
migrated_url = database.migrated_url
pg_migrated_url = database.pg_migrated_url


@pytest.fixture
def app(migrated_url: str):
    container = Container(
        Settings.from_environ(
            {"PACT_ENV": "test", "AzureWebJobsStorage": "UseDevelopmentStorage=true", "PACT_DATABASE_URL": migrated_url}
        )
    )
    yield container
    container.close()


@pytest.fixture
def user(app: Container) -> User:
    with app.unit_of_work() as uow:
        tenant = Tenant(slug=unique("otp"), name="One-time tokens Ltd")
        uow.session.add(tenant)
        uow.session.flush()
        person = User(tenant_id=tenant.id, email=f"{unique('ada')}@example.com", display_name="Ada", status="invited")
        uow.session.add(person)
        uow.commit()
    return person


def issue(app: Container, user: User, purpose: str = INVITATION, now: datetime | None = None):
    with app.unit_of_work() as uow:
        issued = issue_one_time_token(uow.session, user=user, purpose=purpose, now=now)
        uow.commit()
    return issued


def consume(app: Container, token: str, purpose: str = INVITATION) -> OneTimeToken:
    with app.unit_of_work() as uow:
        row = consume_one_time_token(uow.session, token=token, purpose=purpose)
        uow.commit()
    return row


def rows(app: Container, user: User) -> list[OneTimeToken]:
    with app.unit_of_work() as uow:
        return list(uow.session.scalars(sa.select(OneTimeToken).where(OneTimeToken.user_id == user.id)))


def refused(app: Container, token: str, purpose: str = INVITATION) -> None:
    with pytest.raises(InvalidInput) as caught:
        consume(app, token, purpose)
    assert caught.value.message == INVALID_LINK and caught.value.details is None


@pytest.mark.parametrize(
    ("purpose", "lifetime"),
    [(INVITATION, timedelta(days=7)), (EMAIL_VERIFICATION, timedelta(days=2)), (PASSWORD_RESET, timedelta(hours=1))],
)
def test_a_token_is_random_stored_only_as_its_hash_and_expires_per_purpose(app, user, purpose, lifetime):
    now = datetime.now(UTC).replace(microsecond=0)
    issued = issue(app, user, purpose, now=now)

    assert LIFETIMES[purpose] == lifetime
    assert len(issued.token) >= 43  # 32 random bytes, url-safe base64
    assert issued.expires_at == now + lifetime
    [row] = rows(app, user)
    assert row.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in {str(value) for value in vars(row).values()}
    assert (row.purpose, row.expires_at, row.used_at, row.tenant_id) == (purpose, now + lifetime, None, user.tenant_id)
    assert issue(app, user, purpose).token != issued.token


def test_a_token_works_once(app, user):
    issued = issue(app, user)

    row = consume(app, issued.token)

    assert row.user_id == user.id and row.used_at is not None
    refused(app, issued.token)


def test_an_expired_token_is_refused(app, user):
    issued = issue(app, user, PASSWORD_RESET, now=datetime.now(UTC) - timedelta(hours=1, seconds=1))
    refused(app, issued.token, PASSWORD_RESET)


def test_a_token_that_has_just_a_moment_left_still_works(app, user):
    issued = issue(app, user, PASSWORD_RESET, now=datetime.now(UTC) - timedelta(minutes=59))
    assert consume(app, issued.token, PASSWORD_RESET).user_id == user.id


def test_unknown_tokens_and_tokens_of_another_purpose_are_refused_alike(app, user):
    issued = issue(app, user, INVITATION)
    refused(app, "x" * 43)
    refused(app, issued.token, PASSWORD_RESET)
    assert consume(app, issued.token, INVITATION).user_id == user.id  # the wrong-purpose try did not spend it


def test_a_new_token_supersedes_the_earlier_ones_of_its_purpose_only(app, user):
    first = issue(app, user, INVITATION)
    verification = issue(app, user, EMAIL_VERIFICATION)
    second = issue(app, user, INVITATION)

    refused(app, first.token)
    assert consume(app, second.token).user_id == user.id
    assert consume(app, verification.token, EMAIL_VERIFICATION).user_id == user.id


def test_spending_is_undone_when_the_callers_transaction_rolls_back(app, user):
    issued = issue(app, user)
    with app.unit_of_work() as uow:
        consume_one_time_token(uow.session, token=issued.token, purpose=INVITATION)
        uow.rollback()
    assert consume(app, issued.token).user_id == user.id


def test_of_two_concurrent_uses_exactly_one_wins(app, user):
    issued = issue(app, user)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def use() -> None:
        with app.unit_of_work() as uow:
            start.wait()
            try:
                consume_one_time_token(uow.session, token=issued.token, purpose=INVITATION)
            except InvalidInput:
                outcomes.append("refused")
                return
            threading.Event().wait(0.3)  # hold the transaction open while the other one tries
            uow.commit()
            outcomes.append("won")

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "won"]


def test_an_unknown_purpose_is_a_programming_error(app, user):
    with app.unit_of_work() as uow, pytest.raises(ValueError, match="purpose"):
        issue_one_time_token(uow.session, user=user, purpose="login")
