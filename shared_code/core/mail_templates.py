"""The e-mails identity and access sends, each a function from typed values to an `EmailMessageSpec`.

Every message is built from one small structure (paragraphs, an optional action link, closing
paragraphs) rendered twice, as plain text and as HTML, so the two bodies cannot drift apart. Values
are escaped when the HTML is rendered and collapsed to one line where they reach a header; links
must be absolute http(s) URLs. The action link is the first URL in the plain-text body.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from shared_code.core.mail import EmailMessageSpec

_SIGNATURE = "— PACT"


def public_link(public_url: str, route: str, **params: str) -> str:
    """A link into the web UI (PACT_PUBLIC_URL): `{public_url}/#/{route}?{params}`.

    The UI routes on the fragment, which browsers never send to a server, so a token in it stays
    out of access logs and Referer headers.
    """
    query = f"?{urlencode(params)}" if params else ""
    return f"{public_url.rstrip('/')}/#/{route.strip('/')}{query}"


def invitation_email(
    to: str, *, tenant_name: str, inviter_name: str, accept_url: str, expires_at: datetime
) -> EmailMessageSpec:
    return _render(
        to,
        f"You are invited to {_one_line(tenant_name)} on PACT",
        [f"{inviter_name} has invited you to join {tenant_name} on PACT."],
        _Action("Accept the invitation", accept_url),
        [
            f"The invitation expires on {_when(expires_at)}. If it has expired, ask {inviter_name} for a new one.",
            "If you were not expecting this invitation, you can ignore this e-mail.",
        ],
    )


def verification_email(to: str, *, verify_url: str, expires_at: datetime) -> EmailMessageSpec:
    return _render(
        to,
        "Confirm your e-mail address for PACT",
        ["Please confirm that this is your e-mail address for PACT."],
        _Action("Confirm my e-mail address", verify_url),
        [
            f"The link expires on {_when(expires_at)}.",
            "If you did not create or change a PACT account, you can ignore this e-mail.",
        ],
    )


def password_reset_email(to: str, *, reset_url: str, expires_at: datetime) -> EmailMessageSpec:
    return _render(
        to,
        "Reset your PACT password",
        ["Somebody asked to reset the password of your PACT account."],
        _Action("Choose a new password", reset_url),
        [
            f"The link works once and expires on {_when(expires_at)}.",
            "If you did not ask for this, ignore this e-mail: your password stays as it is.",
        ],
    )


def password_changed_email(to: str, *, changed_at: datetime) -> EmailMessageSpec:
    return _render(
        to,
        "Your PACT password was changed",
        [f"The password of your PACT account was changed on {_when(changed_at)}."],
        None,
        ["If you did not change it, contact your PACT administrator at once: somebody else may know it."],
    )


def mfa_reset_email(to: str, *, reset_by: str, reset_at: datetime) -> EmailMessageSpec:
    return _render(
        to,
        "Two-step verification was reset on your PACT account",
        [
            f"{reset_by} reset the two-step verification of your PACT account on {_when(reset_at)}.",
            "The next time you sign in you will be asked to set it up again.",
        ],
        None,
        ["If you did not expect this, contact your PACT administrator at once."],
    )


@dataclass(frozen=True)
class _Action:
    label: str
    url: str

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in {"http", "https"} or not parts.netloc or any(c.isspace() for c in self.url):
            raise ValueError(f"a link in an e-mail must be an absolute http(s) URL, not {self.url!r}")


def _render(to: str, subject: str, before: list[str], action: _Action | None, after: list[str]) -> EmailMessageSpec:
    text = ["Hello,", *before]
    body = [f"<p>{_e('Hello,')}</p>", *(f"<p>{_e(p)}</p>" for p in before)]
    if action is not None:
        text.append(f"{action.label}:\n{action.url}")
        body.append(
            f'<p><a href="{_e(action.url)}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;'
            f'color:#ffffff;text-decoration:none;border-radius:4px">{_e(action.label)}</a></p>'
            f'<p style="font-size:13px;color:#52606d">If the button does not work, copy this address into '
            f"your browser:<br>{_e(action.url)}</p>"
        )
    text += [*after, _SIGNATURE]
    body += [*(f"<p>{_e(p)}</p>" for p in after), f"<p>{_e(_SIGNATURE)}</p>"]
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(subject)}</title></head>\n"
        '<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;line-height:1.5;color:#1f2933">\n'
        + "\n".join(body)
        + "\n</body></html>\n"
    )
    return EmailMessageSpec(to=to, subject=subject, text="\n\n".join(text) + "\n", html=page)


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def _one_line(value: str) -> str:
    """A value fit for a header: a line break there would start a header of the value's choosing."""
    return " ".join(value.split())


def _when(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("times in e-mails must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
