"""Access tokens: what is accepted and, above all, what is refused."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from shared_code.auth.tokens import ACCESS, MFA_CHALLENGE, KeyRing, decode_token, issue_token
from shared_code.core.errors import Unauthenticated

SECRET_A = "a" * 40
SECRET_B = "b" * 40
RING = KeyRing.from_setting(SecretStr(f"k2:{SECRET_B},k1:{SECRET_A}"))
USER, TENANT = uuid.uuid4(), uuid.uuid4()


def mint(ring=RING, **kwargs):
    defaults = {"user_id": USER, "tenant_id": TENANT, "ttl": timedelta(minutes=15),
                "roles": ("Viewer",), "permissions": frozenset({"accounts:read"})}
    return issue_token(ring, **{**defaults, **kwargs})[0]


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_round_trip_carries_identity_roles_and_permissions():
    claims = decode_token(RING, mint())
    assert (claims.subject, claims.tenant_id) == (USER, TENANT)
    assert claims.permissions == frozenset({"accounts:read"}) and claims.roles == ("Viewer",)
    assert jwt.get_unverified_header(mint())["kid"] == "k2"  # the first key signs


def test_rotation_old_key_still_verifies_until_it_is_dropped():
    old_ring = KeyRing.from_setting(SecretStr(f"k1:{SECRET_A}"))
    token = mint(old_ring)
    assert decode_token(RING, token).subject == USER
    with pytest.raises(Unauthenticated, match="unknown key"):
        decode_token(KeyRing.from_setting(SecretStr(f"k2:{SECRET_B}")), token)


def test_expired_token_is_refused():
    token = mint(now=datetime.now(UTC) - timedelta(minutes=30))
    with pytest.raises(Unauthenticated, match="expired"):
        decode_token(RING, token)


def test_bad_signature_is_refused():
    header, payload, signature = mint().split(".")
    forged = jwt.encode(json.loads(base64.urlsafe_b64decode(payload + "==")), "c" * 40, algorithm="HS256",
                        headers={"kid": "k2"})
    with pytest.raises(Unauthenticated):
        decode_token(RING, forged)
    tampered_payload = b64({**json.loads(base64.urlsafe_b64decode(payload + "==")), "perms": ["users:delete"]})
    with pytest.raises(Unauthenticated):
        decode_token(RING, f"{header}.{tampered_payload}.{signature}")


def test_alg_none_is_refused():
    _, payload, _ = mint().split(".")
    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': 'k2'})}.{payload}."
    with pytest.raises(Unauthenticated, match="algorithm"):
        decode_token(RING, unsigned)


def test_rs256_token_and_public_key_as_hmac_secret_are_refused():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": "pact", "aud": "pact-api", "sub": str(USER), "tid": str(TENANT), "jti": "x", "typ": ACCESS,
              "iat": int(datetime.now(UTC).timestamp()), "exp": int(datetime.now(UTC).timestamp()) + 600,
              "perms": ["users:delete"]}
    rs_token = jwt.encode(claims, private, algorithm="RS256", headers={"kid": "k2"})
    with pytest.raises(Unauthenticated, match="algorithm"):
        decode_token(RING, rs_token)
    # The classic confusion: HS256 signed with a public key the attacker knows. Our HMAC secrets are
    # never public, so such a token fails the signature check.
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = b64({"alg": "HS256", "typ": "JWT", "kid": "k2"})
    body = b64(claims)
    import hashlib
    import hmac
    signature = base64.urlsafe_b64encode(hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    with pytest.raises(Unauthenticated):
        decode_token(RING, f"{header}.{body}.{signature}")
    for alg in ("HS512", "ES256"):
        with pytest.raises(Unauthenticated, match="algorithm"):
            decode_token(RING, f"{b64({'alg': alg, 'kid': 'k2'})}.{body}.sig")


def test_a_step_token_is_not_an_access_token_and_vice_versa():
    step = mint(token_type=MFA_CHALLENGE)
    with pytest.raises(Unauthenticated, match="kind"):
        decode_token(RING, step)
    with pytest.raises(Unauthenticated, match="kind"):
        decode_token(RING, mint(), expected_type=MFA_CHALLENGE)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x", "e30.e30.e30", "WyJ4Il0.e30.e30", "_w.e30.e30",
                                     "!!!!.e30.e30"])
def test_garbage_is_refused(garbage):
    with pytest.raises(Unauthenticated):
        decode_token(RING, garbage)


def test_a_good_header_does_not_carry_a_bad_payload_or_signature():
    header, payload, signature = mint().split(".")
    for forged in (f"{header}.!!!!.{signature}", f"{header}.{payload}x.{signature}", f"{header}.{payload}.",
                   f"{header}.e30.{signature}"):
        with pytest.raises(Unauthenticated):
            decode_token(RING, forged)


def test_wrong_audience_or_issuer_is_refused():
    now = int(datetime.now(UTC).timestamp())
    base = {"sub": str(USER), "tid": str(TENANT), "jti": "j", "typ": ACCESS, "iat": now, "exp": now + 600}
    for extra in ({"iss": "evil", "aud": "pact-api"}, {"iss": "pact", "aud": "other"}):
        token = jwt.encode({**base, **extra}, SECRET_B, algorithm="HS256", headers={"kid": "k2"})
        with pytest.raises(Unauthenticated):
            decode_token(RING, token)
