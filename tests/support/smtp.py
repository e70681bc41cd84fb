"""A real SMTP server for the tests (aiosmtpd on a free port) that keeps every message it receives.

Use the `smtp_server` fixture (plain SMTP, no login: what a local mail catcher looks like) and merge
`smtp_server.environ()` into the app's environment; after the code under test has sent mail, read
`smtp_server.messages` (`email.message.EmailMessage`, parsed with the default policy) and
`first_url(message)` for the link in it. `SmtpServer(...)` builds a server with STARTTLS, implicit
TLS or AUTH for tests of the mailer itself; `self_signed_tls()` makes the certificate for those.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import ssl
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.services import free_port

HOST = "127.0.0.1"
REFUSED_DOMAIN = "refused.invalid"  # RCPT TO any address here is answered 550
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Envelope:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    encrypted: bool  # the message came over TLS (STARTTLS or implicit)


class SmtpServer:
    """An SMTP server on 127.0.0.1 recording what it accepts; start() / stop(), or use it as a context manager.

    tls: a server SSLContext. With implicit_tls=False it is offered through STARTTLS (and required
    before MAIL when require_tls=True); with implicit_tls=True the whole connection is TLS (SMTPS).
    credentials: (username, password) the server accepts; when given, sending requires a login.
    """

    def __init__(
        self,
        *,
        tls: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        require_tls: bool = True,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.host = HOST
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self.logins: list[str] = []
        self._credentials = credentials
        options: dict = {}
        if tls is not None and implicit_tls:
            options["ssl_context"] = tls
        elif tls is not None:
            options.update(tls_context=tls, require_starttls=require_tls)
        if credentials is not None:
            # aiosmtpd offers AUTH only after STARTTLS unless told otherwise; SMTPS is TLS from the start.
            options.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=not implicit_tls)
        self._controller = _Controller(_Handler(self), hostname=HOST, port=self.port, ready_timeout=5, **options)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def environ(self, security: str = "none") -> dict[str, str]:
        """The settings that point PACT at this server (merge into the test's environment)."""
        values = {"PACT_SMTP_HOST": self.host, "PACT_SMTP_PORT": str(self.port), "PACT_SMTP_SECURITY": security}
        if self._credentials is not None:
            values.update(PACT_SMTP_USERNAME=self._credentials[0], PACT_SMTP_PASSWORD=self._credentials[1])
        return values

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if not isinstance(auth_data, LoginPassword) or self._credentials is None:
            return AuthResult(success=False, handled=False)
        ok = (auth_data.login.decode(), auth_data.password.decode()) == self._credentials
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)


class _Controller(Controller):
    def factory(self):
        # aiosmtpd cannot tell that an SMTPS connection is already encrypted, so AUTH over it needs
        # auth_require_tls=False, which it warns about on every connection.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning)
            return super().factory()


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self._server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Stored with local line endings, as a mailbox would keep it: bodies compare equal to what was sent.
        message = message_from_bytes(envelope.content.replace(b"\r\n", b"\n"), policy=policy.default)
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        self._server.envelopes.append(Envelope(envelope.mail_from, tuple(envelope.rcpt_tos), encrypted))
        self._server.messages.append(message)
        return "250 Message accepted for delivery"


def text_body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def first_url(message: EmailMessage) -> str:
    """The first link in the plain-text body (the action link of every PACT e-mail)."""
    match = _URL.search(text_body(message))
    if match is None:
        raise AssertionError(f"no URL in the e-mail {message['Subject']!r}")
    return match.group(0)


@dataclass(frozen=True)
class SelfSignedTls:
    """A certificate for 127.0.0.1 and localhost: `server` presents it, `client` trusts it (and only it)."""

    cert_path: Path
    key_path: Path

    @property
    def server(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context

    @property
    def client(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert_path))


def self_signed_tls(directory: Path, common_name: str = "pact-test-smtp") -> SelfSignedTls:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return SelfSignedTls(cert_path, key_path)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server without login, like a local mail catcher; `.environ()` points PACT at it."""
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="session")
def smtp_tls(tmp_path_factory: pytest.TempPathFactory) -> SelfSignedTls:
    return self_signed_tls(tmp_path_factory.mktemp("smtp-tls"))
