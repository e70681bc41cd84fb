"""Single-use, expiring tokens sent by e-mail: invitations, e-mail verification, password reset.

A token is 32 random bytes, url-safe; only its SHA-256 is stored (the token has 256 bits of
entropy, so a fast hash is enough, unlike passwords). Issuing a token of a purpose removes the
user's earlier tokens of that purpose, so only the latest link works. Consuming is one conditional
UPDATE: of two requests racing with the same token, exactly one changes the row and wins.
Unknown, expired, used and superseded tokens are refused alike, with one message.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.auth.models import OneTimeToken, User
from shared_code.core.errors import InvalidInput

INVITATION = "invitation"
EMAIL_VERIFICATION = "email_verification"
PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password

LIFETIMES: dict[str, timedelta] = {
    INVITATION: timedelta(days=7),
    EMAIL_VERIFICATION: timedelta(days=2),
    PASSWORD_RESET: timedelta(hours=1),
}

INVALID_LINK = "this link is invalid or has expired"


@dataclass(frozen=True)
class IssuedToken:
    token: str  # goes into the e-mailed link, never into the database or a log
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def issue_one_time_token(session: Session, *, user: User, purpose: str, now: datetime | None = None) -> IssuedToken:
    """A new token of `purpose` for `user`, replacing the user's earlier ones of that purpose."""
    if purpose not in LIFETIMES:
        raise ValueError(f"unknown one-time token purpose {purpose!r}")
    now = now or datetime.now(UTC)
    session.execute(
        sa.delete(OneTimeToken)
        .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    expires_at = now + LIFETIMES[purpose]
    session.add(
        OneTimeToken(
            tenant_id=user.tenant_id,
            user_id=user.id,
            purpose=purpose,
            token_hash=_digest(token),
            expires_at=expires_at,
        )
    )
    session.flush()
    return IssuedToken(token=token, expires_at=expires_at)


def consume_one_time_token(session: Session, *, token: str, purpose: str, now: datetime | None = None) -> OneTimeToken:
    """Spend a token of `purpose`; the spent row (its user and tenant). InvalidInput when it cannot be spent.

    Spending is part of the caller's transaction: if the caller fails afterwards and rolls back,
    the token stays usable (e.g. after a password the policy refused).
    """
    now = now or datetime.now(UTC)
    digest = _digest(token)
    spent = session.execute(
        sa.update(OneTimeToken)
        .where(
            OneTimeToken.token_hash == digest,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        raise InvalidInput(INVALID_LINK)
    return session.scalars(sa.select(OneTimeToken).where(OneTimeToken.token_hash == digest)).one()
