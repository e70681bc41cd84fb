"""The SMTP mailer against a real local SMTP server: plain, STARTTLS, implicit TLS, login and failures."""

from __future__ import annotations

import logging
import traceback
from email.utils import parseaddr, parsedate_to_datetime

import pytest

from shared_code.core.bootstrap import Container
from shared_code.core.config import ConfigError, Settings, SmtpSecurity
from shared_code.core.mail import EmailMessageSpec, LogOnlyMailer, MailError, SmtpMailer, build_mailer
from tests.support import smtp as smtp_support
from tests.support.services import free_port
from tests.support.smtp import REFUSED_DOMAIN, SmtpServer, html_body, text_body

smtp_server = smtp_support.smtp_server  # fixtures
smtp_tls = smtp_support.smtp_tls

PASSWORD = "s3cret-Smtp-pa55word"
MESSAGE = EmailMessageSpec(
    to="ada@example.org",
    subject="Hello from PACT",
    text="Plain body with a one-time link https://pact.example/#/reset?token=abc\n",
    html="<p>HTML body with a <a href='https://pact.example/#/reset?token=abc'>link</a></p>\n",
)


def settings(**env: str) -> Settings:
    return Settings.from_environ({"AzureWebJobsStorage": "UseDevelopmentStorage=true", **env})


def mailer_for(server: SmtpServer, security: str = "none", ssl_context=None, **env: str) -> SmtpMailer:
    return SmtpMailer(settings(**{**server.environ(security), **env}), ssl_context=ssl_context)


# --- sending ---------------------------------------------------------------------------------------


def test_plain_smtp_delivers_text_and_html_as_alternatives(smtp_server):
    mailer_for(smtp_server).send(MESSAGE)

    [received] = smtp_server.messages
    assert received.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in received.iter_parts()] == ["text/plain", "text/html"]
    assert text_body(received) == MESSAGE.text
    assert html_body(received) == MESSAGE.html
    assert received["To"] == "ada@example.org"
    assert received["From"] == "PACT <no-reply@pact.local>"
    assert received["Subject"] == "Hello from PACT"
    assert received["Message-ID"].startswith("<") and received["Message-ID"].endswith("@pact.local>")
    assert parsedate_to_datetime(received["Date"]).tzinfo is not None
    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "no-reply@pact.local"
    assert envelope.rcpt_tos == ("ada@example.org",)
    assert not envelope.encrypted


def test_each_message_gets_its_own_message_id(smtp_server):
    mailer = mailer_for(smtp_server)
    mailer.send(MESSAGE)
    mailer.send(MESSAGE)
    first, second = smtp_server.messages
    assert first["Message-ID"] != second["Message-ID"]


def test_text_only_message_is_a_single_plain_part(smtp_server):
    mailer_for(smtp_server).send(EmailMessageSpec(to="ada@example.org", subject="Plain", text="Only text\n"))
    [received] = smtp_server.messages
    assert received.get_content_type() == "text/plain"
    assert received.get_content() == "Only text\n"


def test_sender_comes_from_settings(smtp_server):
    mailer_for(smtp_server, PACT_MAIL_FROM="Contracts Desk <contracts@gpo.example>").send(MESSAGE)
    assert parseaddr(smtp_server.messages[0]["From"]) == ("Contracts Desk", "contracts@gpo.example")
    assert smtp_server.envelopes[0].mail_from == "contracts@gpo.example"
    assert smtp_server.messages[0]["Message-ID"].endswith("@gpo.example>")


def test_starttls_with_login_delivers_over_an_encrypted_connection(smtp_tls):
    with SmtpServer(tls=smtp_tls.server, require_tls=True, credentials=("pact", PASSWORD)) as server:
        mailer_for(server, "starttls", ssl_context=smtp_tls.client).send(MESSAGE)

    assert server.logins == ["pact"]
    assert [m["Subject"] for m in server.messages] == ["Hello from PACT"]
    assert server.envelopes[0].encrypted


def test_implicit_tls_with_login_delivers(smtp_tls):
    with SmtpServer(tls=smtp_tls.server, implicit_tls=True, credentials=("pact", PASSWORD)) as server:
        mailer_for(server, "ssl", ssl_context=smtp_tls.client).send(MESSAGE)

    assert server.logins == ["pact"]
    assert len(server.messages) == 1
    assert server.envelopes[0].encrypted


# --- failures --------------------------------------------------------------------------------------


def test_untrusted_certificate_is_refused(smtp_tls):
    # The default context trusts the system's CAs only, never a self-signed certificate.
    with SmtpServer(tls=smtp_tls.server) as server:
        with pytest.raises(MailError) as caught:
            mailer_for(server, "starttls").send(MESSAGE)
    assert caught.value.reason == "tls"
    assert server.messages == []


def test_starttls_is_never_skipped_when_the_server_does_not_offer_it(smtp_server):
    with pytest.raises(MailError) as caught:
        mailer_for(smtp_server, "starttls").send(MESSAGE)
    assert caught.value.reason == "unsupported"
    assert smtp_server.messages == []


def test_wrong_password_is_a_mail_error_that_never_shows_the_password(smtp_tls, caplog):
    wrong = "wr0ng-Secret-Passw0rd"
    with SmtpServer(tls=smtp_tls.server, credentials=("pact", PASSWORD)) as server:
        mailer = mailer_for(server, "starttls", ssl_context=smtp_tls.client, PACT_SMTP_PASSWORD=wrong)
        with caplog.at_level(logging.DEBUG), pytest.raises(MailError) as caught:
            mailer.send(MESSAGE)

    error = caught.value
    assert error.reason == "auth"
    assert error.smtp_code == 535
    assert server.logins == [] and server.messages == []
    shown = str(error) + repr(error) + "".join(traceback.format_exception(error)) + caplog.text
    assert wrong not in shown
    assert PASSWORD not in shown
    assert "refused the login" in str(error)


def test_server_down_is_a_mail_error():
    mailer = SmtpMailer(
        settings(PACT_SMTP_HOST="127.0.0.1", PACT_SMTP_PORT=str(free_port()), PACT_SMTP_SECURITY="none")
    )
    with pytest.raises(MailError) as caught:
        mailer.send(MESSAGE)
    assert caught.value.reason == "connect"
    assert "127.0.0.1" not in str(caught.value)  # a caller may see the message; the log has the host


def test_refused_recipient_is_a_mail_error(smtp_server):
    with pytest.raises(MailError) as caught:
        mailer_for(smtp_server).send(EmailMessageSpec(to=f"nobody@{REFUSED_DOMAIN}", subject="Hi", text="x"))
    assert caught.value.reason == "recipient"
    assert caught.value.smtp_code == 550
    assert smtp_server.messages == []


def test_mail_error_is_a_503_for_an_http_caller():
    from shared_code.core.http.errors import status_for

    assert status_for(MailError("connect", "the mail server could not be reached")) == 503


@pytest.mark.parametrize(
    ("field", "value"),
    [("to", "ada@example.org\nBcc: eve@example.org"), ("subject", "Hi\r\nBcc: eve@example.org"), ("to", "ada")],
)
def test_message_refuses_header_injection_and_non_addresses(field, value):
    with pytest.raises(ValueError, match=field):
        EmailMessageSpec(**{"to": "ada@example.org", "subject": "Hi", "text": "x", field: value})


# --- mail disabled, composition root ---------------------------------------------------------------


def test_without_a_host_mail_is_logged_as_not_sent_without_its_body(caplog):
    mailer = build_mailer(settings())
    assert isinstance(mailer, LogOnlyMailer)
    with caplog.at_level(logging.DEBUG, logger="pact.mail"):
        mailer.send(MESSAGE)
    assert "not sent" in caplog.text
    assert "ada@example.org" in caplog.text and "Hello from PACT" in caplog.text
    assert "token=abc" not in caplog.text and "body" not in caplog.text


def test_container_builds_the_mailer_the_settings_ask_for_once(smtp_server):
    enabled = Container(settings(**smtp_server.environ()))
    assert isinstance(enabled.mailer, SmtpMailer)
    assert enabled.mailer is enabled.mailer
    assert isinstance(Container(settings()).mailer, LogOnlyMailer)


# --- settings --------------------------------------------------------------------------------------


def test_mail_settings_defaults():
    s = settings()
    assert s.smtp_host is None and not s.mail_enabled
    assert s.smtp_port == 587
    assert s.smtp_security is SmtpSecurity.STARTTLS
    assert s.smtp_timeout == 10
    assert s.mail_from == "PACT <no-reply@pact.local>"
    assert s.public_url == "http://127.0.0.1:7071"


def test_smtp_password_is_secret():
    s = settings(PACT_SMTP_HOST="smtp.example.org", PACT_SMTP_USERNAME="pact", PACT_SMTP_PASSWORD=PASSWORD)
    assert PASSWORD not in repr(s) + str(s)
    assert s.smtp_password.get_secret_value() == PASSWORD


def test_public_url_loses_its_trailing_slash():
    assert settings(PACT_PUBLIC_URL="https://pact.example.org/app/").public_url == "https://pact.example.org/app"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PACT_SMTP_SECURITY", "tls"),
        ("PACT_SMTP_PORT", "0"),
        ("PACT_SMTP_PORT", "70000"),
        ("PACT_SMTP_TIMEOUT", "-1"),
        ("PACT_MAIL_FROM", "nobody"),
        ("PACT_PUBLIC_URL", "javascript:alert(1)"),
        ("PACT_PUBLIC_URL", "pact.example.org"),
    ],
)
def test_malformed_mail_setting_is_named(name, value):
    with pytest.raises(ConfigError, match=name):
        settings(**{name: value})


@pytest.mark.parametrize("missing", ["PACT_SMTP_USERNAME", "PACT_SMTP_PASSWORD"])
def test_smtp_credentials_come_in_pairs(missing):
    env = {"PACT_SMTP_HOST": "smtp.example.org", "PACT_SMTP_USERNAME": "pact", "PACT_SMTP_PASSWORD": PASSWORD}
    del env[missing]
    with pytest.raises(ConfigError, match=missing):
        settings(**env)


def test_unencrypted_smtp_is_allowed_outside_production_only():
    assert settings(PACT_SMTP_SECURITY="none").smtp_security is SmtpSecurity.NONE
    with pytest.raises(ConfigError, match="PACT_SMTP_SECURITY"):
        settings(PACT_ENV="production", PACT_SMTP_SECURITY="none")
    # starttls passes the mail checks; production then asks for its other settings, never for SMTP ones.
    with pytest.raises(ConfigError) as caught:
        settings(PACT_ENV="production", PACT_SMTP_SECURITY="starttls", PACT_SMTP_HOST="smtp.example.org")
    assert "SMTP" not in str(caught.value)


def test_production_refuses_a_placeholder_smtp_password():
    with pytest.raises(ConfigError, match="PACT_SMTP_PASSWORD"):
        settings(PACT_ENV="production", PACT_SMTP_USERNAME="pact", PACT_SMTP_PASSWORD="changeme")
