"""What the identity API's shapes (schemas.py, account_schemas.py, session_schemas.py) have in common.

Request bodies refuse unknown fields, so a PATCH that tries to change something it cannot fails
loudly instead of being ignored, and strip the whitespace around strings, except passwords:
a password is used exactly as typed, wherever it is typed (sign-in, reset, change).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"  # deliberately loose: e-mail-validator refuses addresses like admin@pact.local

# A secret as typed: never stripped, never shown in the API description's examples.
Password = Annotated[str, StringConstraints(strip_whitespace=False)]
PASSWORD_SCHEMA = {"format": "password", "writeOnly": True}


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def email_field():
    return Field(min_length=3, max_length=320, pattern=EMAIL_PATTERN)


def display_name_field(default=...):
    return Field(default, min_length=1, max_length=200)
