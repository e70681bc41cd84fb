"""Outgoing e-mail: one message shape, a `Mailer` protocol, and an SMTP sender configured by settings.

With `PACT_SMTP_HOST` unset mail is disabled: `LogOnlyMailer` records that a message was *not sent*,
with its recipient and subject only. Bodies are never logged, because they hold one-time links.

`SmtpMailer` opens one connection per message (a function invocation sends one or two at most, and a
pooled connection would not survive between invocations anyway), secures it as `PACT_SMTP_SECURITY`
says, logs in when credentials are set, and turns every failure into a `MailError` whose message is
safe to show a caller: it names what went wrong, never the host, the account or the password.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Protocol

from shared_code.core.config import Settings, SmtpSecurity
from shared_code.core.errors import Unavailable

log = logging.getLogger("pact.mail")


class MailError(Unavailable):
    """A message could not be handed to the mail server. `reason` is stable and machine-readable."""

    code = "mail_unavailable"

    def __init__(self, reason: str, message: str, *, smtp_code: int | None = None) -> None:
        super().__init__(f"e-mail could not be sent: {message}")
        self.reason = reason
        self.smtp_code = smtp_code


@dataclass(frozen=True)
class EmailMessageSpec:
    """What to send to one person: a subject, a plain-text body and, usually, the same in HTML."""

    to: str
    subject: str
    text: str
    html: str | None = None

    def __post_init__(self) -> None:
        # A line break in a header would let a value add headers of its own (or recipients).
        for name in ("to", "subject"):
            if "\r" in getattr(self, name) or "\n" in getattr(self, name):
                raise ValueError(f"{name} must be a single line")
        local, _, domain = parseaddr(self.to)[1].partition("@")
        if not local or not domain:
            raise ValueError(f"to is not an e-mail address: {self.to!r}")


class Mailer(Protocol):
    def send(self, message: EmailMessageSpec) -> None:
        """Hand the message to the mail system, or raise MailError."""


class LogOnlyMailer:
    """Mail is disabled: say that a message was not sent, and to whom, without its body."""

    def send(self, message: EmailMessageSpec) -> None:
        log.warning(
            "e-mail not sent (PACT_SMTP_HOST is not set): to=%s subject=%r",
            message.to,
            message.subject,
            extra={"mail_to": message.to, "mail_subject": message.subject},
        )


class SmtpMailer:
    """Sends through the SMTP server the settings name.

    `ssl_context` decides which certificates are trusted; by default the system's CAs with hostname
    checking (`ssl.create_default_context()`). Pass another to trust a private CA.
    """

    def __init__(self, settings: Settings, *, ssl_context: ssl.SSLContext | None = None) -> None:
        if settings.smtp_host is None:
            raise ValueError("SmtpMailer needs PACT_SMTP_HOST; use build_mailer() to fall back to logging")
        self._host = settings.smtp_host
        self._port = settings.smtp_port
        self._security = settings.smtp_security
        self._timeout = settings.smtp_timeout
        self._username = settings.smtp_username
        self._password = settings.smtp_password
        self._sender = settings.mail_from
        self._ssl_context = ssl_context

    def send(self, message: EmailMessageSpec) -> None:
        email = self.compose(message)
        try:
            with self._connect() as smtp:
                if self._username is not None and self._password is not None:
                    smtp.login(self._username, self._password.get_secret_value())
                smtp.send_message(email)
        except (smtplib.SMTPException, OSError) as exc:
            error = _mail_error(exc)
            log.warning(
                "e-mail to %s failed at %s:%d (%s): %s",
                message.to,
                self._host,
                self._port,
                type(exc).__name__,
                error.message,
                extra={"mail_to": message.to, "mail_reason": error.reason, "smtp_code": error.smtp_code},
            )
            raise error from None  # the cause can quote the server's reply; the log above has what matters
        log.info("e-mail sent to %s: %s", message.to, email["Message-ID"], extra={"mail_to": message.to})

    def compose(self, message: EmailMessageSpec) -> EmailMessage:
        """The MIME message as it goes on the wire: multipart/alternative when there is an HTML body."""
        email = EmailMessage()
        email["From"] = self._sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False, usegmt=True)
        # An explicit domain: make_msgid() would otherwise ask DNS for this machine's name.
        email["Message-ID"] = make_msgid(domain=parseaddr(self._sender)[1].rpartition("@")[2])
        email.set_content(message.text)
        if message.html is not None:
            email.add_alternative(message.html, subtype="html")
        return email

    def _connect(self) -> smtplib.SMTP:
        if self._security is SmtpSecurity.SSL:
            return smtplib.SMTP_SSL(self._host, self._port, timeout=self._timeout, context=self._tls_context())
        smtp = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        if self._security is SmtpSecurity.STARTTLS:
            try:
                smtp.starttls(context=self._tls_context())
            except BaseException:
                smtp.close()
                raise
        return smtp

    def _tls_context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()


def build_mailer(settings: Settings) -> Mailer:
    """The mailer the settings ask for: SMTP when PACT_SMTP_HOST is set, otherwise log-only."""
    return SmtpMailer(settings) if settings.mail_enabled else LogOnlyMailer()


def _mail_error(exc: BaseException) -> MailError:
    """Name the failure without quoting it: a server's reply or an OS message is not ours to show."""
    code = getattr(exc, "smtp_code", None)
    # Order matters: every SMTP exception is an OSError, and SSLError is one too.
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailError("auth", "the mail server refused the login", smtp_code=code)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return MailError("unsupported", "the mail server does not offer STARTTLS or AUTH as configured")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [reply[0] for reply in exc.recipients.values()]
        return MailError("recipient", "the mail server refused the recipient", smtp_code=codes[0] if codes else None)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return MailError("sender", "the mail server refused the sender address", smtp_code=code)
    if isinstance(exc, smtplib.SMTPDataError):
        return MailError("message", "the mail server refused the message", smtp_code=code)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return MailError("disconnected", "the mail server closed the connection")
    if isinstance(exc, smtplib.SMTPException):
        return MailError("protocol", "the mail server answered unexpectedly", smtp_code=code)
    if isinstance(exc, ssl.SSLError):
        return MailError("tls", "the TLS handshake with the mail server failed (certificate or protocol)")
    if isinstance(exc, TimeoutError):
        return MailError("timeout", "the mail server did not answer in time")
    return MailError("connect", "the mail server could not be reached")
