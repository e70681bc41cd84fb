"""The page code's payload: what it carries, how it is typed back, and every way it is refused."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from shared_code.core.config import ConfigError, Settings
from shared_code.generation.payload import (
    ALPHABET,
    LENGTH,
    MAX_PAGES,
    CodeKeys,
    CodePayload,
    CodeRejected,
    Rejection,
    decode_payload,
    encode_payload,
    readable_line,
)

SECRET_A, SECRET_B = "a" * 40, "b" * 40
KEYS = CodeKeys.from_setting(SecretStr(f"A:{SECRET_A}"))
GENERATION = uuid.UUID("6fa3bf3a-c398-4d8b-91ca-ac0e12c29638")


def settings(**values: str) -> Settings:
    return Settings.from_environ({"AzureWebJobsStorage": "UseDevelopmentStorage=true", **values})


def rejection(text: str, keys: CodeKeys = KEYS) -> Rejection:
    with pytest.raises(CodeRejected) as caught:
        decode_payload(text, keys)
    assert caught.value.details == {"reason": caught.value.reason.value}
    return caught.value.reason


@given(
    generation=st.uuids(version=None) | st.builds(uuid.UUID, int=st.sampled_from([0, 2**128 - 1])),
    count=st.integers(1, MAX_PAGES),
    data=st.data(),
)
def test_a_payload_round_trips_in_46_characters_of_base32(generation, count, data):
    page = data.draw(st.integers(1, count))
    text = encode_payload(CodePayload(generation, page, count), KEYS)
    assert len(text) == LENGTH and set(text) <= set(ALPHABET) and text.startswith("P1A")
    assert decode_payload(text, KEYS) == CodePayload(generation, page, count, "A")


def test_the_readable_line_shows_the_page_and_typed_back_decodes_the_same():
    text = encode_payload(CodePayload(GENERATION, 2, 3), KEYS)
    line = readable_line(text)
    assert line.startswith("PACT P1A") and line.endswith(" p2/3")
    assert line.replace("PACT ", "").replace(" p2/3", "").replace("-", "") == text
    expected = CodePayload(GENERATION, 2, 3, "A")
    typed = [
        line,
        line.lower(),  # any case
        "  " + line.replace("-", " ") + "  ",  # spaces for dashes
        line.removeprefix("PACT "),  # without the prefix
        line.removesuffix(" p2/3"),  # without the page
        text.replace("0", "O").replace("1", "I"),  # letters that look like digits
        text.replace("1", "l"),
    ]
    for variant in typed:
        assert decode_payload(variant, KEYS) == expected, variant


def test_every_single_character_change_is_refused():
    text = encode_payload(CodePayload(GENERATION, 1, 2), KEYS)
    for position in range(len(text)):
        for char in ALPHABET:
            if char == text[position]:
                continue
            changed = text[:position] + char + text[position + 1 :]
            reason = rejection(changed)
            if position == 0:
                assert reason is Rejection.FOREIGN
            elif position == 1:
                assert reason in (Rejection.VERSION, Rejection.FOREIGN)
            elif position == 2:
                assert reason is Rejection.UNKNOWN_KEY
            else:
                assert reason in (Rejection.INTEGRITY, Rejection.MALFORMED)


def test_two_neighbouring_characters_swapped_are_refused():
    text = encode_payload(CodePayload(GENERATION, 1, 2), KEYS)
    for position in range(3, len(text) - 1):
        swapped = text[:position] + text[position + 1] + text[position] + text[position + 2 :]
        if swapped != text:
            assert rejection(swapped) in (Rejection.INTEGRITY, Rejection.MALFORMED)


def test_a_code_signed_with_another_secret_or_an_unknown_key_is_refused():
    text = encode_payload(CodePayload(GENERATION, 1, 1), KEYS)
    assert rejection(text, CodeKeys.from_setting(SecretStr(f"A:{SECRET_B}"))) is Rejection.INTEGRITY
    assert rejection(text, CodeKeys.from_setting(SecretStr(f"B:{SECRET_A}"))) is Rejection.UNKNOWN_KEY


def test_keys_rotate_the_first_signs_and_every_one_verifies():
    old_code = encode_payload(CodePayload(GENERATION, 1, 1), KEYS)
    rotated = CodeKeys.from_setting(SecretStr(f"B:{SECRET_B}, A:{SECRET_A}"))
    new_code = encode_payload(CodePayload(GENERATION, 1, 1), rotated)
    assert new_code[2] == "B" and decode_payload(new_code, rotated).key_id == "B"
    assert decode_payload(old_code, rotated).key_id == "A"  # paper already out still verifies
    assert rejection(new_code) is Rejection.UNKNOWN_KEY  # and the old ring never knew B


def test_foreign_malformed_and_other_version_codes_are_named_as_such():
    text = encode_payload(CodePayload(GENERATION, 1, 1), KEYS)
    for foreign in ("", "https://example.org/form/17", "PO-12345-A", "0123456789", "PACT"):
        assert rejection(foreign) is Rejection.FOREIGN, foreign
    assert rejection("P2" + text[2:]) is Rejection.VERSION
    assert rejection(text[:-1]) is Rejection.MALFORMED
    assert rejection(text + "0") is Rejection.MALFORMED
    assert rejection(text[:20] + "U" + text[21:]) is Rejection.MALFORMED  # U is no base32 symbol


def test_a_typed_page_that_disagrees_with_its_code_is_refused():
    text = encode_payload(CodePayload(GENERATION, 1, 2), KEYS)
    assert rejection(readable_line(text).replace("p1/2", "p2/2")) is Rejection.MISMATCH


def test_a_signed_body_naming_no_valid_page_is_refused():
    # Only a key holder could make one: a page 0, or a page past the count, is still not a PACT code.
    from shared_code.generation.payload import _check, _to_base32

    for page, count in ((0, 1), (3, 2)):
        body = "P1A" + _to_base32(GENERATION.int, 26) + _to_base32(page, 2) + _to_base32(count, 2)
        assert rejection(body + _check(body, SECRET_A.encode())) is Rejection.MALFORMED


@pytest.mark.parametrize(("page", "count"), [(0, 1), (2, 1), (1, MAX_PAGES + 1)])
def test_a_payload_names_a_real_page(page, count):
    with pytest.raises(ValueError, match=r"pages run 1\.\.count"):
        CodePayload(GENERATION, page, count)


def test_the_code_keys_setting_is_validated_and_required_in_production():
    ring = CodeKeys.from_setting(settings(PACT_CODE_KEYS=f"a:{SECRET_A},7:{SECRET_B}").code_keys)
    assert ring.signing_id == "A" and set(ring.keys) == {"A", "7"}
    for bad in (f"AB:{SECRET_A}", f"I:{SECRET_A}", f":{SECRET_A}", "A:short", f"A:{SECRET_A},a:{SECRET_B}"):
        with pytest.raises(ConfigError, match="PACT_CODE_KEYS"):
            settings(PACT_CODE_KEYS=bad)
    with pytest.raises(ConfigError, match="PACT_CODE_KEYS must be set in production"):
        settings(
            PACT_ENV="production",
            PACT_DATABASE_URL="postgresql+psycopg://db/pact",
            PACT_JWT_KEYS="k:" + "j" * 40,
            PACT_ENCRYPTION_KEY="K" * 43 + "=",
        )
    with pytest.raises(ConfigError, match="PACT_CODE_KEYS is not set"):
        CodeKeys.from_setting(None)
    assert SECRET_A not in repr(settings(PACT_CODE_KEYS=f"A:{SECRET_A}"))
