"""The payload of the code printed on every generated page, and the line a person can type instead.

    keys = CodeKeys.from_setting(settings.code_keys)
    text = encode_payload(CodePayload(generation_id, page=1, page_count=2), keys)   # "P1A..." (46 chars)
    readable_line(text)     # "PACT P1A3-F9K2-... p1/2"
    decode_payload(text, keys)  == decode_payload(readable_line(text), keys)   # -> CodePayload

Version 1 is 46 characters of Crockford base32 (digits and capitals but I, L, O, U), which a DataMatrix
packs three to two codewords (C40) and a QR code stores in its alphanumeric mode: it fits a 24x24
DataMatrix or a 25x25 QR code. Fixed fields, so a person reading the line can see the page:

    P 1 K GGGGGGGGGGGGGGGGGGGGGGGGGG NN CC MMMMMMMMMMMMM
    | | | generation id (128 bits)   |  |  keyed check: HMAC-SHA256 over everything before it, 65 bits
    | | key id (one character)       |  page count (1-1023)
    | version                        page (1-1023)
    magic: a PACT code

The check is keyed by a secret from PACT_CODE_KEYS, so nobody without it can make a code that passes,
and a code with any character changed fails it (but for a chance of 2^-65). Decoding names why a code
is refused (`CodeRejected.reason`): foreign, malformed, version, unknown key, integrity, mismatch.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from enum import StrEnum

from pydantic import SecretStr

from shared_code.core.config import ConfigError
from shared_code.core.errors import Unprocessable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread
# What a person may type for a symbol: Crockford's reading of look-alike letters.
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_VALUES = {char: value for value, char in enumerate(ALPHABET)}

MAGIC = "P"
VERSION = "1"  # versions are digits, so a typed "PACT" prefix can never be mistaken for a code's start
MAX_PAGES = 32**2 - 1  # two characters
_ID_CHARS, _PAGE_CHARS, _CHECK_CHARS = 26, 2, 13  # 128 bits in 130; 10 bits each; 65 bits of HMAC
_ID = slice(3, 3 + _ID_CHARS)  # after magic, version and key id
_PAGE = slice(_ID.stop, _ID.stop + _PAGE_CHARS)
_COUNT = slice(_PAGE.stop, _PAGE.stop + _PAGE_CHARS)
_SIGNED = _COUNT.stop  # the characters the check covers
LENGTH = _SIGNED + _CHECK_CHARS  # 46
_CHECK_BITS = 5 * _CHECK_CHARS
_CONTEXT = b"pact-code\x00"  # the check means "a PACT page code", never anything else the key signs
_READABLE_PREFIX = "PACT"
_GROUP = 4
_TYPED_PAGE = re.compile(r"\s+P(\d+)/(\d+)\s*$")  # the " p1/2" a typed line ends with


class Rejection(StrEnum):
    FOREIGN = "foreign"  # not a PACT code at all
    MALFORMED = "malformed"  # PACT's shape, but a length or character that cannot be
    VERSION = "version"  # a PACT code of a version this build does not read
    UNKNOWN_KEY = "unknown_key"  # signed with a key id not in PACT_CODE_KEYS
    INTEGRITY = "integrity"  # the check fails: mistyped, altered, or signed with another key
    MISMATCH = "mismatch"  # a typed line's "p1/2" disagrees with its code


class CodeRejected(Unprocessable):
    """A code that must not be matched to anything; `reason` says why."""

    def __init__(self, reason: Rejection, message: str) -> None:
        super().__init__(message, details={"reason": reason.value})
        self.reason = reason


@dataclass(frozen=True)
class CodePayload:
    generation_id: uuid.UUID
    page: int  # 1-based
    page_count: int
    key_id: str = ""  # the key that signed it (set by decoding; encoding signs with the ring's first key)

    def __post_init__(self) -> None:
        if not 1 <= self.page <= self.page_count <= MAX_PAGES:
            raise ValueError(f"page {self.page} of {self.page_count}: pages run 1..count, count at most {MAX_PAGES}")


@dataclass(frozen=True)
class CodeKeys:
    """The code keys: the first signs, every one verifies, so a new key is put first and an old one
    kept as long as paper signed with it can still come back."""

    keys: dict[str, bytes]  # key id (one base32 character) -> secret
    signing_id: str

    @classmethod
    def from_setting(cls, value: SecretStr | None) -> CodeKeys:
        """The ring from PACT_CODE_KEYS ("kid:secret[,kid:secret...]", validated by the settings)."""
        if value is None:
            # No ephemeral fallback: paper outlives a process, and codes signed with a lost key never verify.
            raise ConfigError("PACT_CODE_KEYS is not set: codes cannot be signed or verified without it")
        pairs = [entry.strip().partition(":") for entry in value.get_secret_value().split(",")]
        return cls({kid.upper(): secret.encode() for kid, _, secret in pairs}, pairs[0][0].upper())


def encode_payload(payload: CodePayload, keys: CodeKeys) -> str:
    """The code text for `payload`, signed with the ring's signing key."""
    body = (
        MAGIC
        + VERSION
        + keys.signing_id
        + _to_base32(payload.generation_id.int, _ID_CHARS)
        + _to_base32(payload.page, _PAGE_CHARS)
        + _to_base32(payload.page_count, _PAGE_CHARS)
    )
    return body + _check(body, keys.keys[keys.signing_id])


def decode_payload(text: str, keys: CodeKeys) -> CodePayload:
    """The payload of a code as read from a page, or as a person typed it (the readable line, with or
    without "PACT", spaces, dashes, "p1/2", in any case, O for 0 and I or L for 1).

    Raises CodeRejected unless the text is a well-formed PACT code whose check verifies with one of
    `keys`, and whose typed "p1/2" (if any) agrees with it.
    """
    typed_pages = None
    cleaned = text.strip().upper()
    if (found := _TYPED_PAGE.search(cleaned)) is not None:
        typed_pages = int(found.group(1)), int(found.group(2))
        cleaned = cleaned[: found.start()]
    cleaned = re.sub(r"[\s-]", "", cleaned)
    if cleaned.startswith(_READABLE_PREFIX):  # a code itself starts "P" and a digit, never "PA"
        cleaned = cleaned[len(_READABLE_PREFIX) :]
    cleaned = cleaned.translate(_ALIASES)
    if not (cleaned[:1] == MAGIC and cleaned[1:2].isdigit() and cleaned[1] != "0"):  # versions count from 1
        raise CodeRejected(Rejection.FOREIGN, "not a PACT code")
    if cleaned[1] != VERSION:
        raise CodeRejected(Rejection.VERSION, f"a PACT code of version {cleaned[1:2]!r}, which this PACT does not read")
    if len(cleaned) != LENGTH or any(char not in _VALUES for char in cleaned):
        raise CodeRejected(Rejection.MALFORMED, f"a PACT code has {LENGTH} characters of {ALPHABET}")
    key_id = cleaned[2]
    secret = keys.keys.get(key_id)
    if secret is None:
        raise CodeRejected(Rejection.UNKNOWN_KEY, f"the code was signed with key {key_id!r}, which is not configured")
    body, check = cleaned[:_SIGNED], cleaned[_SIGNED:]
    if not hmac.compare_digest(check, _check(body, secret)):
        raise CodeRejected(
            Rejection.INTEGRITY, "the code does not verify: mistyped, altered, or signed with another key"
        )
    generation, page, count = (_from_base32(body[field]) for field in (_ID, _PAGE, _COUNT))
    if generation >= 1 << 128 or not 1 <= page <= count:
        # Only a key holder can sign such a body: it is not a code PACT made.
        raise CodeRejected(Rejection.MALFORMED, "the code verifies but names no valid generation and page")
    if typed_pages is not None and typed_pages != (page, count):
        raise CodeRejected(
            Rejection.MISMATCH, f"the line says p{typed_pages[0]}/{typed_pages[1]}, its code p{page}/{count}"
        )
    return CodePayload(uuid.UUID(int=generation), page, count, key_id)


def readable_line(text: str) -> str:
    """The line printed under a code, which a person can type back: "PACT P1A3-F9K2-... p1/2"."""
    groups = "-".join(text[start : start + _GROUP] for start in range(0, len(text), _GROUP))
    page, count = _from_base32(text[_PAGE]), _from_base32(text[_COUNT])
    return f"{_READABLE_PREFIX} {groups} p{page}/{count}"


def _check(body: str, secret: bytes) -> str:
    digest = hmac.new(secret, _CONTEXT + body.encode("ascii"), hashlib.sha256).digest()
    return _to_base32(int.from_bytes(digest[:9]) >> (72 - _CHECK_BITS), _CHECK_CHARS)


def _to_base32(value: int, chars: int) -> str:
    out = []
    for _ in range(chars):
        value, digit = divmod(value, 32)
        out.append(ALPHABET[digit])
    return "".join(reversed(out))


def _from_base32(text: str) -> int:
    value = 0
    for char in text:
        value = value * 32 + _VALUES[char]
    return value
