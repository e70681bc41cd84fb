"""Password hashing: argon2id with the OWASP minimum parameters (19 MiB, 2 passes, 1 lane)."""

from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)

GENERATED_LENGTH = 24
_ALPHABET = string.ascii_letters + string.digits + "-_."  # safe unquoted in shells, URLs and .env files


def hash_password(password: str) -> str:
    """An encoded argon2id hash of `password` (parameters and salt included)."""
    if not password:
        raise ValueError("password must not be empty")
    return _HASHER.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether `password` matches `password_hash`; False for a missing or malformed hash."""
    if not password_hash:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's (rehash after a good login)."""
    return _HASHER.check_needs_rehash(password_hash)


def generate_password(length: int = GENERATED_LENGTH) -> str:
    """A random password from the OS's secure source, at least 20 characters, mixing character classes."""
    if length < 20:
        raise ValueError("generated passwords are at least 20 characters long")
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
        ):
            return candidate
