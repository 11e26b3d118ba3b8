"""Generated secrets, digests, encryption at rest and password hashing."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from charter.security import (
    Cipher,
    DecryptionError,
    digest,
    hash_password,
    new_auth_token,
    new_encryption_key,
    new_key_secret,
    same_digest,
    verify_password,
)
from charter.settings import decode_secret_key

KEY = bytes(range(32))
CONTEXT = "accounts.auth_token:AC" + "0" * 32


@pytest.fixture(scope="module")
def cipher() -> Cipher:
    return Cipher(KEY)


def test_auth_tokens_are_32_lower_case_hex_characters_and_random() -> None:
    tokens = {new_auth_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(re.fullmatch(r"[0-9a-f]{32}", t) for t in tokens)


def test_key_secrets_are_32_base62_characters_and_random() -> None:
    secrets = {new_key_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(re.fullmatch(r"[0-9A-Za-z]{32}", s) for s in secrets)
    assert any(re.search(r"[A-Z]", s) for s in secrets)


def test_digest_is_sha256_of_the_utf8_text() -> None:
    assert digest("secret") == hashlib.sha256(b"secret").digest()
    assert digest("é") == hashlib.sha256("é".encode()).digest()
    assert len(digest("")) == 32


@pytest.mark.parametrize(
    ("candidate", "matches"),
    [("secret", True), ("Secret", False), ("secret ", False), ("", False)],
)
def test_same_digest_compares_a_candidate_with_a_stored_digest(
    candidate: str, matches: bool
) -> None:
    assert same_digest(candidate, digest("secret")) is matches


@pytest.mark.parametrize("plaintext", ["0123456789abcdef0123456789abcdef", "", "naïve ☎"])
def test_cipher_round_trips(cipher: Cipher, plaintext: str) -> None:
    assert cipher.decrypt(cipher.encrypt(plaintext, CONTEXT), CONTEXT) == plaintext


def test_ciphertexts_are_versioned_base64url_and_never_repeat(cipher: Cipher) -> None:
    first = cipher.encrypt("token", CONTEXT)
    second = cipher.encrypt("token", CONTEXT)
    assert first != second
    assert first.startswith("v1.")
    raw = base64.urlsafe_b64decode(first[3:])
    assert len(raw) == 12 + len("token") + 16  # nonce, sealed text, GCM tag
    assert b"token" not in raw


def test_a_ciphertext_does_not_open_in_another_context(cipher: Cipher) -> None:
    sealed = cipher.encrypt("token", CONTEXT)
    with pytest.raises(DecryptionError):
        cipher.decrypt(sealed, "accounts.secondary_auth_token:AC" + "0" * 32)
    with pytest.raises(DecryptionError):
        cipher.decrypt(sealed, "accounts.auth_token:AC" + "1" * 32)


def test_a_ciphertext_does_not_open_under_another_key(cipher: Cipher) -> None:
    sealed = cipher.encrypt("token", CONTEXT)
    with pytest.raises(DecryptionError, match="does not open under this key"):
        Cipher(bytes(32)).decrypt(sealed, CONTEXT)


def _flip(ciphertext: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(ciphertext[3:]))
    raw[index] ^= 0x01
    return "v1." + base64.urlsafe_b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("index", [0, 11, 12, -1])
def test_a_tampered_ciphertext_is_refused(cipher: Cipher, index: int) -> None:
    sealed = cipher.encrypt("token", CONTEXT)
    with pytest.raises(DecryptionError):
        cipher.decrypt(_flip(sealed, index), CONTEXT)


@pytest.mark.parametrize(
    ("ciphertext", "message"),
    [
        ("v2.AAAA", "unknown ciphertext format"),
        ("plain-token", "unknown ciphertext format"),
        ("", "unknown ciphertext format"),
        ("v1.", "does not open"),
        ("v1.AAAA", "does not open"),
        ("v1.A", "does not open"),
    ],
)
def test_malformed_ciphertexts_are_refused(cipher: Cipher, ciphertext: str, message: str) -> None:
    with pytest.raises(DecryptionError, match=message):
        cipher.decrypt(ciphertext, CONTEXT)


@pytest.mark.parametrize("size", [0, 16, 31, 33])
def test_a_cipher_needs_a_32_byte_key(size: int) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Cipher(bytes(size))


def test_cipher_repr_hides_the_key(cipher: Cipher) -> None:
    assert repr(cipher) == "Cipher(<key hidden>)"
    assert KEY.hex() not in repr(cipher)


def test_new_encryption_keys_are_valid_secret_keys() -> None:
    key = new_encryption_key()
    assert "=" not in key
    assert len(decode_secret_key(key)) == 32
    assert new_encryption_key() != key


@pytest.fixture(scope="module")
def password_hash() -> str:
    return hash_password("correct horse battery staple")


def test_passwords_are_hashed_with_argon2id_and_salted(password_hash: str) -> None:
    assert password_hash.startswith("$argon2id$")
    assert "correct horse" not in password_hash
    assert hash_password("correct horse battery staple") != password_hash


@pytest.mark.parametrize(
    ("password", "stored", "ok"),
    [
        ("correct horse battery staple", "hash", True),
        ("correct horse battery stapler", "hash", False),
        ("", "hash", False),
        ("correct horse battery staple", None, False),
        ("correct horse battery staple", "not-an-argon2-hash", False),
        ("correct horse battery staple", "", False),
    ],
)
def test_verify_password(password_hash: str, password: str, stored: str | None, ok: bool) -> None:
    candidate = password_hash if stored == "hash" else stored
    assert verify_password(password, candidate) is ok
