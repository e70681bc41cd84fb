"""The password policy: length bounds, zxcvbn strength against the person's own words, helpful refusals."""

from __future__ import annotations

import sys
import threading

import pytest

from shared_code.auth.password_policy import MAX_LENGTH, MIN_LENGTH, check_password
from shared_code.core.errors import InvalidInput

EMAIL = "ada.lovelace@example.com"
NAME = "Ada Lovelace"
STRONG = "quartz-Meadow-lantern-47"
PERSONAL = "LovelaceAnalytical"  # zxcvbn: 3 for a stranger, 2 for Ada Lovelace


def refusal(password: str, *, email: str = EMAIL, name: str = NAME, field: str = "password") -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        check_password(password, email=email, display_name=name, field=field)
    return caught.value


def messages(error: InvalidInput) -> list[str]:
    return [item["message"] for item in error.details]


def test_a_long_uncommon_password_is_accepted():
    check_password(STRONG, email=EMAIL, display_name=NAME)


def test_the_bounds_are_12_and_128_characters():
    check_password("vK8#qL2!mZ5w", email=EMAIL)  # exactly 12, strong enough
    check_password("Qz7!" + "rT9@xW3$" * 15 + "pL2#", email=EMAIL)  # exactly 128
    assert len("Qz7!" + "rT9@xW3$" * 15 + "pL2#") == MAX_LENGTH
    assert messages(refusal("vK8#qL2!mZ5"))[0] == f"use at least {MIN_LENGTH} characters"
    assert messages(refusal("Qz7!" + "rT9@xW3$" * 15 + "pL2#x")) == [f"use at most {MAX_LENGTH} characters"]


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "aaaaaaaaaaaaaaa", "123456789012"])
def test_common_and_repetitive_passwords_are_refused_with_zxcvbn_advice(password):
    error = refusal(password)
    assert error.message == "choose a stronger password"
    assert len(error.details) >= 2  # a warning and at least one suggestion
    assert all(item["field"] == "password" for item in error.details)


def test_the_advice_never_quotes_the_password():
    for password in ["password1234", "ada.lovelace1", "short", "x" * 200]:
        error = refusal(password)
        assert password not in repr(error.details) and password not in error.message


@pytest.mark.parametrize(
    "password",
    ["ada.lovelace@example.com", "ADA.LOVELACE", "my-ada.lovelace-Key-93", "Ada.Lovelace!Zebra7"],
)
def test_the_e_mail_address_or_its_local_part_is_refused(password):
    assert messages(refusal(password)) == ["do not use your e-mail address in your password"]


def test_a_very_short_local_part_may_appear_inside_a_strong_password():
    check_password("total-Bramble-quiver-58", email="al@example.com")


def test_the_persons_own_words_weaken_a_password_that_would_otherwise_pass():
    # Strong enough for a stranger, but made of this person's surname.
    check_password(PERSONAL, email="grace.hopper@elsewhere.org", display_name="Grace Hopper")
    refusal(PERSONAL, email=EMAIL, name=NAME)


def test_the_field_named_in_the_advice_is_the_callers():
    assert {item["field"] for item in refusal("password1234", field="new_password").details} == {"new_password"}


def test_concurrent_checks_score_against_their_own_persons_words():
    # zxcvbn keeps the user's words in a module global while it scores: without the lock, one thread
    # can score with another's words. Frequent thread switches make the race show at once.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    wrong: list[str] = []

    def check(email: str, name: str, should_pass: bool) -> None:
        for _ in range(150):
            try:
                check_password(PERSONAL, email=email, display_name=name)
                passed = True
            except InvalidInput:
                passed = False
            if passed != should_pass:
                wrong.append(email)

    threads = [
        threading.Thread(target=check, args=(EMAIL, NAME, False)),
        threading.Thread(target=check, args=("grace.hopper@elsewhere.org", "Grace Hopper", True)),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(previous)
    assert wrong == []
