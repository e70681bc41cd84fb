"""The password policy: 12 to 128 characters, hard to guess (zxcvbn score 3 or more) for this person.

Strength is judged against who the user is: their e-mail address and name are given to zxcvbn as
words an attacker would try first, and a password may not be, or contain, the e-mail's local part.
A refusal says why and how to do better (zxcvbn's warning and suggestions) and never quotes the
password back.
"""

from __future__ import annotations

import re
import threading

from shared_code.core.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 128  # argon2 does not care, but zxcvbn's cost grows with the length
MIN_SCORE = 3  # zxcvbn 0..4; 3 is "safely unguessable": about 10^10 guesses
MIN_CONTAINED_LOCAL_PART = 4  # shorter local parts ("al", "ann") occur inside too many good passwords

# zxcvbn keeps the user's words in a module-level dictionary while it scores, so two concurrent
# calls (the Functions worker runs requests on a thread pool) could score against each other's words.
_ZXCVBN_LOCK = threading.Lock()
_GENERIC_SUGGESTION = "Add another word or two. Uncommon words are better."


def check_password(password: str, *, email: str, display_name: str | None = None, field: str = "password") -> None:
    """Return if `password` meets the policy for this person; raise InvalidInput with advice otherwise.

    `field` names the request field the advice refers to (e.g. `new_password`).
    """
    problems = _problems(password, email=email.strip().lower(), display_name=display_name or "")
    if problems:
        raise InvalidInput(
            "choose a stronger password",
            details=[{"field": field, "message": message} for message in problems],
        )


def _problems(password: str, *, email: str, display_name: str) -> list[str]:
    if len(password) < MIN_LENGTH:
        return [f"use at least {MIN_LENGTH} characters", _GENERIC_SUGGESTION]
    if len(password) > MAX_LENGTH:
        return [f"use at most {MAX_LENGTH} characters"]
    lowered = password.lower()
    local = email.partition("@")[0]
    if lowered in {email, local} or (len(local) >= MIN_CONTAINED_LOCAL_PART and local in lowered):
        return ["do not use your e-mail address in your password"]
    from zxcvbn import zxcvbn  # its word lists take a while to load: not at import of the function app

    with _ZXCVBN_LOCK:
        result = zxcvbn(password, user_inputs=_personal_words(email, display_name), max_length=MAX_LENGTH)
    if result["score"] >= MIN_SCORE:
        return []
    feedback = result["feedback"]
    advice = [feedback["warning"]] if feedback.get("warning") else ["this password is too easy to guess"]
    return advice + (feedback.get("suggestions") or [_GENERIC_SUGGESTION])


def _personal_words(email: str, display_name: str) -> list[str]:
    """What an attacker who knows this person tries first: their address, its parts, their name."""
    local, _, domain = email.partition("@")
    words = [email, local, *re.split(r"[._+\-]+", local), domain.split(".")[0]]
    words += [display_name, *display_name.split()]
    return [word for word in dict.fromkeys(w.strip().lower() for w in words) if word]
