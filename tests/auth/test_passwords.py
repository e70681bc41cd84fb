"""Password hashing with argon2id at OWASP's parameters, and generated passwords."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from shared_code.auth.passwords import generate_password, hash_password, needs_rehash, verify_password


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password("correct horse battery staple")


def test_hashes_are_argon2id_with_owasp_parameters(stored: str) -> None:
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_the_right_password_verifies(stored: str) -> None:
    assert verify_password("correct horse battery staple", stored) is True


@pytest.mark.parametrize("attempt", ["correct horse battery stapler", "", "CORRECT HORSE BATTERY STAPLE"])
def test_a_wrong_password_does_not(stored: str, attempt: str) -> None:
    assert verify_password(attempt, stored) is False


@pytest.mark.parametrize("bad_hash", [None, "", "not-a-hash", "$argon2id$v=19$m=19456,t=2,p=1$garbage"])
def test_a_missing_or_malformed_hash_never_verifies(bad_hash: str | None) -> None:
    assert verify_password("anything", bad_hash) is False


def test_each_hash_has_its_own_salt() -> None:
    assert hash_password("same") != hash_password("same")


def test_empty_passwords_are_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        hash_password("")


def test_hashes_with_other_parameters_need_rehashing(stored: str) -> None:
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("correct horse battery staple")
    assert needs_rehash(weaker) is True
    assert needs_rehash(stored) is False
    assert verify_password("correct horse battery staple", weaker) is True  # still accepted until rehashed


def test_generated_passwords_are_long_varied_and_unique() -> None:
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) >= 20
        assert any(c.islower() for c in password) and any(c.isupper() for c in password)
        assert any(c.isdigit() for c in password)
        assert password.strip() == password and " " not in password


def test_short_generated_passwords_are_refused() -> None:
    with pytest.raises(ValueError, match="20"):
        generate_password(12)
