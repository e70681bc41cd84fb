"""Multi-factor authentication with TOTP (RFC 6238): enrolment by QR code, verification at sign-in,
single-use recovery codes.

Secrets are encrypted at rest with PACT_ENCRYPTION_KEY (Fernet). A code is accepted within one
30-second step of the server's clock, and never twice: the last used step is claimed with a
conditional UPDATE, so not even two concurrent requests can both spend one code. Failed
codes count towards a lockout like failed passwords.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from shared_code.auth import tokens
from shared_code.auth.models import MfaCredential, RecoveryCode, User
from shared_code.auth.principal import Principal
from shared_code.auth.sessions import Client, TokenPair, signed_in, start_session, user_for_step
from shared_code.core.audit import record_audit
from shared_code.core.errors import Conflict, InvalidInput, Unauthenticated, Unavailable

ISSUER = "PACT"
RECOVERY_CODES = 10
_STEP = 30


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str


def _fernet(app):
    from cryptography.fernet import Fernet

    if app.settings.encryption_key is None:
        raise Unavailable("MFA is not configured on this server (PACT_ENCRYPTION_KEY is not set)")
    return Fernet(app.settings.encryption_key.get_secret_value().encode())


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _qr_svg(uri: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2, xmldecl=False)
    return buffer.getvalue().decode()


def begin_enrolment(app, session: Session, user: User) -> Enrolment:
    """A new (unconfirmed) TOTP secret for the user, replacing any earlier unconfirmed one."""
    import pyotp

    if user.mfa_enabled:
        raise Conflict("MFA is already enabled; an administrator can reset it")
    secret = pyotp.random_base32()
    credential = session.get(MfaCredential, user.id)
    encrypted = _fernet(app).encrypt(secret.encode()).decode()
    if credential is None:
        session.add(MfaCredential(user_id=user.id, tenant_id=user.tenant_id, secret_encrypted=encrypted))
    else:
        credential.secret_encrypted, credential.confirmed_at, credential.last_used_step = encrypted, None, None
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return Enrolment(secret, uri, _qr_svg(uri))


def confirm_enrolment(app, session: Session, user: User, code: str) -> list[str]:
    """Enable MFA once the first code is right; answer the recovery codes, shown this once."""
    credential = session.get(MfaCredential, user.id)
    if credential is None or user.mfa_enabled:
        raise Conflict("start the enrolment first")
    _check_code(app, session, credential, code, user)
    credential.confirmed_at = datetime.now(UTC)
    user.mfa_enabled = True
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, tenant_id=user.tenant_id, code_hash=_hash_code(c)) for c in codes)
    record_audit(session, action="user.mfa_enabled", entity_type="User", entity_id=user.id, tenant_id=user.tenant_id)
    return codes


def _check_code(app, session: Session, credential: MfaCredential, code: str, user: User) -> None:
    import pyotp

    subject = f"mfa:{user.id}"
    app.lockout.check(subject)
    secret = _fernet(app).decrypt(credential.secret_encrypted.encode()).decode()
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // _STEP
    code = code.strip().replace(" ", "")
    for step in (now_step, now_step - 1, now_step + 1):
        if secrets.compare_digest(totp.at(step * _STEP), code) and _claim_step(session, credential, step):
            app.lockout.clear(subject)
            return
    app.lockout.record_failure(subject)
    raise Unauthenticated("the code is not valid")


def _claim_step(session: Session, credential: MfaCredential, step: int) -> bool:
    """Record `step` as the last one used, unless it or a later one was: one conditional UPDATE, so of
    two requests racing with the same code exactly one succeeds (what the row said when it was read
    may be stale by then)."""
    claimed = session.execute(
        sa.update(MfaCredential)
        .where(
            MfaCredential.user_id == credential.user_id,
            sa.or_(MfaCredential.last_used_step.is_(None), MfaCredential.last_used_step < step),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed == 1:
        set_committed_value(credential, "last_used_step", step)
    return claimed == 1


def _use_recovery_code(app, session: Session, user: User, code: str) -> None:
    subject = f"mfa:{user.id}"
    app.lockout.check(subject)
    used = session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_code(code), RecoveryCode.used_at.is_(None)
        )
        .values(used_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        app.lockout.record_failure(subject)
        raise Unauthenticated("the recovery code is not valid")
    record_audit(
        session, action="user.recovery_code_used", entity_type="User", entity_id=user.id, tenant_id=user.tenant_id
    )


def complete_login(app, *, mfa_token: str, code: str | None, recovery_code: str | None, client: Client) -> TokenPair:
    """The second step of a sign-in: a TOTP code or a recovery code."""
    if not (code or recovery_code):
        raise InvalidInput("send a code or a recovery code")
    with app.unit_of_work() as uow:
        user = user_for_step(app, uow.session, mfa_token, tokens.MFA_CHALLENGE)
        if recovery_code:
            _use_recovery_code(app, uow.session, user, recovery_code)
        else:
            credential = uow.session.get(MfaCredential, user.id)
            if credential is None or credential.confirmed_at is None:
                raise Unauthenticated("MFA is not set up for this account")
            _check_code(app, uow.session, credential, code, user)
        pair = start_session(app, uow.session, user, client, method="recovery_code" if recovery_code else "totp")
        uow.commit()
        return pair


def setup_during_login(app, *, mfa_token: str) -> Enrolment:
    """Enrolment for a user whose tenant requires MFA and who has not set it up yet."""
    with app.unit_of_work() as uow:
        user = user_for_step(app, uow.session, mfa_token, tokens.MFA_ENROLMENT)
        enrolment = begin_enrolment(app, uow.session, user)
        uow.commit()
        return enrolment


def confirm_setup_during_login(app, *, mfa_token: str, code: str, client: Client) -> tuple[TokenPair, list[str]]:
    with app.unit_of_work() as uow:
        user = user_for_step(app, uow.session, mfa_token, tokens.MFA_ENROLMENT)
        codes = confirm_enrolment(app, uow.session, user, code)
        pair = start_session(app, uow.session, user, client, method="totp_enrolment")
        uow.commit()
        return pair, codes


def enrol(app, principal: Principal) -> Enrolment:
    with signed_in(app, principal) as (uow, user):
        enrolment = begin_enrolment(app, uow.session, user)
        uow.commit()
        return enrolment


def confirm_enrol(app, principal: Principal, code: str) -> list[str]:
    with signed_in(app, principal) as (uow, user):
        codes = confirm_enrolment(app, uow.session, user, code)
        uow.commit()
        return codes
