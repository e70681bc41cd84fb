"""The identity-and-access e-mails: what each says, escaping, links, and how they arrive over SMTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

from shared_code.core.config import Settings
from shared_code.core.mail import EmailMessageSpec, SmtpMailer
from shared_code.core.mail_templates import (
    invitation_email,
    mfa_reset_email,
    password_changed_email,
    password_reset_email,
    public_link,
    verification_email,
)
from tests.support import smtp as smtp_support
from tests.support.smtp import first_url, html_body, text_body

smtp_server = smtp_support.smtp_server  # fixture

TO = "ada@example.org"
WHEN = datetime(2025, 3, 12, 14, 30, tzinfo=UTC)
LINK = "https://pact.example.org/#/accept-invitation?token=tok-123&tenant=north"


class _Links(HTMLParser):
    """Collects hrefs and visible text, as a mail client would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs += [value for name, value in attrs if name == "href"]

    def handle_data(self, data):
        self.text += data


def parsed(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


ALL = {
    "invitation": lambda: invitation_email(
        TO, tenant_name="North Region", inviter_name="Grace Hopper", accept_url=LINK, expires_at=WHEN
    ),
    "verification": lambda: verification_email(TO, verify_url=LINK, expires_at=WHEN),
    "password_reset": lambda: password_reset_email(TO, reset_url=LINK, expires_at=WHEN),
    "password_changed": lambda: password_changed_email(TO, changed_at=WHEN),
    "mfa_reset": lambda: mfa_reset_email(TO, reset_by="Grace Hopper", reset_at=WHEN),
}
WITH_LINK = {"invitation", "verification", "password_reset"}


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_email_has_both_bodies_saying_the_same(name):
    message = ALL[name]()
    assert isinstance(message, EmailMessageSpec)
    assert message.to == TO and message.subject
    html = parsed(message.html)
    assert "html" in html.tags and "script" not in html.tags
    # The visible HTML text carries every paragraph of the plain text.
    visible = " ".join(html.text.split())
    for paragraph in message.text.split("\n\n"):
        if "://" not in paragraph:
            assert " ".join(paragraph.split()) in visible, paragraph
    assert "2025-03-12 14:30 UTC" in message.text


@pytest.mark.parametrize("name", sorted(WITH_LINK))
def test_action_link_is_the_first_url_and_the_button(name):
    message = ALL[name]()
    assert message.text.count(LINK) == 1
    assert parsed(message.html).hrefs == [LINK]
    assert "&amp;tenant=north" in message.html  # the & of the query is escaped in the markup


@pytest.mark.parametrize("name", sorted(set(ALL) - WITH_LINK))
def test_notices_carry_no_link(name):
    message = ALL[name]()
    assert "://" not in message.text
    assert parsed(message.html).hrefs == []


def test_invitation_names_inviter_tenant_and_expiry():
    message = ALL["invitation"]()
    assert message.subject == "You are invited to North Region on PACT"
    assert "Grace Hopper has invited you to join North Region on PACT." in message.text
    assert "expires on 2025-03-12 14:30 UTC" in message.text


def test_password_reset_says_to_ignore_it_if_not_asked():
    message = ALL["password_reset"]()
    assert "If you did not ask for this, ignore this e-mail" in message.text
    assert "works once" in message.text


def test_mfa_reset_names_who_reset_it():
    assert "Grace Hopper reset the two-step verification" in ALL["mfa_reset"]().text


def test_values_are_escaped_in_html_and_kept_in_text():
    message = invitation_email(
        TO,
        tenant_name="<script>alert('x')</script>",
        inviter_name='Eve "<b>" & Co',
        accept_url=LINK,
        expires_at=WHEN,
    )
    assert "<script>" not in message.html and "<b>" not in message.html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in message.html
    assert "Eve &quot;&lt;b&gt;&quot; &amp; Co" in message.html
    html = parsed(message.html)
    assert "script" not in html.tags and "b" not in html.tags
    assert "<script>alert('x')</script>" in html.text  # shown as text, not run
    assert "<script>alert('x')</script>" in message.text


def test_a_quote_in_a_link_cannot_leave_the_href():
    message = password_reset_email(TO, reset_url='https://pact.example.org/#/r?t="onmouseover="x', expires_at=WHEN)
    assert parsed(message.html).hrefs == ['https://pact.example.org/#/r?t="onmouseover="x']
    assert 'onmouseover="x' not in message.html


def test_line_breaks_in_a_tenant_name_cannot_reach_the_subject():
    message = invitation_email(
        TO, tenant_name="North\r\nBcc: eve@example.org", inviter_name="Grace", accept_url=LINK, expires_at=WHEN
    )
    assert message.subject == "You are invited to North Bcc: eve@example.org on PACT"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "javascript://pact.example.org/%0Aalert(1)",
        "ftp://pact.example.org/reset",
        "/#/reset?token=x",
        "data:text/html,hi",
        "https://pact.example.org/a b",
    ],
)
def test_links_must_be_absolute_http_urls(url):
    with pytest.raises(ValueError, match="absolute http"):
        password_reset_email(TO, reset_url=url, expires_at=WHEN)


def test_times_are_shown_in_utc_and_must_be_aware():
    paris = timezone(timedelta(hours=1))
    message = password_changed_email(TO, changed_at=datetime(2025, 3, 12, 15, 30, tzinfo=paris))
    assert "2025-03-12 14:30 UTC" in message.text
    with pytest.raises(ValueError, match="timezone"):
        password_changed_email(TO, changed_at=datetime(2025, 3, 12, 15, 30))


def test_public_link_routes_into_the_web_ui_with_encoded_parameters():
    assert (
        public_link("http://127.0.0.1:7071/", "/accept-invitation", token="a+b/c=", tenant="north")
        == "http://127.0.0.1:7071/#/accept-invitation?token=a%2Bb%2Fc%3D&tenant=north"
    )
    assert public_link("https://pact.example.org/app", "login") == "https://pact.example.org/app/#/login"


def test_invitation_arrives_over_smtp_with_its_link_and_escaped_html(smtp_server):
    settings = Settings.from_environ({"AzureWebJobsStorage": "UseDevelopmentStorage=true", **smtp_server.environ()})
    accept_url = public_link(settings.public_url, "accept-invitation", token="tok-123")
    SmtpMailer(settings).send(
        invitation_email(
            TO, tenant_name="<script>x</script> Ltd", inviter_name="Grace", accept_url=accept_url, expires_at=WHEN
        )
    )

    [received] = smtp_server.messages_to(TO)
    assert first_url(received) == "http://127.0.0.1:7071/#/accept-invitation?token=tok-123"
    assert "<script>x</script> Ltd" in text_body(received)
    assert "&lt;script&gt;x&lt;/script&gt; Ltd" in html_body(received)
    assert "<script>" not in html_body(received)
    assert received["Subject"] == "You are invited to <script>x</script> Ltd on PACT"
